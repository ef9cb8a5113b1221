#include "http/stream_sink.h"

namespace slipway::http {

void EventQueue::push(SinkEvent event) {
  {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
  }
  wake_->notify();
}

std::deque<SinkEvent> EventQueue::take_all() {
  std::lock_guard lock(mutex_);
  std::deque<SinkEvent> out;
  out.swap(events_);
  return out;
}

void StreamSink::on_chunk(backends::Json chunk) {
  SinkEvent e;
  e.kind = SinkEvent::Kind::Chunk;
  e.json = std::move(chunk);
  queue_->push(std::move(e));
}

void StreamSink::on_response(backends::Json body) {
  SinkEvent e;
  e.kind = SinkEvent::Kind::Response;
  e.json = std::move(body);
  queue_->push(std::move(e));
}

void StreamSink::on_error(backends::ApiError error) {
  SinkEvent e;
  e.kind = SinkEvent::Kind::Error;
  e.error = std::move(error);
  queue_->push(std::move(e));
}

void StreamSink::on_done(const backends::CompletionStats& stats) {
  SinkEvent e;
  e.kind = SinkEvent::Kind::Done;
  e.stats = stats;
  queue_->push(std::move(e));
}

}  // namespace slipway::http
