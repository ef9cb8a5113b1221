// parse_score over a table of judge answers in the shapes real judges produce. Every row says
// the exact score, or that the answer is unparsable.
#include "monitor/judge/score_parser.h"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace slipway::monitor {
namespace {

constexpr std::optional<double> kUnparsable = std::nullopt;

struct Row {
  std::string name;
  std::string answer;
  std::optional<double> score;
};
// Parameters print as their names in test output.
void PrintTo(const Row& row, std::ostream* out) {
  *out << row.name;
}

const std::vector<Row>& rows() {
  static const std::vector<Row> table = {
      // GPT-4 / MT-Bench style: an explanation, then the bracketed rating.
      {"gpt4_paragraph",
       "The assistant's answer is accurate and addresses the question directly. It explains the "
       "difference between TCP and UDP clearly, though it omits congestion control.\n\nRating: "
       "[[7]]",
       7},
      {"mt_bench_bare_brackets", "[[8]]", 8},
      {"brackets_decimal", "Overall a solid answer. [[7.5]]", 7.5},
      {"brackets_out_of_ten", "Verdict: [[6/10]]", 6},
      {"brackets_repeated_same", "Rating: [[9]]\n\nTo restate: [[9]]", 9},
      {"brackets_conflicting", "First impression [[4]], after reflection [[6]].", kUnparsable},
      {"brackets_echoed_placeholder",
       "You asked me to answer as \"Rating: [[N]]\". The answer is good.\nRating: [[8]]", 8},
      {"brackets_beat_labels", "Score: 3 for brevity alone.\nRating: [[7]]", 7},
      // Labels.
      {"label_score_out_of_ten", "Score: 7/10", 7},
      {"label_rating", "Rating: 4", 4},
      {"label_lower_case", "rating: 6", 6},
      {"label_markdown_bold", "**Rating:** 8\n\nThe answer is mostly correct.", 8},
      {"label_markdown_bold_value", "Rating: **9**", 9},
      {"label_overall_dash", "Overall score - 8", 8},
      {"label_final_equals", "Final rating = 6.5", 6.5},
      {"label_aside_scale", "Score (0-10): 5", 5},
      {"label_single_brackets", "Rating: [8]", 8},
      {"label_out_of", "Score: 3 out of 10. The code does not compile.", 3},
      {"label_sentence_period", "Explanation first. Score: 7.", 7},
      {"label_repeated_same", "Score: 6\n...\nSo, once more, Score: 6", 6},
      {"label_ambiguous", "Score: 6 for accuracy ... Score: 8 for fluency", kUnparsable},
      {"label_overall_outranks_criteria", "Accuracy score: 9\nFluency score: 6\nOverall score: 7",
       7},
      {"label_range", "Rating: 7-8", kUnparsable},
      {"label_not_a_number", "Score: N/A, the answer is empty.", kUnparsable},
      {"numbers_before_label", "The 3 points are covered, 2 of them well, in 150 words.\nRating: 9",
       9},
      {"label_hundred_scale", "Score: 85/100", 8.5},
      {"label_five_scale", "Rating: 4/5", 8},
      {"label_scale_exceeded", "Rating: 12/10", kUnparsable},
      {"label_out_of_range", "Rating: 12", kUnparsable},
      {"label_negative", "Score: -1", kUnparsable},
      {"label_word_inside_other_word", "The underscore: 5 characters", kUnparsable},
      // Prometheus-eval answers "[RESULT] 4" on its own 1-5 rubric. Without a label we know,
      // that number is not on our 0-10 scale: unparsable, never rescaled by guess.
      {"prometheus_result_unlabelled",
       "Feedback: The response follows the rubric closely but misses one step. [RESULT] 4",
       kUnparsable},
      {"prometheus_with_our_label", "Feedback: clear and correct. [RESULT] 4\nScore: 8", 8},
      // JSON.
      {"json_score", "{\"score\": 7}", 7},
      {"json_rating_string", "{\"rating\": \"8\"}", 8},
      {"json_grade_scaled_string", "{\"grade\": \"9/10\", \"reason\": \"good\"}", 9},
      {"json_fenced",
       "Here is my evaluation:\n```json\n{\"explanation\": \"Concise and right.\", \"score\": "
       "8.5}\n```",
       8.5},
      {"json_in_prose", "My verdict is {\"score\": 6, \"why\": \"partly wrong\"} as requested.", 6},
      {"json_nested_overall_wins",
       "{\"criteria\": [{\"name\": \"accuracy\", \"score\": 9}, {\"name\": \"fluency\", "
       "\"score\": 5}], \"score\": 7}",
       7},
      {"json_nested_only", "{\"evaluation\": {\"score\": 4}}", 4},
      {"json_key_case", "{\"Score\": 5}", 5},
      {"json_beats_brackets", "{\"score\": 3} [[9]]", 3},
      {"json_null_score", "{\"score\": null}", kUnparsable},
      {"json_text_score", "{\"score\": \"excellent\"}", kUnparsable},
      {"json_out_of_range", "{\"score\": 11}", kUnparsable},
      {"json_two_objects_disagree", "{\"score\": 4}\n{\"score\": 5}", kUnparsable},
      {"json_after_an_unclosed_brace", "My notes {draft... final: {\"score\": 7}", 7},
      {"json_without_score_falls_through", "{\"comment\": \"fine\"}\nRating: 6", 6},
      // The whole answer is a number.
      {"plain_number", "7", 7},
      {"plain_number_period", "7.", 7},
      {"plain_number_spaces", "  8.5 \n", 8.5},
      {"plain_out_of_ten", "6/10", 6},
      {"plain_zero", "0", 0},
      {"plain_ten", "10", 10},
      {"plain_negative", "-1", kUnparsable},
      {"plain_too_big", "11", kUnparsable},
      {"plain_with_words", "7 because it is good", kUnparsable},
      {"number_in_prose_only", "I would give it a 7, roughly.", kUnparsable},
      // Nonsense and empties.
      {"refusal", "I cannot rate this response.", kUnparsable},
      {"empty", "", kUnparsable},
      {"whitespace", " \n\t ", kUnparsable},
      {"truncated_judge", "The response is accurate but the formatting", kUnparsable},
      // Unicode around the score.
      {"unicode_emoji", "Très bien expliqué ✅ — Rating: 9 🌟", 9},
      {"unicode_fullwidth_colon", "Rating：7", 7},
      {"unicode_no_break_space", "Rating:\u00a08", 8},
      {"unicode_cjk_label", "评分：8", kUnparsable},
      {"unicode_en_dash_range", "Score: 6\u20137", kUnparsable},
  };
  return table;
}

class ScoreParserTable : public ::testing::TestWithParam<Row> {};

TEST_P(ScoreParserTable, FindsTheExactScoreOrNone) {
  const Row& row = GetParam();
  const ParsedScore parsed = parse_score(row.answer);
  if (row.score) {
    ASSERT_TRUE(parsed.score.has_value()) << row.answer << "\nreason: " << parsed.reason;
    EXPECT_DOUBLE_EQ(*parsed.score, *row.score) << row.answer;
  } else {
    EXPECT_FALSE(parsed.score.has_value()) << row.answer << "\ngot: " << *parsed.score;
    EXPECT_FALSE(parsed.reason.empty()) << "an unparsable answer says why: " << row.answer;
  }
}

INSTANTIATE_TEST_SUITE_P(JudgeAnswers, ScoreParserTable, ::testing::ValuesIn(rows()),
                         [](const auto& info) { return info.param.name; });

TEST(ScoreParser, TableIsLargeEnough) {
  EXPECT_GE(rows().size(), 40u);
}

TEST(ScoreParser, ReasonsNameTheProblem) {
  EXPECT_NE(parse_score("Score: 6 ... Score: 8").reason.find("ambiguous"), std::string::npos);
  EXPECT_NE(parse_score("Rating: 12").reason.find("outside"), std::string::npos);
  EXPECT_EQ(parse_score("").reason, "empty answer");
  EXPECT_EQ(parse_score("I cannot rate this").reason, "no score found");
}

TEST(ScoreParser, OtherScales) {
  EXPECT_EQ(parse_score("Rating: 4", 1, 5).score, 4);
  EXPECT_FALSE(parse_score("Rating: 7", 1, 5).score.has_value());
  EXPECT_EQ(parse_score("Score: 50/100", 0, 5).score, 2.5);
}

}  // namespace
}  // namespace slipway::monitor
