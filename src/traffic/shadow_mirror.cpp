#include "traffic/shadow_mirror.h"

#include <condition_variable>
#include <exception>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "metrics/prometheus_text.h"

namespace slipway::traffic {
namespace {

using backends::ApiError;
using backends::ApiRequest;
using backends::Json;

constexpr auto kShutdownWait = std::chrono::seconds(1);

// The copy's request: the primary's, answered whole (a copy has nobody to stream to), under its
// own id, at shadow priority and with its own deadline.
ApiRequest copy_request(const ApiRequest& primary, int index, std::chrono::milliseconds timeout) {
  ApiRequest copy;
  copy.endpoint = primary.endpoint;
  copy.body = primary.body;
  if (copy.body.is_object()) {
    copy.body["stream"] = false;
    copy.body.erase("stream_options");
  }
  copy.request_id = primary.request_id + "-shadow-" + std::to_string(index);
  copy.created = primary.created;
  copy.user = primary.user;
  copy.deadline = std::chrono::steady_clock::now() + timeout;
  copy.priority = backends::RequestPriority::Shadow;
  return copy;
}

// The HTTP status the copy would have had, with an error for every status but 200.
void settle(ShadowAnswer& answer) {
  if (answer.error) {
    answer.status = answer.error->status;
  } else if (answer.stats.finish_reason == "timeout") {
    answer.error = ApiError::gateway_timeout("the shadow copy timed out");
  } else if (answer.response) {
    answer.status = 200;
    return;
  } else if (answer.stats.finish_reason == "abort") {
    answer.error = ApiError::internal("the shadow copy was cancelled before it finished");
  } else {
    answer.error = ApiError::internal("the backend finished without an answer");
  }
  answer.status = answer.error->status;
  answer.response.reset();
}

// Shared with every copy's sink, so a copy that outlives the mirror finds it still there (and
// closed: the AnswerSink is never called after the destructor returned).
struct MirrorState {
  using ResultKey = std::tuple<std::string, std::string, std::string>;  // route, version, result

  ShadowOptions options;
  ShadowMirror::AnswerSink sink;

  mutable std::mutex mutex;
  std::condition_variable changed;
  ShadowMirror::Counters totals;
  std::map<ResultKey, uint64_t> results;
  // Copies started and not done; a null control while start() has not returned yet.
  std::map<uint64_t, std::shared_ptr<backends::RequestControl>> running;
  uint64_t next_copy = 0;
  bool closed = false;
  int delivering = 0;  // AnswerSink calls in progress

  void count(const std::string& route, const std::string& version, const char* result) {
    ++results[{route, version, result}];
  }

  // A copy's on_done: counts it and hands its answer to the AnswerSink unless closed.
  void finish(uint64_t copy, ShadowAnswer&& answer) {
    bool deliver = false;
    {
      std::lock_guard lock(mutex);
      running.erase(copy);
      --totals.in_flight;
      const bool succeeded = answer.status == 200;
      ++(succeeded ? totals.succeeded : totals.failed);
      count(answer.route, answer.version, succeeded ? "succeeded" : "failed");
      deliver = !closed;
      if (deliver) ++delivering;
    }
    changed.notify_all();
    if (!deliver) return;
    try {
      sink(std::move(answer));
    } catch (...) {  // the sink's owner handles its own errors; the copy is over anyway
    }
    {
      std::lock_guard lock(mutex);
      --delivering;
    }
    changed.notify_all();
  }
};

// Gathers one copy's answer; chunks are ignored (copies are not streamed).
class CopySink : public backends::ResponseSink {
 public:
  CopySink(std::shared_ptr<MirrorState> state, uint64_t copy, ShadowAnswer answer)
      : state_(std::move(state)), copy_(copy), answer_(std::move(answer)) {}

  void on_chunk(Json /*chunk*/) override {}
  void on_response(Json body) override { answer_.response = std::move(body); }
  void on_error(ApiError error) override { answer_.error = std::move(error); }
  void on_done(const backends::CompletionStats& stats) override {
    if (std::exchange(done_, true)) return;  // a backend breaking the protocol is ignored
    answer_.stats = stats;
    settle(answer_);
    state_->finish(copy_, std::move(answer_));
  }

 private:
  std::shared_ptr<MirrorState> state_;
  uint64_t copy_;
  ShadowAnswer answer_;
  bool done_ = false;
};

}  // namespace

struct ShadowMirror::State : MirrorState {};

ShadowMirror::ShadowMirror(ShadowOptions options, AnswerSink sink)
    : state_(std::make_shared<State>()) {
  if (options.max_in_flight < 0)
    throw std::invalid_argument("shadow max_in_flight must not be negative");
  if (options.timeout.count() <= 0) throw std::invalid_argument("shadow timeout must be positive");
  if (!sink) throw std::invalid_argument("the shadow mirror needs an answer sink");
  state_->options = options;
  state_->sink = std::move(sink);
}

ShadowMirror::~ShadowMirror() {
  State& state = *state_;
  std::vector<std::shared_ptr<backends::RequestControl>> controls;
  {
    std::lock_guard lock(state.mutex);
    for (const auto& [copy, control] : state.running)
      if (control) controls.push_back(control);
  }
  // Outside the lock: a backend may call on_done from cancel().
  for (const auto& control : controls) {
    try {
      control->cancel();
    } catch (...) {
    }
  }
  AnswerSink released;
  {
    std::unique_lock lock(state.mutex);
    state.changed.wait_for(lock, kShutdownWait, [&] { return state.totals.in_flight == 0; });
    state.closed = true;
    state.changed.wait(lock, [&] { return state.delivering == 0; });
    released = std::move(state.sink);
  }
}

bool ShadowMirror::mirror(const backends::ApiRequest& primary, const std::string& route,
                          const std::string& version, int index,
                          std::shared_ptr<backends::Backend> backend) {
  try {
    if (!backend) {
      count_unavailable(route, version);
      return false;
    }
    State& state = *state_;
    uint64_t copy = 0;
    {
      std::lock_guard lock(state.mutex);
      if (state.closed) return false;
      if (state.totals.in_flight >= state.options.max_in_flight) {
        ++state.totals.dropped;
        state.count(route, version, "dropped");
        return false;
      }
      ++state.totals.in_flight;
      ++state.totals.started;
      copy = state.next_copy++;
      state.running.emplace(copy, nullptr);
    }
    ApiRequest request = copy_request(primary, index, state.options.timeout);
    ShadowAnswer answer;
    answer.route = route;
    answer.version = version;
    answer.primary_id = primary.request_id;
    answer.id = request.request_id;
    answer.endpoint = request.endpoint;
    answer.request = request.body;
    answer.user = request.user;
    answer.created = request.created;
    auto sink = std::make_shared<CopySink>(state_, copy, std::move(answer));
    std::shared_ptr<backends::RequestControl> control;
    try {
      control = backend->start(std::move(request), sink);
    } catch (const std::exception& e) {
      sink->on_error(ApiError::internal(std::string("the shadow backend failed: ") + e.what()));
      sink->on_done({});
      return false;
    } catch (...) {
      sink->on_error(ApiError::internal("the shadow backend failed"));
      sink->on_done({});
      return false;
    }
    std::lock_guard lock(state.mutex);
    if (auto it = state.running.find(copy); it != state.running.end()) it->second = control;
    return true;
  } catch (...) {  // e.g. out of memory copying the body: the primary must not notice
    return false;
  }
}

void ShadowMirror::count_unavailable(const std::string& route, const std::string& version) {
  std::lock_guard lock(state_->mutex);
  ++state_->totals.unavailable;
  state_->count(route, version, "unavailable");
}

ShadowMirror::Counters ShadowMirror::counters() const {
  std::lock_guard lock(state_->mutex);
  return state_->totals;
}

std::string ShadowMirror::metrics_text() const {
  std::lock_guard lock(state_->mutex);
  metrics::PrometheusText out;
  out.family("slipway_shadow_requests_total", "counter",
             "Shadow copies by route, version and result.");
  for (const auto& [key, value] : state_->results) {
    const auto& [route, version, result] = key;
    out.sample("slipway_shadow_requests_total",
               {{"route", route}, {"version", version}, {"result", result}}, value);
  }
  out.family("slipway_shadow_in_flight", "gauge", "Shadow copies running now, all routes together.")
      .sample("slipway_shadow_in_flight", {}, static_cast<uint64_t>(state_->totals.in_flight));
  return std::move(out).text();
}

}  // namespace slipway::traffic
