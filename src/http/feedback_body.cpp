#include "http/feedback_body.h"

#include <array>

namespace slipway::http {

using backends::ApiError;
using backends::Json;
using feedback::Patch;
using feedback::RatingSubmission;

namespace {

constexpr std::array<std::string_view, 6> kFields{"id",      "rating", "task_completed",
                                                  "comment", "user",   "choice_index"};

ApiError invalid(std::string message, std::string_view param) {
  return ApiError::invalid_field(std::move(message), std::string(param));
}

// A string member of at most `limit` bytes; nullopt when absent or null.
std::optional<std::string> bounded_string(const Json& body, std::string_view name,
                                          std::size_t limit) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw invalid("`" + std::string(name) + "` must be a string.", name);
  const auto& text = it->get_ref<const std::string&>();
  if (text.size() > limit) {
    throw invalid("`" + std::string(name) + "` is " + std::to_string(text.size()) +
                      " bytes long; the limit is " + std::to_string(limit) + " bytes.",
                  name);
  }
  return text;
}

Patch<int> rating_patch(const Json& body) {
  const auto it = body.find("rating");
  if (it == body.end()) return {};
  if (it->is_null()) return Patch<int>::clear();
  // Integers only: 1.0, "1" and true are not ratings.
  if (it->is_number_integer()) {
    const auto value = it->get<int64_t>();
    if (value == 1 || value == -1) return Patch<int>::set(static_cast<int>(value));
  }
  throw invalid("`rating` must be 1 (thumbs up), -1 (thumbs down) or null (clears it); got " +
                    it->dump() + ".",
                "rating");
}

Patch<bool> task_completed_patch(const Json& body) {
  const auto it = body.find("task_completed");
  if (it == body.end()) return {};
  if (it->is_null()) return Patch<bool>::clear();
  if (!it->is_boolean()) {
    throw invalid("`task_completed` must be true, false or null (clears it).", "task_completed");
  }
  return Patch<bool>::set(it->get<bool>());
}

Patch<std::string> comment_patch(const Json& body) {
  if (!body.contains("comment")) return {};
  auto comment = bounded_string(body, "comment", kMaxFeedbackCommentBytes);
  return comment ? Patch<std::string>::set(std::move(*comment)) : Patch<std::string>::clear();
}

int choice_index(const Json& body) {
  const auto it = body.find("choice_index");
  if (it == body.end() || it->is_null()) return 0;
  if (it->is_number_integer()) {
    const auto value = it->get<int64_t>();
    if (value >= 0 && value < kMaxFeedbackChoices) return static_cast<int>(value);
  }
  throw invalid("`choice_index` must be an integer from 0 to " +
                    std::to_string(kMaxFeedbackChoices - 1) + " (the choice of an n > 1 answer).",
                "choice_index");
}

std::string response_id(const Json& body) {
  auto id = bounded_string(body, "id", kMaxFeedbackIdBytes);
  if (!id || id->empty()) {
    throw invalid("You must provide the `id` of the answer (the \"id\" field of its response).",
                  "id");
  }
  return std::move(*id);
}

void reject_unknown_fields(const Json& body) {
  for (const auto& [key, value] : body.items()) {
    bool known = false;
    for (const auto field : kFields) known = known || field == key;
    if (!known) {
      throw invalid("Unknown field `" + key +
                        "`; the known fields are: id, rating, task_completed, comment, user, "
                        "choice_index.",
                    key);
    }
  }
}

RatingSubmission submission(const Json& body, std::string_view header_user) {
  if (!body.is_object()) throw ApiError::invalid_field("The request body must be a JSON object.");
  reject_unknown_fields(body);
  RatingSubmission out;
  out.response_id = response_id(body);
  out.rating = rating_patch(body);
  out.task_completed = task_completed_patch(body);
  out.comment = comment_patch(body);
  out.user = bounded_string(body, "user", kMaxFeedbackUserBytes).value_or(std::string(header_user));
  out.choice_index = choice_index(body);
  if (!out.rating.given && !out.task_completed.given && !out.comment.given) {
    throw invalid("Send at least one of `rating` (1 or -1), `task_completed` or `comment`.",
                  "rating");
  }
  return out;
}

}  // namespace

std::variant<RatingSubmission, ApiError> parse_feedback_body(std::string_view text,
                                                             std::string_view header_user) {
  Json body;
  try {
    body = Json::parse(text);           // also rejects ill-formed UTF-8 inside strings
  } catch (const Json::exception& e) {  // parse_error, or out_of_range (1e400)
    return ApiError::bad_request(std::string("Invalid JSON body: ") + e.what());
  }
  try {
    return submission(body, header_user);
  } catch (const ApiError& error) {
    return error;
  }
}

}  // namespace slipway::http
