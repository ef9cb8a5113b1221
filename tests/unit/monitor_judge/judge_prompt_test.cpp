// Judge templates: the defaults, placeholder checks, single-pass rendering, files.
#include "monitor/judge/judge_prompt.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "test_dir.h"

namespace slipway::monitor {
namespace {

// Runs `body` expecting a TemplateError whose message contains `part`.
template <class Body>
void expect_template_error(Body&& body, const std::string& part) {
  try {
    body();
    ADD_FAILURE() << "no TemplateError thrown";
  } catch (const TemplateError& e) {
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
        << "\"" << part << "\" not in: " << e.what();
  }
}

TEST(JudgePrompt, DefaultScoreTemplateAsksForTheSeedsCriteriaAndFormat) {
  const std::string& text = default_score_template();
  for (const char* word : {"accuracy", "relevance", "completeness", "fluency", "0", "10",
                           "Rating: [[N]]", "{{prompt}}", "{{response}}"}) {
    EXPECT_NE(text.find(word), std::string::npos) << word;
  }
  const JudgeTemplate judge(text, TemplateKind::Score);
  const std::string rendered = judge.render_score("What is 2+2?", "4");
  EXPECT_NE(rendered.find("What is 2+2?"), std::string::npos);
  EXPECT_EQ(rendered.find("{{"), std::string::npos);
}

TEST(JudgePrompt, DefaultPairTemplateAsksForABOrC) {
  const std::string& text = default_pair_template();
  for (const char* word : {"[[A]]", "[[B]]", "[[C]]", "{{response_a}}", "{{response_b}}"}) {
    EXPECT_NE(text.find(word), std::string::npos) << word;
  }
  const JudgeTemplate judge(text, TemplateKind::Pair);
  const std::string rendered = judge.render_pair("Q?", "first answer", "second answer");
  EXPECT_LT(rendered.find("first answer"), rendered.find("second answer"));
}

TEST(JudgePrompt, MissingPlaceholdersAreNamed) {
  expect_template_error([] { JudgeTemplate("Rate {{prompt}}", TemplateKind::Score); },
                        "{{response}}");
  expect_template_error([] { JudgeTemplate("Rate {{response}}", TemplateKind::Score); },
                        "{{prompt}}");
  expect_template_error([] { JudgeTemplate("{{prompt}} {{response_a}}", TemplateKind::Pair); },
                        "{{response_b}}");
}

TEST(JudgePrompt, UnknownPlaceholdersAreNamed) {
  expect_template_error(
      [] { JudgeTemplate("{{prompt}} {{response}} {{reference}}", TemplateKind::Score); },
      "{{reference}}");
  // A score placeholder in a pair template is unknown there.
  expect_template_error(
      [] {
        JudgeTemplate("{{prompt}} {{response}} {{response_a}} {{response_b}}", TemplateKind::Pair);
      },
      "{{response}}");
  expect_template_error([] { JudgeTemplate("{{prompt}} {{response}} {{", TemplateKind::Score); },
                        "unclosed");
}

TEST(JudgePrompt, SpacesInsideBracesAreAllowed) {
  const JudgeTemplate judge("Q: {{ prompt }} A: {{response }}", TemplateKind::Score);
  EXPECT_EQ(judge.render_score("p", "r"), "Q: p A: r");
}

TEST(JudgePrompt, RenderingIsOnePass) {
  const JudgeTemplate judge("Q: {{prompt}}\nA: {{response}}", TemplateKind::Score);
  EXPECT_EQ(judge.render_score("say {{response}}", "I said {{prompt}}"),
            "Q: say {{response}}\nA: I said {{prompt}}");
  const JudgeTemplate pair("{{prompt}}|{{response_a}}|{{response_b}}", TemplateKind::Pair);
  EXPECT_EQ(pair.render_pair("{{response_a}}", "{{response_b}}", "{{prompt}}"),
            "{{response_a}}|{{response_b}}|{{prompt}}");
}

TEST(JudgePrompt, RepeatedPlaceholdersAreAllFilled) {
  const JudgeTemplate judge("{{prompt}} / {{response}} / {{prompt}}", TemplateKind::Score);
  EXPECT_EQ(judge.render_score("p", "r"), "p / r / p");
}

TEST(JudgePrompt, KindMismatchIsAnError) {
  const JudgeTemplate score(default_score_template(), TemplateKind::Score);
  EXPECT_THROW(score.render_pair("p", "a", "b"), TemplateError);
  const JudgeTemplate pair(default_pair_template(), TemplateKind::Pair);
  EXPECT_THROW(pair.render_score("p", "r"), TemplateError);
}

TEST(JudgePrompt, FromFile) {
  const auto dir = slipway::test::fresh_test_dir("monitor_judge", "prompt");
  const auto file = dir / "judge.txt";
  std::ofstream(file) << "Judge {{prompt}} -> {{response}}";
  const JudgeTemplate judge = JudgeTemplate::from_file(file, TemplateKind::Score);
  EXPECT_EQ(judge.render_score("p", "r"), "Judge p -> r");
  EXPECT_EQ(judge.kind(), TemplateKind::Score);
}

TEST(JudgePrompt, FromFileErrorsNameTheFile) {
  const auto dir = slipway::test::fresh_test_dir("monitor_judge", "prompt");
  const auto missing = dir / "nowhere.txt";
  expect_template_error([&] { JudgeTemplate::from_file(missing, TemplateKind::Score); },
                        missing.string());
  const auto bad = dir / "bad.txt";
  std::ofstream(bad) << "Judge {{prompt}} only";
  expect_template_error([&] { JudgeTemplate::from_file(bad, TemplateKind::Score); }, bad.string());
}

}  // namespace
}  // namespace slipway::monitor
