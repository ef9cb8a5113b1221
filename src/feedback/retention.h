#pragma once
// Deleting what the log keeps: retention by age and total body size, and everything of one
// user. Each runs in transactions of at most `chunk_rows` deletions, so a purge on a large log
// never holds the write lock for long while the server keeps writing.
#include <cstdint>
#include <string>

#include "feedback/log_settings.h"
#include "store/store.h"

namespace slipway::feedback {

struct PurgeCounts {
  int64_t bodies_expired = 0;     // older than body_retention_ms
  int64_t bodies_over_cap = 0;    // oldest bodies removed to get under max_total_body_bytes
  int64_t responses_expired = 0;  // metadata rows older than response_retention_ms
  int64_t ratings_expired = 0;    // ratings of those rows
};

struct ForgetCounts {
  int64_t responses = 0;  // metadata rows of the user's answers
  int64_t bodies = 0;
  int64_t ratings = 0;    // ratings on their answers and ratings they gave
  int64_t judgments = 0;  // judge verdicts naming their answers
};

PurgeCounts purge_expired(store::Store& store, const RetentionSettings& settings, int64_t now_ms,
                          int64_t chunk_rows = 1000);
ForgetCounts forget_user_rows(store::Store& store, const std::string& user,
                              int64_t chunk_rows = 1000);

}  // namespace slipway::feedback
