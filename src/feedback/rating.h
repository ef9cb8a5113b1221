#pragma once
// A 👍/👎 (and/or task outcome and comment) from POST /v1/feedback, and what is stored. One
// row per (response id, choice index, user); a later submission updates the fields it names
// and keeps the others ("last write wins" per field), and an explicit null clears a field.
#include <cstdint>
#include <optional>
#include <string>

namespace slipway::feedback {

// A field of a submission: absent (keep what is stored), null (clear it) or a value.
template <class T>
struct Patch {
  bool given = false;
  std::optional<T> value;

  static Patch set(T v) { return Patch{true, std::move(v)}; }
  static Patch clear() { return Patch{true, std::nullopt}; }
};

struct RatingSubmission {
  std::string response_id;
  int choice_index = 0;
  std::string user;   // "" when the client names none
  Patch<int> rating;  // 1 or -1
  Patch<bool> task_completed;
  Patch<std::string> comment;  // redacted like bodies before it is stored
};

struct StoredRating {
  std::string response_id;
  int choice_index = 0;
  std::string user;
  std::optional<int> rating;
  std::optional<bool> task_completed;
  std::optional<std::string> comment;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

struct SubmitResult {
  enum class Status {
    Recorded,       // durable
    UnknownId,      // no answer with that id was logged (or it was purged)
    UnknownChoice,  // the answer has no choice with that index
    Unavailable,    // the log is disabled or the store failed; `error` says why
  };
  Status status = Status::Unavailable;
  StoredRating stored;  // Recorded: the row as it now is
  std::string error;
};

}  // namespace slipway::feedback
