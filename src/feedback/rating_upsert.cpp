#include "feedback/rating_upsert.h"

namespace slipway::feedback {

namespace {

template <class T>
void patch(std::optional<T>& field, const Patch<T>& change) {
  if (change.given) field = change.value;
}

std::optional<StoredRating> stored_rating(store::Transaction& tx, const RatingSubmission& key) {
  const store::Rows rows = tx.query(
      "SELECT rating, task_completed, comment, created_ms, updated_ms FROM feedback_ratings "
      "WHERE response_id = ? AND choice_index = ? AND user_id = ?",
      {key.response_id, static_cast<int64_t>(key.choice_index), key.user});
  if (rows.empty()) return std::nullopt;
  const store::Row& row = rows.front();
  StoredRating stored;
  stored.response_id = key.response_id;
  stored.choice_index = key.choice_index;
  stored.user = key.user;
  if (auto rating = row.optional_integer(0)) stored.rating = static_cast<int>(*rating);
  if (auto completed = row.optional_integer(1)) stored.task_completed = *completed != 0;
  stored.comment = row.optional_text(2);
  stored.created_ms = row.integer(3);
  stored.updated_ms = row.integer(4);
  return stored;
}

store::Value optional_value(const std::optional<int>& value) {
  return value ? store::Value(static_cast<int64_t>(*value)) : store::null_value();
}

store::Value optional_value(const std::optional<bool>& value) {
  return value ? store::Value(static_cast<int64_t>(*value ? 1 : 0)) : store::null_value();
}

store::Value optional_value(const std::optional<std::string>& value) {
  return value ? store::Value(*value) : store::null_value();
}

}  // namespace

StoredRating merge_rating(const std::optional<StoredRating>& existing,
                          const RatingSubmission& submission, int64_t now_ms) {
  StoredRating merged;
  if (existing) {
    merged = *existing;
  } else {
    merged.response_id = submission.response_id;
    merged.choice_index = submission.choice_index;
    merged.user = submission.user;
    merged.created_ms = now_ms;
  }
  patch(merged.rating, submission.rating);
  patch(merged.task_completed, submission.task_completed);
  patch(merged.comment, submission.comment);
  merged.updated_ms = now_ms;
  return merged;
}

SubmitResult apply_rating(store::Transaction& tx, const RatingSubmission& submission,
                          int64_t now_ms) {
  SubmitResult result;
  const store::Rows choices = tx.query("SELECT choice_index FROM feedback_responses WHERE id = ?",
                                       {submission.response_id});
  if (choices.empty()) {
    result.status = SubmitResult::Status::UnknownId;
    result.error = "no answer with id \"" + submission.response_id + "\" was logged";
    return result;
  }
  bool has_choice = false;
  for (const store::Row& row : choices) has_choice |= row.integer(0) == submission.choice_index;
  if (!has_choice) {
    result.status = SubmitResult::Status::UnknownChoice;
    result.error = "answer \"" + submission.response_id + "\" has no choice " +
                   std::to_string(submission.choice_index);
    return result;
  }
  const StoredRating merged = merge_rating(stored_rating(tx, submission), submission, now_ms);
  tx.execute(
      "INSERT INTO feedback_ratings (response_id, choice_index, user_id, rating, "
      "task_completed, comment, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (response_id, choice_index, user_id) DO UPDATE SET rating = excluded.rating, "
      "task_completed = excluded.task_completed, comment = excluded.comment, "
      "updated_ms = excluded.updated_ms",
      {merged.response_id, static_cast<int64_t>(merged.choice_index), merged.user,
       optional_value(merged.rating), optional_value(merged.task_completed),
       optional_value(merged.comment), merged.created_ms, merged.updated_ms});
  result.status = SubmitResult::Status::Recorded;
  result.stored = merged;
  return result;
}

}  // namespace slipway::feedback
