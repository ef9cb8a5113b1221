#include "feedback/exchange_encoding.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include "feedback/prompt_key.h"

namespace slipway::feedback {

namespace {

// Request fields that are the prompt itself or say who/how it was delivered, not sampling.
constexpr std::array<const char*, 5> kNotParams = {"messages", "prompt", "user", "stream",
                                                   "stream_options"};

std::string dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json empty_prompt(AnswerKind kind) {
  return kind == AnswerKind::Chat ? Json{{"messages", Json::array()}} : Json{{"prompt", ""}};
}

Json params_of(const Json& request) {
  Json params = Json::object();
  if (!request.is_object()) return params;
  for (auto it = request.begin(); it != request.end(); ++it) {
    const bool excluded = std::any_of(kNotParams.begin(), kNotParams.end(),
                                      [&](const char* name) { return it.key() == name; });
    if (!excluded) params[it.key()] = it.value();
  }
  return params;
}

// Element i is choice i's output (null for a choice that never arrived), so readers index it.
Json outputs_of(const LoggedAnswer& answer, const Redactor& redactor) {
  Json outputs = Json::array();
  for (const LoggedChoice& choice : answer.choices) {
    if (choice.index < 0) continue;
    const auto index = static_cast<std::size_t>(choice.index);
    while (outputs.size() <= index) outputs.push_back(nullptr);
    Json output = choice.output;
    redactor.apply_json(output);
    outputs[index] = std::move(output);
  }
  return outputs;
}

EncodedExchange encode(const LoggedAnswer& answer, const Redactor& redactor,
                       const BodyPolicy& policy) {
  EncodedExchange encoded;
  Json request = answer.request;
  redactor.apply_json(request);
  Json canonical;
  try {
    canonical = canonical_prompt(answer.kind, request);
  } catch (const std::invalid_argument&) {
    encoded.prompt_hash = prompt_hash(answer.kind, empty_prompt(answer.kind));
    encoded.skipped = EncodedExchange::BodySkip::NoPrompt;
    return encoded;
  }
  encoded.prompt_hash = prompt_hash(answer.kind, canonical);
  if (!sampled(answer.id, policy.sample_rate)) {
    encoded.skipped = EncodedExchange::BodySkip::NotSampled;
    return encoded;
  }
  std::string prompt_json = dump(Json{{"kind", answer_kind_name(answer.kind)},
                                      {"prompt", std::move(canonical)},
                                      {"params", params_of(request)}});
  std::string outputs_json = dump(outputs_of(answer, redactor));
  const auto bytes = static_cast<int64_t>(prompt_json.size() + outputs_json.size());
  if (bytes > policy.max_bytes) {
    encoded.skipped = EncodedExchange::BodySkip::TooLarge;
    return encoded;
  }
  encoded.prompt_json = std::move(prompt_json);
  encoded.outputs_json = std::move(outputs_json);
  encoded.body_bytes = bytes;
  return encoded;
}

}  // namespace

bool sampled(const std::string& id, double rate) {
  if (std::isnan(rate) || rate <= 0) return false;
  if (rate >= 1) return true;
  // The first 8 bytes of the id's SHA-256 as a fraction of 2^64: uniform and stable.
  const uint64_t prefix = std::stoull(sha256_hex(id).substr(0, 16), nullptr, 16);
  return static_cast<double>(prefix) / 18446744073709551616.0 < rate;
}

EncodedExchange encode_exchange(const LoggedAnswer& answer, const Redactor& redactor,
                                const BodyPolicy& policy) {
  try {
    return encode(answer, redactor, policy);
  } catch (const std::exception&) {
    // Nothing above should throw (out of memory at worst): keep the metadata row, drop the body.
    EncodedExchange encoded;
    try {
      encoded.prompt_hash = prompt_hash(answer.kind, empty_prompt(answer.kind));
    } catch (const std::exception&) {
    }
    encoded.skipped = EncodedExchange::BodySkip::NoPrompt;
    return encoded;
  }
}

}  // namespace slipway::feedback
