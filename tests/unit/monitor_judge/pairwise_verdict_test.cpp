// Pair choices out of judge answers, and the two orders combined into one verdict.
#include "monitor/judge/pairwise_verdict.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace slipway::monitor {
namespace {

struct ChoiceRow {
  std::string name, answer;
  PairChoice choice;
};
// Parameters print as their names in test output.
void PrintTo(const ChoiceRow& row, std::ostream* out) {
  *out << row.name;
}

const std::vector<ChoiceRow>& choice_rows() {
  static const std::vector<ChoiceRow> table = {
      {"mt_bench_a", "Assistant A explains the steps; B skips one.\n\n[[A]]", PairChoice::A},
      {"mt_bench_b", "[[B]]", PairChoice::B},
      {"mt_bench_c_is_tie", "Both are equally good. [[C]]", PairChoice::Tie},
      {"bracket_tie_word", "[[tie]]", PairChoice::Tie},
      {"bracket_lower_case", "[[b]]", PairChoice::B},
      {"bracket_repeated", "[[A]] ... final answer: [[A]]", PairChoice::A},
      {"bracket_conflict", "At first [[A]], but then [[B]]", PairChoice::Unparsable},
      {"bracket_echoed_formats", "The formats were [[A]], [[B]] or [[C]]; I choose A.",
       PairChoice::Unparsable},
      {"json_winner", "{\"winner\": \"B\", \"reason\": \"more complete\"}", PairChoice::B},
      {"json_better_tie", "{\"better\": \"tie\"}", PairChoice::Tie},
      {"json_choice_fenced", "```json\n{\"choice\": \"a\"}\n```", PairChoice::A},
      {"json_nonsense_value", "{\"winner\": \"both\"}", PairChoice::Unparsable},
      {"label_winner", "Winner: A", PairChoice::A},
      {"label_better_response", "Better response: B", PairChoice::B},
      {"label_verdict_tie", "Verdict: tie", PairChoice::Tie},
      {"label_bold_response", "**Winner:** Response B", PairChoice::B},
      {"label_conflict", "Winner: A\nVerdict: B", PairChoice::Unparsable},
      {"whole_a", "A", PairChoice::A},
      {"whole_b_period", " b. ", PairChoice::B},
      {"whole_tie", "Tie", PairChoice::Tie},
      {"whole_c_is_not_listed", "C", PairChoice::Unparsable},
      {"prose_only", "I think the first one is better.", PairChoice::Unparsable},
      {"empty", "", PairChoice::Unparsable},
      {"refusal", "I cannot compare these.", PairChoice::Unparsable},
  };
  return table;
}

class PairChoiceTable : public ::testing::TestWithParam<ChoiceRow> {};

TEST_P(PairChoiceTable, ReadsTheChoice) {
  EXPECT_EQ(parse_pair_choice(GetParam().answer), GetParam().choice) << GetParam().answer;
}

INSTANTIATE_TEST_SUITE_P(JudgeAnswers, PairChoiceTable, ::testing::ValuesIn(choice_rows()),
                         [](const auto& info) { return info.param.name; });

struct OrderRow {
  std::string name;
  PairChoice primary_first, shadow_first;
  PairVerdict verdict;
};
// Parameters print as their names in test output.
void PrintTo(const OrderRow& row, std::ostream* out) {
  *out << row.name;
}

const std::vector<OrderRow>& order_rows() {
  using C = PairChoice;
  using V = PairVerdict;
  static const std::vector<OrderRow> table = {
      {"both_prefer_primary", C::A, C::B, V::Primary},
      {"both_prefer_shadow", C::B, C::A, V::Shadow},
      {"always_first_is_inconsistent", C::A, C::A, V::Tie},
      {"always_second_is_inconsistent", C::B, C::B, V::Tie},
      {"tie_then_primary", C::Tie, C::B, V::Tie},
      {"shadow_then_tie", C::B, C::Tie, V::Tie},
      {"both_tie", C::Tie, C::Tie, V::Tie},
      {"first_unparsable", C::Unparsable, C::B, V::Unparsable},
      {"second_unparsable", C::A, C::Unparsable, V::Unparsable},
      {"both_unparsable", C::Unparsable, C::Unparsable, V::Unparsable},
  };
  return table;
}

class CombineOrdersTable : public ::testing::TestWithParam<OrderRow> {};

TEST_P(CombineOrdersTable, OnlyAPreferenceThatSurvivesTheSwapCounts) {
  EXPECT_EQ(combine_orders(GetParam().primary_first, GetParam().shadow_first), GetParam().verdict);
}

INSTANTIATE_TEST_SUITE_P(Orders, CombineOrdersTable, ::testing::ValuesIn(order_rows()),
                         [](const auto& info) { return info.param.name; });

TEST(PairVerdictName, NamesEveryVerdict) {
  EXPECT_STREQ(pair_verdict_name(PairVerdict::Primary), "primary");
  EXPECT_STREQ(pair_verdict_name(PairVerdict::Shadow), "shadow");
  EXPECT_STREQ(pair_verdict_name(PairVerdict::Tie), "tie");
  EXPECT_STREQ(pair_verdict_name(PairVerdict::Unparsable), "unparsable");
}

}  // namespace
}  // namespace slipway::monitor
