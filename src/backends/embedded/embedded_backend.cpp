#include "backends/embedded/embedded_backend.h"

#include <exception>
#include <mutex>
#include <random>
#include <stdexcept>
#include <utility>

#include "backends/embedded/chat_request.h"
#include "backends/embedded/completion_request.h"
#include "backends/embedded/json_fields.h"
#include "backends/embedded/prompt_builder.h"
#include "backends/embedded/request_state.h"
#include "backends/embedded/token_text.h"
#include "backends/embedded/tokenize_endpoints.h"

namespace slipway::backends {
namespace {

constexpr const char* kSystemFingerprint = "slipway-embedded";

// The sequences of one request, for cancel(). Its own small mutex, never held while a sink
// runs, so cancel() may be called from inside a sink callback.
struct SequenceSet {
  std::mutex mutex;
  std::vector<engine::SequenceId> ids;
  bool cancelled = false;
};

class EmbeddedControl : public RequestControl {
 public:
  EmbeddedControl(std::weak_ptr<engine::Scheduler> scheduler, std::shared_ptr<SequenceSet> set,
                  std::weak_ptr<RequestState> state)
      : scheduler_(std::move(scheduler)), set_(std::move(set)), state_(std::move(state)) {}

  void cancel() override {
    if (!set_) return;
    std::vector<engine::SequenceId> ids;
    {
      std::lock_guard lock(set_->mutex);
      if (set_->cancelled) return;
      set_->cancelled = true;
      ids = set_->ids;
    }
    if (auto state = state_.lock()) state->mark_cancelled();
    if (auto scheduler = scheduler_.lock()) {
      for (auto id : ids) scheduler->abort(id);
    }
  }

 private:
  std::weak_ptr<engine::Scheduler> scheduler_;
  std::shared_ptr<SequenceSet> set_;
  // Weak: the HTTP layer's sink may own this control, and the state owns the sink.
  std::weak_ptr<RequestState> state_;
};

// A request answered without the scheduler (errors, tokenize): nothing to cancel.
class FinishedControl : public RequestControl {
 public:
  void cancel() override {}
};

// One sequence to submit: its prompt, parameters and choice index.
struct PlannedSequence {
  int64_t choice = 0;
  engine::SequenceRequest request;
};

engine::Priority engine_priority(RequestPriority priority) {
  switch (priority) {
    case RequestPriority::Shadow:
      return engine::Priority::Shadow;
    case RequestPriority::Judge:
      return engine::Priority::Judge;
    case RequestPriority::User:
      break;
  }
  return engine::Priority::User;
}

uint64_t random_seed() {
  static std::mutex mutex;
  static std::mt19937_64 generator(std::random_device{}() ^
                                   (static_cast<uint64_t>(std::random_device{}()) << 32));
  std::lock_guard lock(mutex);
  return generator();
}

}  // namespace

struct EmbeddedBackend::Impl {
  EmbeddedOptions options;
  std::shared_ptr<const engine::ModelPackage> package;
  std::shared_ptr<engine::Scheduler> scheduler;
  ModelLimits limits;

  ResponseMeta meta_for(const ApiRequest& request) const {
    ResponseMeta meta;
    meta.id = request.request_id;
    meta.created = request.created;
    const Json* model = find_field(request.body, "model");
    meta.model = model != nullptr && model->is_string() ? model->get<std::string>() : options.name;
    meta.system_fingerprint = kSystemFingerprint;
    return meta;
  }

  // The choices of `prompt_index` (n of them) with sampling and per-choice seeds.
  void plan_choices(const SamplingRequest& sampling, std::vector<int32_t> prompt,
                    int64_t prompt_index, const std::string& prompt_param,
                    const ApiRequest& request, std::vector<PlannedSequence>& out) const {
    const auto& defaults = package->model().generation_defaults();
    check_prompt_limit(static_cast<int64_t>(prompt.size()), request.max_prompt_tokens,
                       prompt_param);
    const int64_t max_tokens = resolve_max_tokens(
        sampling, defaults, static_cast<int64_t>(prompt.size()), limits.context, prompt_param);
    const engine::SamplingParams params = build_sampling_params(sampling, defaults, max_tokens);
    for (int64_t j = 0; j < sampling.n; ++j) {
      PlannedSequence planned;
      planned.choice = prompt_index * sampling.n + j;
      planned.request.prompt = prompt;
      planned.request.params = params;
      planned.request.params.seed = choice_seed(sampling, planned.choice);
      planned.request.seed = random_seed();
      if (request.deadline.time_since_epoch().count() != 0) {
        planned.request.deadline = request.deadline;
      }
      planned.request.skip_special_tokens = sampling.skip_special_tokens;
      planned.request.adapter = options.adapter;
      planned.request.priority = engine_priority(request.priority);
      out.push_back(std::move(planned));
    }
  }

  std::shared_ptr<RequestControl> generate(ApiRequest& request, std::shared_ptr<ResponseSink> sink,
                                           TimePoint start) {
    RequestPlan plan;
    plan.meta = meta_for(request);
    plan.served_by = options.name;
    plan.start = start;
    std::vector<PlannedSequence> sequences;
    SamplingRequest sampling;
    if (request.endpoint == Endpoint::ChatCompletions) {
      plan.kind = ResponseKind::Chat;
      ChatRequest chat = parse_chat_request(request.body, limits);
      sampling = chat.sampling;
      auto ids = chat_prompt_ids(*package, chat.prompt);
      plan.prompt_tokens.push_back(static_cast<int64_t>(ids.size()));
      plan_choices(sampling, std::move(ids), 0, "messages", request, sequences);
    } else {
      plan.kind = ResponseKind::Completion;
      CompletionRequest completion = parse_completion_request(request.body, limits);
      sampling = completion.sampling;
      for (std::size_t p = 0; p < completion.prompts.size(); ++p) {
        auto ids =
            completion_prompt_ids(*package, completion.prompts[p], completion.add_special_tokens);
        plan.prompt_tokens.push_back(static_cast<int64_t>(ids.size()));
        plan_choices(sampling, std::move(ids), static_cast<int64_t>(p), "prompt", request,
                     sequences);
      }
    }
    plan.stream = sampling.stream;
    plan.include_usage = sampling.include_usage;
    plan.logprobs = sampling.logprobs >= 0;
    plan.n = sampling.n;

    auto pkg = package;
    auto state = std::make_shared<RequestState>(
        std::move(plan), [pkg](int32_t id) { return token_text(pkg->tokenizer(), id); },
        std::move(sink));
    auto set = std::make_shared<SequenceSet>();
    std::optional<ApiError> submit_error;
    int64_t submitted = 0;
    for (auto& planned : sequences) {
      const int64_t choice = planned.choice;
      engine::OutputSink on_output = [state, choice](engine::SequenceOutput&& output) {
        try {
          state->on_output(choice, std::move(output), std::chrono::steady_clock::now());
        } catch (...) {
          // A throwing ResponseSink must not take the scheduler loop (and every other
          // request) down with it.
        }
      };
      try {
        const auto id = scheduler->submit(std::move(planned.request), std::move(on_output));
        std::lock_guard lock(set->mutex);
        set->ids.push_back(id);
        ++submitted;
      } catch (const engine::QueueFull& e) {
        submit_error = ApiError::too_many_requests(std::string("the engine is busy: ") + e.what());
      } catch (const std::invalid_argument& e) {
        submit_error = ApiError::bad_request(e.what());
      } catch (const std::exception& e) {
        // E.g. the loop died on an engine error: this engine cannot serve until restarted.
        submit_error =
            ApiError::unavailable(std::string("the engine cannot take requests: ") + e.what());
      }
      if (submit_error) break;
    }
    if (submit_error) {  // all or nothing: the submitted siblings stop and the error answers
      for (auto id : set->ids) scheduler->abort(id);
    }
    state->submitted(submitted, std::move(submit_error), std::chrono::steady_clock::now());
    return std::make_shared<EmbeddedControl>(scheduler, set, state);
  }
};

EmbeddedBackend::EmbeddedBackend(EmbeddedOptions options,
                                 std::shared_ptr<const engine::ModelPackage> package,
                                 std::shared_ptr<engine::Scheduler> scheduler)
    : impl_(std::make_shared<Impl>()) {
  impl_->options = std::move(options);
  impl_->package = std::move(package);
  impl_->scheduler = std::move(scheduler);
  const auto& config = impl_->package->model().config();
  impl_->limits.context = config.max_position_embeddings;
  impl_->limits.vocab_size = config.vocab_size;
  impl_->limits.max_n = impl_->options.max_n;
  impl_->limits.max_logprobs = impl_->options.max_logprobs;
}

EmbeddedBackend::~EmbeddedBackend() = default;

const std::string& EmbeddedBackend::name() const {
  return impl_->options.name;
}

Json EmbeddedBackend::model_card() const {
  Json card{{"id", impl_->options.name},
            {"object", "model"},
            {"created", impl_->options.created},
            {"owned_by", impl_->options.owned_by},
            {"max_model_len", impl_->limits.context}};
  if (impl_->options.adapter) {
    card["parent"] = impl_->options.parent;
    card["root"] = impl_->options.adapter->folder().string();
  }
  return card;
}

std::shared_ptr<RequestControl> EmbeddedBackend::start(ApiRequest request,
                                                       std::shared_ptr<ResponseSink> sink) {
  const auto start = std::chrono::steady_clock::now();
  auto fail = [&](ApiError error) -> std::shared_ptr<RequestControl> {
    CompletionStats stats;
    stats.finish_reason = "error";
    stats.served_by = impl_->options.name;
    stats.total_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    sink->on_error(std::move(error));
    sink->on_done(stats);
    return std::make_shared<FinishedControl>();
  };
  try {
    switch (request.endpoint) {
      case Endpoint::Tokenize:
      case Endpoint::Detokenize: {
        Json body = request.endpoint == Endpoint::Tokenize
                        ? tokenize_response(*impl_->package, request.body)
                        : detokenize_response(*impl_->package, request.body);
        CompletionStats stats;
        stats.finish_reason = "stop";
        stats.served_by = impl_->options.name;
        stats.total_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        sink->on_response(std::move(body));
        sink->on_done(stats);
        return std::make_shared<FinishedControl>();
      }
      case Endpoint::ChatCompletions:
      case Endpoint::Completions:
        return impl_->generate(request, sink, start);
    }
    return fail(ApiError::not_found("unknown endpoint"));
  } catch (const RequestError& e) {
    return fail(e.error());
  } catch (const text::TokenizerError& e) {
    return fail(ApiError::bad_request(e.what()));
  } catch (const std::exception& e) {
    return fail(ApiError::internal(e.what()));
  }
}

void EmbeddedBackend::check_health(std::chrono::milliseconds /*timeout*/,
                                   std::function<void(HealthStatus)> done) {
  if (!impl_->scheduler->stats().loop_alive) {
    done(HealthStatus{false, "the engine loop stopped after an engine error"});
    return;
  }
  // The caller enforces the timeout; a stuck loop simply never answers.
  impl_->scheduler->ping([done = std::move(done)] {
    done(HealthStatus{true, "engine loop answered"});
  });
}

BackendStats EmbeddedBackend::stats() const {
  const engine::SchedulerStats s = impl_->scheduler->stats();
  BackendStats out;
  out.running = s.running;
  out.waiting = s.waiting;
  out.kv_blocks_total = s.kv_blocks_total;
  out.kv_blocks_used = s.kv_blocks_used;
  out.kv_cache_usage =
      s.kv_blocks_total > 0 ? static_cast<double>(s.kv_blocks_used) / s.kv_blocks_total : 0.0;
  out.preemptions_total = s.preemptions_total;
  out.prefix_cache_queries_total = s.prefix_cache_queries_total;
  out.prefix_cache_hits_total = s.prefix_cache_hits_total;
  out.last_step_seconds = s.last_step_seconds;
  return out;
}

}  // namespace slipway::backends
