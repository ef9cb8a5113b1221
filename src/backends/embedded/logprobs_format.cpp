#include "backends/embedded/logprobs_format.h"

#include <algorithm>
#include <cmath>

namespace slipway::backends {
namespace {

Json byte_array(const std::string& bytes) {
  Json out = Json::array();
  for (char c : bytes) out.push_back(static_cast<int>(static_cast<unsigned char>(c)));
  return out;
}

int64_t code_points(const std::string& s) {
  int64_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

}  // namespace

double json_logprob(float logprob) {
  if (std::isnan(logprob)) return -9999.0;
  return std::max(static_cast<double>(logprob), -9999.0);
}

Json chat_logprob_entry(const engine::SampledToken& sampled, const TokenTextFn& text_of) {
  const TokenText chosen = text_of(sampled.token);
  Json top = Json::array();
  for (const auto& alternative : sampled.top) {
    const TokenText t = text_of(alternative.token);
    top.push_back(Json{{"token", t.text},
                       {"logprob", json_logprob(alternative.logprob)},
                       {"bytes", byte_array(t.bytes)}});
  }
  return Json{{"token", chosen.text},
              {"logprob", json_logprob(sampled.logprob)},
              {"bytes", byte_array(chosen.bytes)},
              {"top_logprobs", std::move(top)}};
}

void append_chat_logprobs(Json& content, std::span<const engine::SampledToken> tokens,
                          const TokenTextFn& text_of) {
  for (const auto& sampled : tokens) content.push_back(chat_logprob_entry(sampled, text_of));
}

void CompletionLogprobs::append(std::span<const engine::SampledToken> tokens,
                                const TokenTextFn& text_of) {
  for (const auto& sampled : tokens) {
    const TokenText chosen = text_of(sampled.token);
    Json top = Json::object();
    for (const auto& alternative : sampled.top) {
      const TokenText t = text_of(alternative.token);
      // Two ids with the same text share a key: the likelier one (listed first) stays.
      if (!top.contains(t.text)) top[t.text] = json_logprob(alternative.logprob);
    }
    tokens_.push_back(chosen.text);
    token_logprobs_.push_back(json_logprob(sampled.logprob));
    top_logprobs_.push_back(std::move(top));
    text_offset_.push_back(offset_);
    offset_ += code_points(chosen.text);
  }
}

Json CompletionLogprobs::to_json() const {
  return Json{{"tokens", tokens_},
              {"token_logprobs", token_logprobs_},
              {"top_logprobs", top_logprobs_},
              {"text_offset", text_offset_}};
}

void CompletionLogprobs::clear_entries() {
  tokens_ = Json::array();
  token_logprobs_ = Json::array();
  top_logprobs_ = Json::array();
  text_offset_ = Json::array();
}

}  // namespace slipway::backends
