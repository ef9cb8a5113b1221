#pragma once
// The ResponseSink the server hands to backends. Backend threads call it; it only queues the
// event and wakes the connection's coroutine, so it never blocks and never touches the socket.
#include <deque>
#include <memory>
#include <mutex>

#include "backends/backend.h"
#include "http/wake_signal.h"

namespace slipway::http {

struct SinkEvent {
  enum class Kind { Chunk, Response, Error, Done };
  Kind kind = Kind::Done;
  backends::Json json;  // Chunk, Response
  backends::ApiError error;
  backends::CompletionStats stats;
};

// Thread-safe queue from backend threads to one request's coroutine.
class EventQueue {
 public:
  explicit EventQueue(std::shared_ptr<WakeRemote> wake) : wake_(std::move(wake)) {}
  void push(SinkEvent event);
  std::deque<SinkEvent> take_all();

 private:
  std::mutex mutex_;
  std::deque<SinkEvent> events_;
  std::shared_ptr<WakeRemote> wake_;
};

class StreamSink : public backends::ResponseSink {
 public:
  explicit StreamSink(std::shared_ptr<EventQueue> queue) : queue_(std::move(queue)) {}
  void on_chunk(backends::Json chunk) override;
  void on_response(backends::Json body) override;
  void on_error(backends::ApiError error) override;
  void on_done(const backends::CompletionStats& stats) override;

 private:
  std::shared_ptr<EventQueue> queue_;
};

}  // namespace slipway::http
