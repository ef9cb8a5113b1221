#pragma once
// What every response body and chunk of a request shares: its identity and its usage.
#include <cstdint>
#include <string>
#include <vector>

#include "backends/backend.h"

namespace slipway::backends {

struct ResponseMeta {
  std::string id;
  int64_t created = 0;
  std::string model;  // the name the client asked for
  std::string system_fingerprint;
};

struct Usage {
  int64_t prompt_tokens = 0;      // each prompt once, however many choices it has
  int64_t completion_tokens = 0;  // summed over choices
  int64_t cached_tokens = 0;
};

// {"prompt_tokens", "completion_tokens", "total_tokens", "prompt_tokens_details":
// {"cached_tokens"}}.
Json usage_json(const Usage& usage);

// {"id", "object", "created", "model", "system_fingerprint"}: the head of bodies and chunks.
Json response_head(const ResponseMeta& meta, const std::string& object);

// The final chunk of a stream with include_usage: no choices, the usage.
Json usage_chunk(const ResponseMeta& meta, const std::string& object, const Usage& usage);

// One finished choice, as both endpoints report it.
struct ChoiceOutput {
  int64_t index = 0;
  std::string text;
  std::string finish_reason;  // "stop" or "length"
  Json logprobs;              // null, or the endpoint's logprobs object
};

}  // namespace slipway::backends
