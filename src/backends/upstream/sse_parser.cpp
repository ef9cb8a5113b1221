#include "backends/upstream/sse_parser.h"

namespace slipway::backends {

void SseParser::feed(std::string_view bytes, const std::function<void(SseEvent&&)>& on_event) {
  for (const char c : bytes) {
    if (after_cr_) {
      after_cr_ = false;
      if (c == '\n') continue;  // the \n of a \r\n split across reads
    }
    if (c == '\r') {
      after_cr_ = true;
      end_line(on_event);
    } else if (c == '\n') {
      end_line(on_event);
    } else {
      line_.push_back(c);
      if (at_start_ && line_.size() == 3) {
        at_start_ = false;
        if (line_ == "\xEF\xBB\xBF") line_.clear();
      }
    }
  }
}

std::vector<SseEvent> SseParser::feed(std::string_view bytes) {
  std::vector<SseEvent> events;
  feed(bytes, [&](SseEvent&& event) { events.push_back(std::move(event)); });
  return events;
}

void SseParser::end_line(const std::function<void(SseEvent&&)>& on_event) {
  at_start_ = false;
  if (line_.empty()) {  // a blank line dispatches the event
    if (has_data_) {
      SseEvent event{std::move(event_), std::move(data_), id_};
      on_event(std::move(event));
    }
    data_.clear();
    event_.clear();
    has_data_ = false;
    return;
  }
  if (line_.front() == ':') {  // comment (servers send these as keep-alives)
    line_.clear();
    return;
  }
  const auto colon = line_.find(':');
  std::string_view field(line_);
  std::string_view value;
  if (colon != std::string::npos) {
    field = field.substr(0, colon);
    value = std::string_view(line_).substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    if (has_data_) data_.push_back('\n');
    data_.append(value);
    has_data_ = true;
  } else if (field == "event") {
    event_.assign(value);
  } else if (field == "id") {
    id_.assign(value);
  }  // "retry" and unknown fields do not matter to a proxy
  line_.clear();
}

}  // namespace slipway::backends
