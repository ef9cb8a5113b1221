#include "feedback/judgments.h"

#include <stdexcept>

namespace slipway::feedback {

namespace {

std::string describe(const std::string& id, int choice) {
  return "\"" + id + "\" choice " + std::to_string(choice);
}

// The prompt hash of a logged answer's choice, or an error naming what is missing.
std::string require_answer(store::Transaction& tx, const char* side, const std::string& id,
                           int choice) {
  auto rows =
      tx.query("SELECT prompt_hash FROM feedback_responses WHERE id = ? AND choice_index = ?",
               {id, static_cast<int64_t>(choice)});
  if (rows.empty()) {
    throw std::invalid_argument(std::string("the ") + side + " answer " + describe(id, choice) +
                                " is not in the response log (never logged, or purged)");
  }
  return rows.front().text(0);
}

}  // namespace

void record_judgment(store::Store& store, const Judgment& judgment) {
  if (judgment.chosen_id.empty() || judgment.rejected_id.empty()) {
    throw std::invalid_argument("a judgment names both answers: chosen_id and rejected_id");
  }
  if (judgment.chosen_id == judgment.rejected_id &&
      judgment.chosen_choice == judgment.rejected_choice) {
    throw std::invalid_argument("a judgment compares two different answers; both are " +
                                describe(judgment.chosen_id, judgment.chosen_choice));
  }
  store.write([&](store::Transaction& tx) {
    const std::string chosen_prompt =
        require_answer(tx, "chosen", judgment.chosen_id, judgment.chosen_choice);
    const std::string rejected_prompt =
        require_answer(tx, "rejected", judgment.rejected_id, judgment.rejected_choice);
    if (chosen_prompt != rejected_prompt) {
      throw std::invalid_argument("a judgment compares answers to the same prompt; " +
                                  describe(judgment.chosen_id, judgment.chosen_choice) + " and " +
                                  describe(judgment.rejected_id, judgment.rejected_choice) +
                                  " answered different prompts");
    }
    const store::Params chosen_then_rejected = {
        judgment.chosen_id, static_cast<int64_t>(judgment.chosen_choice), judgment.rejected_id,
        static_cast<int64_t>(judgment.rejected_choice)};
    // A newer verdict on the same two answers replaces an opposite one: one verdict per pair.
    tx.execute(
        "DELETE FROM feedback_judgments WHERE rejected_id = ? AND rejected_choice = ? AND "
        "chosen_id = ? AND chosen_choice = ?",
        chosen_then_rejected);
    store::Params insert = chosen_then_rejected;
    insert.insert(insert.end(), {judgment.judge, judgment.detail, judgment.created_ms});
    tx.execute(
        "INSERT INTO feedback_judgments (chosen_id, chosen_choice, rejected_id, "
        "rejected_choice, judge, detail, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (chosen_id, chosen_choice, rejected_id, rejected_choice) DO UPDATE SET "
        "judge = excluded.judge, detail = excluded.detail, created_ms = excluded.created_ms",
        insert);
  });
}

}  // namespace slipway::feedback
