#pragma once
// Incremental Server-Sent Events parser (the WHATWG event-stream format): bytes go in as they
// arrive from the socket, split anywhere; complete events come out. Lines end in \n, \r\n or
// \r (also when the \r and \n arrive in different reads); multi-line data is joined with \n;
// comment lines (":...") are skipped, as are events without data.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace slipway::backends {

struct SseEvent {
  std::string event;  // the "event:" field; empty means "message"
  std::string data;   // "data:" lines joined with \n
  std::string id;
};

class SseParser {
 public:
  // Calls on_event for each event completed by these bytes, in order.
  void feed(std::string_view bytes, const std::function<void(SseEvent&&)>& on_event);
  // Convenience for tests and simple callers.
  std::vector<SseEvent> feed(std::string_view bytes);
  // Bytes held for an unfinished line or event (an upstream that never ends a line is
  // a problem the caller may want to bound).
  std::size_t pending_bytes() const { return line_.size() + data_.size(); }

 private:
  void end_line(const std::function<void(SseEvent&&)>& on_event);

  std::string line_;
  std::string data_;
  std::string event_;
  std::string id_;
  bool has_data_ = false;
  bool after_cr_ = false;  // the last byte was \r: a following \n belongs to the same line end
  bool at_start_ = true;   // a UTF-8 BOM may open the stream
};

}  // namespace slipway::backends
