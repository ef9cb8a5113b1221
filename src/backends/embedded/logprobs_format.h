#pragma once
// Logprobs in OpenAI's two shapes: chat ({"content": [{token, logprob, bytes, top_logprobs}]})
// and legacy completions ({tokens, token_logprobs, top_logprobs: [{token: logprob}],
// text_offset}).
#include <cstdint>
#include <span>

#include "backends/backend.h"
#include "backends/embedded/token_text.h"
#include "engine/sampler.h"

namespace slipway::backends {

// JSON has no -inf: a vanishing probability is reported as -9999 (as vLLM does).
double json_logprob(float logprob);

// {"token", "logprob", "bytes": [ints], "top_logprobs": [{"token", "logprob", "bytes"}]}.
Json chat_logprob_entry(const engine::SampledToken& sampled, const TokenTextFn& text_of);

// Appends the entries of tokens to content (an array).
void append_chat_logprobs(Json& content, std::span<const engine::SampledToken> tokens,
                          const TokenTextFn& text_of);

// The legacy shape, built up as tokens arrive; text_offset counts characters (code points)
// of the tokens' texts from the start of the choice's text.
class CompletionLogprobs {
 public:
  void append(std::span<const engine::SampledToken> tokens, const TokenTextFn& text_of);
  Json to_json() const;
  // Drops what was already sent (streaming sends each step's part); offsets keep counting.
  void clear_entries();
  bool empty() const { return tokens_.empty(); }

 private:
  Json tokens_ = Json::array();
  Json token_logprobs_ = Json::array();
  Json top_logprobs_ = Json::array();
  Json text_offset_ = Json::array();
  int64_t offset_ = 0;
};

}  // namespace slipway::backends
