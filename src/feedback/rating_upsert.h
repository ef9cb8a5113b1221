#pragma once
// Internal (FeedbackLog's writer): one rating inside a batch's write transaction. The answer
// must be in the log (else UnknownId / UnknownChoice); the stored row is merged field by field
// with the submission (absent keeps, null clears, a value sets), keeps its first created_ms and
// gets updated_ms = now.
#include <cstdint>
#include <optional>

#include "feedback/rating.h"
#include "store/store.h"

namespace slipway::feedback {

// The row after applying `submission` to `existing` (nullopt: no row yet).
StoredRating merge_rating(const std::optional<StoredRating>& existing,
                          const RatingSubmission& submission, int64_t now_ms);

// `submission` must already be validated and its comment redacted.
SubmitResult apply_rating(store::Transaction& tx, const RatingSubmission& submission,
                          int64_t now_ms);

}  // namespace slipway::feedback
