#pragma once
// Parses and checks the body of POST /v1/feedback into a rating submission: 400 for malformed
// JSON or invalid UTF-8, 422 naming the field (`param`) for anything else that is wrong.
#include <string_view>
#include <variant>

#include "backends/backend.h"
#include "feedback/rating.h"

namespace slipway::http {

inline constexpr std::size_t kMaxFeedbackIdBytes = 256;
inline constexpr std::size_t kMaxFeedbackUserBytes = 256;
inline constexpr std::size_t kMaxFeedbackCommentBytes = 4096;
inline constexpr int kMaxFeedbackChoices = 128;

// header_user: the X-User-Id header, the rater when the body names no "user" ("" if none).
std::variant<feedback::RatingSubmission, backends::ApiError> parse_feedback_body(
    std::string_view text, std::string_view header_user);

}  // namespace slipway::http
