#pragma once
// What the response log stores for one answer: the canonical prompt's hash for every metadata
// row, and, when the body is kept, the redacted prompt (with the sampling parameters) and
// outputs as JSON text. Pure functions, so the writer thread only runs SQL.
#include <cstdint>
#include <optional>
#include <string>

#include "feedback/logged_answer.h"
#include "feedback/redactor.h"

namespace slipway::feedback {

struct BodyPolicy {
  double sample_rate = 1.0;     // share of answers whose bodies are kept, by id (deterministic)
  int64_t max_bytes = 1 << 20;  // a larger body is not kept (the metadata row still is)
};

struct EncodedExchange {
  std::string prompt_hash;  // prompt_key.h, of the redacted canonical prompt
  // Present when the body is kept: {"kind", "prompt": <canonical prompt>, "params": {...the
  // request without messages/prompt/user/stream...}} and [per-choice output] in index order.
  std::optional<std::string> prompt_json;
  std::optional<std::string> outputs_json;
  int64_t body_bytes = 0;  // prompt_json + outputs_json sizes when kept
  enum class BodySkip { None, NotSampled, TooLarge, NoPrompt } skipped = BodySkip::None;
};

// True for the share `rate` of ids, the same answer for the same id in every process.
bool sampled(const std::string& id, double rate);
// Never throws: a request without messages/prompt gets the hash of an empty prompt and no body.
EncodedExchange encode_exchange(const LoggedAnswer& answer, const Redactor& redactor,
                                const BodyPolicy& policy);

}  // namespace slipway::feedback
