// Recording judge verdicts: both answers must be logged, distinct and to the same prompt.
#include "feedback/judgments.h"

#include <gtest/gtest.h>

#include "feedback/dataset_export.h"
#include "feedback_rows.h"

namespace slipway::feedback::test {
namespace {

class JudgmentsTest : public FeedbackStoreTest {
 protected:
  std::vector<std::string> stored() {
    return store_->read([](store::Transaction& tx) {
      std::vector<std::string> rows;
      for (const auto& row : tx.query("SELECT chosen_id, rejected_id, detail FROM "
                                      "feedback_judgments ORDER BY chosen_id")) {
        rows.push_back(row.text(0) + ">" + row.text(1) + ":" + row.text(2));
      }
      return rows;
    });
  }
  std::string error_of(const Judgment& judgment) {
    try {
      record_judgment(*store_, judgment);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  }
};

TEST_P(JudgmentsTest, RecordsAndReplacesAVerdict) {
  chat("a", "Hi?", "Hello!");
  chat("b", "Hi?", "What.");
  record_judgment(*store_, verdict("a", "b"));
  EXPECT_EQ(stored(), std::vector<std::string>{"a>b:A is more helpful"});
  record_judgment(*store_, verdict("a", "b", "rescored"));
  EXPECT_EQ(stored(), std::vector<std::string>{"a>b:rescored"});
  record_judgment(*store_, verdict("b", "a", "changed its mind"));  // one verdict per pair
  EXPECT_EQ(stored(), std::vector<std::string>{"b>a:changed its mind"});

  ExportFilters filters;
  filters.source = ExportSource::Judge;
  const auto built = build_export(*store_, filters);
  EXPECT_TRUE(contains(built.content, R"("chosen":[{"role":"assistant","content":"What."}])"))
      << built.content;
}

TEST_P(JudgmentsTest, RefusesMissingSameOrUnrelatedAnswers) {
  chat("a", "Hi?", "Hello!");
  chat("b", "Hi?", "What.");
  chat("other", "Bye?", "Goodbye.");
  const std::string missing = error_of(verdict("a", "ghost"));
  EXPECT_TRUE(contains(missing, "\"ghost\"")) << missing;
  EXPECT_TRUE(contains(missing, "rejected")) << missing;
  EXPECT_TRUE(contains(error_of(verdict("ghost", "a")), "chosen answer \"ghost\""));
  EXPECT_TRUE(contains(error_of(verdict("a", "a")), "two different answers"));
  Judgment wrong_choice = verdict("a", "b");
  wrong_choice.rejected_choice = 1;  // b has one choice
  EXPECT_TRUE(contains(error_of(wrong_choice), "\"b\" choice 1"));
  EXPECT_TRUE(contains(error_of(verdict("a", "other")), "same prompt"));
  EXPECT_TRUE(contains(error_of(verdict("", "a")), "chosen_id"));
  EXPECT_TRUE(stored().empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, JudgmentsTest, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::feedback::test
