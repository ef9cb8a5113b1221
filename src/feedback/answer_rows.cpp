#include "feedback/answer_rows.h"

#include <cmath>

#include "feedback/store_text.h"

namespace slipway::feedback {

namespace {

constexpr const char* kInsertResponse =
    "INSERT INTO feedback_responses (id, choice_index, kind, route, version, arm, primary_id, "
    "user_id, prompt_hash, status, finish_reason, prompt_tokens, completion_tokens, ttft_ms, "
    "latency_ms, created_ms, has_body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (id, choice_index) DO NOTHING";

constexpr const char* kInsertBody =
    "INSERT INTO feedback_bodies (id, prompt_json, outputs_json, bytes, created_ms) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";

// NaN or infinite times would be stored as NULL by SQLite and refused by a NOT NULL column.
double finite_ms(double seconds) {
  return std::isfinite(seconds) ? seconds * 1000.0 : 0.0;
}

store::Value optional_ms(const std::optional<double>& seconds) {
  if (!seconds || !std::isfinite(*seconds)) return store::null_value();
  return *seconds * 1000.0;
}

store::Value optional_integer(const std::optional<int64_t>& value) {
  if (!value) return store::null_value();
  return *value;
}

}  // namespace

void insert_answer_rows(store::Transaction& tx, const LoggedAnswer& answer,
                        const EncodedExchange& encoded) {
  const std::string id = store_text(answer.id);
  const bool has_body = encoded.prompt_json.has_value();
  // An answer cut off before its first choice still gets a row, so feedback on its id works.
  static const std::vector<LoggedChoice> kNoChoice = {LoggedChoice{}};
  const std::vector<LoggedChoice>& choices = answer.choices.empty() ? kNoChoice : answer.choices;
  for (const LoggedChoice& choice : choices) {
    if (choice.index < 0) continue;  // the schema refuses it; one bad choice must not fail a batch
    tx.execute(kInsertResponse,
               {id, static_cast<int64_t>(choice.index), answer_kind_name(answer.kind),
                store_text(answer.route), store_text(answer.version), store_text(answer.arm),
                store_text(answer.primary_id), store_text(answer.user), encoded.prompt_hash,
                static_cast<int64_t>(answer.status), store_text(choice.finish_reason),
                answer.prompt_tokens, optional_integer(choice.completion_tokens),
                optional_ms(answer.ttft_seconds), finite_ms(answer.latency_seconds),
                answer.created_ms, static_cast<int64_t>(has_body ? 1 : 0)});
  }
  if (has_body) {
    tx.execute(kInsertBody, {id, *encoded.prompt_json, *encoded.outputs_json, encoded.body_bytes,
                             answer.created_ms});
  }
}

}  // namespace slipway::feedback
