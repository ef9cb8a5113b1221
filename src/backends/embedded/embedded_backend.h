#pragma once
// The embedded engine as a Backend: validates OpenAI chat/completions requests against the
// model, turns them into scheduler sequences (n choices, several prompts), and answers with
// OpenAI response bodies or stream chunks (usage, logprobs). Fields it cannot honour (tools,
// response_format, ...) are rejected with a clear 400, never ignored.
#include <cstdint>
#include <memory>
#include <string>

#include "backends/backend.h"
#include "engine/lora/lora_adapter.h"
#include "engine/model_package.h"
#include "engine/scheduler.h"

namespace slipway::backends {

struct EmbeddedOptions {
  std::string name;  // the model name clients send
  std::string owned_by = "slipway";
  int64_t created = 0;  // unix seconds the model was loaded (for /v1/models)
  int64_t max_n = 16;   // largest n (choices per request)
  int64_t max_logprobs = 20;
  // A LoRA adapter bound to the package's model: every sequence of this backend runs with it
  // (none: the bare model). Its model card names the base as "parent" and the adapter folder
  // as "root", as vLLM lists LoRA modules.
  std::shared_ptr<const engine::LoraAdapter> adapter;
  std::string parent;  // with an adapter: the base it runs on, e.g. "llama/1"
};

class EmbeddedBackend : public Backend {
 public:
  EmbeddedBackend(EmbeddedOptions options, std::shared_ptr<const engine::ModelPackage> package,
                  std::shared_ptr<engine::Scheduler> scheduler);
  ~EmbeddedBackend() override;

  const std::string& name() const override;
  Json model_card() const override;
  std::shared_ptr<RequestControl> start(ApiRequest request,
                                        std::shared_ptr<ResponseSink> sink) override;
  void check_health(std::chrono::milliseconds timeout,
                    std::function<void(HealthStatus)> done) override;
  BackendStats stats() const override;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace slipway::backends
