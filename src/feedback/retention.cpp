#include "feedback/retention.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace slipway::feedback {

namespace {

using store::Params;
using store::Transaction;

// Statements with an `IN (...)` list stay well under both dialects' parameter limits.
constexpr std::size_t kMaxListParams = 500;

int64_t positive_chunk(int64_t chunk_rows) {
  return std::max<int64_t>(chunk_rows, 1);
}

// Runs `<sql_before> IN (?, ...)` over `keys` in slices; returns the rows changed.
int64_t execute_in(Transaction& tx, const std::string& sql_before,
                   const std::vector<std::string>& keys) {
  int64_t changed = 0;
  for (std::size_t start = 0; start < keys.size(); start += kMaxListParams) {
    const std::size_t end = std::min(keys.size(), start + kMaxListParams);
    std::string sql = sql_before + " IN (";
    Params params;
    for (std::size_t i = start; i < end; ++i) {
      sql += i == start ? "?" : ", ?";
      params.emplace_back(keys[i]);
    }
    changed += tx.execute(sql + ")", params);
  }
  return changed;
}

std::vector<std::string> first_column(const store::Rows& rows) {
  std::vector<std::string> keys;
  keys.reserve(rows.size());
  for (const store::Row& row : rows) keys.push_back(row.text(0));
  return keys;
}

// What one chunk found and deleted. A write body may run again on a conflict, so each body
// returns its own counts and only committed chunks are added up.
struct Deleted {
  int64_t found = 0;  // keys the chunk selected
  int64_t responses = 0, bodies = 0, ratings = 0, judgments = 0;

  Deleted& operator+=(const Deleted& other) {
    found += other.found;
    responses += other.responses;
    bodies += other.bodies;
    ratings += other.ratings;
    judgments += other.judgments;
    return *this;
  }
};

// Everything stored about the answers `ids`: verdicts naming them, their ratings, bodies and
// metadata rows.
Deleted delete_answers(Transaction& tx, const std::vector<std::string>& ids) {
  Deleted deleted;
  deleted.found = static_cast<int64_t>(ids.size());
  deleted.judgments = execute_in(tx, "DELETE FROM feedback_judgments WHERE chosen_id", ids) +
                      execute_in(tx, "DELETE FROM feedback_judgments WHERE rejected_id", ids);
  deleted.ratings = execute_in(tx, "DELETE FROM feedback_ratings WHERE response_id", ids);
  deleted.bodies = execute_in(tx, "DELETE FROM feedback_bodies WHERE id", ids);
  deleted.responses = execute_in(tx, "DELETE FROM feedback_responses WHERE id", ids);
  return deleted;
}

// Bodies go; their metadata rows stay and say so.
Deleted delete_bodies(Transaction& tx, const std::vector<std::string>& ids) {
  Deleted deleted;
  deleted.found = static_cast<int64_t>(ids.size());
  execute_in(tx, "UPDATE feedback_responses SET has_body = 0 WHERE id", ids);
  deleted.bodies = execute_in(tx, "DELETE FROM feedback_bodies WHERE id", ids);
  return deleted;
}

// Repeats `step` (one write transaction handling at most `chunk` keys) until a step finds
// fewer than `chunk`; returns the sum of the committed steps.
template <class Step>
Deleted in_chunks(store::Store& store, int64_t chunk, Step&& step) {
  Deleted total;
  while (true) {
    const Deleted deleted = store.write([&](Transaction& tx) { return step(tx); });
    total += deleted;
    if (deleted.found < chunk) return total;
  }
}

void purge_expired_bodies(store::Store& store, int64_t cutoff_ms, int64_t chunk,
                          PurgeCounts& counts) {
  const Deleted deleted = in_chunks(store, chunk, [&](Transaction& tx) {
    return delete_bodies(
        tx, first_column(tx.query(
                "SELECT id FROM feedback_bodies WHERE created_ms < ? ORDER BY created_ms, id "
                "LIMIT ?",
                {cutoff_ms, chunk})));
  });
  counts.bodies_expired += deleted.bodies;
}

void purge_expired_responses(store::Store& store, int64_t cutoff_ms, int64_t chunk,
                             PurgeCounts& counts) {
  const Deleted deleted = in_chunks(store, chunk, [&](Transaction& tx) {
    return delete_answers(
        tx, first_column(tx.query("SELECT DISTINCT id FROM feedback_responses WHERE created_ms "
                                  "< ? ORDER BY id LIMIT ?",
                                  {cutoff_ms, chunk})));
  });
  counts.responses_expired += deleted.responses;
  counts.ratings_expired += deleted.ratings;
  counts.bodies_expired += deleted.bodies;
}

// Oldest bodies first until the total is within the cap; each transaction re-reads the total,
// so bodies written meanwhile are accounted for.
void purge_over_cap(store::Store& store, int64_t max_bytes, int64_t chunk, PurgeCounts& counts) {
  while (true) {
    struct Step {
      Deleted deleted;
      bool more = false;
    };
    const Step step = store.write([&](Transaction& tx) {
      Step result;
      int64_t total =
          tx.query("SELECT COALESCE(SUM(bytes), 0) FROM feedback_bodies").front().integer(0);
      if (total <= max_bytes) return result;
      const store::Rows oldest = tx.query(
          "SELECT id, bytes FROM feedback_bodies ORDER BY created_ms, id LIMIT ?", {chunk});
      std::vector<std::string> ids;
      for (const store::Row& row : oldest) {
        if (total <= max_bytes) break;
        ids.push_back(row.text(0));
        total -= row.integer(1);
      }
      result.deleted = delete_bodies(tx, ids);
      result.more = total > max_bytes && !ids.empty();
      return result;
    });
    counts.bodies_over_cap += step.deleted.bodies;
    if (!step.more) return;
  }
}

}  // namespace

PurgeCounts purge_expired(store::Store& store, const RetentionSettings& settings, int64_t now_ms,
                          int64_t chunk_rows) {
  const int64_t chunk = positive_chunk(chunk_rows);
  PurgeCounts counts;
  purge_expired_bodies(store, now_ms - settings.body_retention_ms, chunk, counts);
  purge_expired_responses(store, now_ms - settings.response_retention_ms, chunk, counts);
  purge_over_cap(store, settings.max_total_body_bytes, chunk, counts);
  return counts;
}

ForgetCounts forget_user_rows(store::Store& store, const std::string& user, int64_t chunk_rows) {
  if (user.empty()) {
    throw std::invalid_argument(
        "forgetting a user needs a user id: the empty id stands for every anonymous answer");
  }
  const int64_t chunk = positive_chunk(chunk_rows);
  Deleted deleted = in_chunks(store, chunk, [&](Transaction& tx) {
    return delete_answers(tx, first_column(tx.query("SELECT DISTINCT id FROM feedback_responses "
                                                    "WHERE user_id = ? ORDER BY id LIMIT ?",
                                                    {user, chunk})));
  });
  // The ratings they gave on other users' answers.
  deleted += in_chunks(store, chunk, [&](Transaction& tx) {
    Deleted given;
    const store::Rows rows = tx.query(
        "SELECT response_id, choice_index FROM feedback_ratings WHERE user_id = ? "
        "ORDER BY response_id, choice_index LIMIT ?",
        {user, chunk});
    given.found = static_cast<int64_t>(rows.size());
    for (const store::Row& row : rows) {
      given.ratings += tx.execute(
          "DELETE FROM feedback_ratings WHERE response_id = ? AND choice_index = ? AND "
          "user_id = ?",
          {row.text(0), row.integer(1), user});
    }
    return given;
  });
  ForgetCounts counts;
  counts.responses = deleted.responses;
  counts.bodies = deleted.bodies;
  counts.ratings = deleted.ratings;
  counts.judgments = deleted.judgments;
  return counts;
}

}  // namespace slipway::feedback
