#pragma once
// How the response log keeps what it is given (the `feedback:` section of the serve config,
// docs/configuration.md).
#include <cstdint>
#include <vector>

#include "feedback/exchange_encoding.h"
#include "feedback/redactor.h"

namespace slipway::feedback {

struct RetentionSettings {
  int64_t body_retention_ms = 30LL * 24 * 3600 * 1000;      // bodies older than this go
  int64_t response_retention_ms = 90LL * 24 * 3600 * 1000;  // metadata rows and their ratings
  int64_t max_total_body_bytes = 1LL << 30;  // beyond this, the oldest bodies go first
};

struct LogSettings {
  bool enabled = true;  // false: nothing is logged, and /v1/feedback answers 503
  BodyPolicy bodies;
  RetentionSettings retention;
  std::vector<RedactionRule> redaction = default_redaction_rules();
  // Group commit: a batch is written when its oldest row has waited this long, when it holds
  // max_batch rows, or at once when a feedback submission or flush() waits for it.
  int64_t flush_interval_ms = 200;
  std::size_t max_batch = 1000;
  // Answers queued and not yet written; beyond this new answers are dropped and counted (the
  // store is down or far too slow), so serving never waits on the log.
  std::size_t max_pending = 100'000;
  int64_t purge_interval_ms = 10LL * 60 * 1000;  // how often retention runs; 0: never on its own
  int64_t purge_chunk_rows = 1000;               // rows deleted per transaction while serving
};

}  // namespace slipway::feedback
