// The phrase lists: defaults, and the YAML file that replaces or extends them.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "monitor/drift/text_signals.h"
#include "test_dir.h"

namespace slipway::monitor {
namespace {

bool has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string error_of(const std::string& yaml) {
  try {
    PhraseLists::from_yaml(yaml, "phrases.yaml");
  } catch (const PhraseFileError& error) {
    return error.what();
  }
  return "";
}

TEST(PhraseLists, DefaultsAreSizable) {
  const auto lists = PhraseLists::defaults();
  EXPECT_GE(lists.refusal.size(), 25u);
  EXPECT_GE(lists.uncertainty.size(), 25u);
  EXPECT_GE(lists.stopwords.size(), 140u);
  EXPECT_TRUE(has(lists.refusal, "I can't help with"));
  EXPECT_TRUE(has(lists.uncertainty, "possibly"));
  EXPECT_TRUE(has(lists.stopwords, "the"));
}

TEST(PhraseLists, AbsentKeysKeepTheDefaultsAndGivenOnesReplaceThem) {
  const auto lists =
      PhraseLists::from_yaml("refusal: [\"Ich kann nicht\"]\nuncertainty: []\n", "phrases.yaml");
  EXPECT_EQ(lists.refusal, std::vector<std::string>{"Ich kann nicht"});
  EXPECT_TRUE(lists.uncertainty.empty());  // an empty list disables the check
  EXPECT_EQ(lists.stopwords, PhraseLists::defaults().stopwords);
  const PhraseMatcher matcher(lists);
  EXPECT_TRUE(matcher.refuses("ich kann nicht helfen"));
  EXPECT_FALSE(matcher.refuses("I can't help with that"));
  EXPECT_FALSE(matcher.uncertain("I'm not sure"));
}

TEST(PhraseLists, ExtendAddsToTheDefaults) {
  const auto lists = PhraseLists::from_yaml(
      "extend: true\nrefusal:\n  - \"  that is outside my scope  \"\n  - I can't help with\n",
      "phrases.yaml");
  const auto defaults = PhraseLists::defaults();
  EXPECT_EQ(lists.refusal.size(), defaults.refusal.size() + 1);  // the duplicate is not added
  EXPECT_TRUE(has(lists.refusal, "that is outside my scope"));   // trimmed
  EXPECT_EQ(lists.uncertainty, defaults.uncertainty);
}

TEST(PhraseLists, EmptyDocumentIsTheDefaults) {
  EXPECT_EQ(PhraseLists::from_yaml("", "x").refusal, PhraseLists::defaults().refusal);
  EXPECT_EQ(PhraseLists::from_yaml("# only a comment\n", "x").stopwords.size(),
            PhraseLists::defaults().stopwords.size());
}

TEST(PhraseLists, ErrorsNameTheFileAndLine) {
  EXPECT_EQ(error_of("refusal: [a]\nrefusals: [b]\n"),
            "phrases.yaml:2: unknown key 'refusals' (expected refusal, uncertainty, stopwords or "
            "extend)");
  EXPECT_EQ(error_of("refusal: [a, b\n").rfind("phrases.yaml:", 0), 0u);  // a YAML syntax error
  EXPECT_EQ(error_of("\nrefusal: just one\n"),
            "phrases.yaml:2: refusal must be a list of phrases (use [] to disable it)");
  EXPECT_EQ(error_of("uncertainty:\n"),
            "phrases.yaml:1: uncertainty must be a list of phrases (use [] to disable it)");
  EXPECT_EQ(error_of("stopwords:\n  - the\n  - [a, b]\n"),
            "phrases.yaml:3: stopwords entries must be text");
  EXPECT_EQ(error_of("refusal:\n  - ok\n  - \"  \"\n"),
            "phrases.yaml:3: refusal has an empty phrase");
  EXPECT_EQ(error_of("extend: maybe\n"), "phrases.yaml:1: extend must be true or false");
  EXPECT_EQ(error_of("- a\n- b\n"),
            "phrases.yaml:1: must be a mapping with refusal, uncertainty, stopwords or extend");
}

TEST(PhraseLists, FromFile) {
  const auto dir = test::fresh_test_dir("monitor_drift", "phrases");
  const auto file = dir / "phrases.yaml";
  std::ofstream(file) << "extend: true\nuncertainty: [\"no idea\"]\n";
  const auto lists = PhraseLists::from_file(file);
  EXPECT_TRUE(has(lists.uncertainty, "no idea"));
  EXPECT_TRUE(PhraseMatcher(lists).uncertain("No idea, honestly."));

  std::ofstream(dir / "bad.yaml") << "refusal: [a]\ncolour: red\n";
  try {
    PhraseLists::from_file(dir / "bad.yaml");
    FAIL() << "unknown key accepted";
  } catch (const PhraseFileError& error) {
    EXPECT_EQ(std::string(error.what()), (dir / "bad.yaml").string() +
                                             ":2: unknown key 'colour' (expected refusal, "
                                             "uncertainty, stopwords or extend)");
  }
  std::ofstream(dir / "empty.yaml").close();
  EXPECT_EQ(PhraseLists::from_file(dir / "empty.yaml").refusal, PhraseLists::defaults().refusal);
  EXPECT_THROW(PhraseLists::from_file(dir / "missing.yaml"), PhraseFileError);
  EXPECT_THROW(PhraseLists::from_file(dir), PhraseFileError);  // a folder
}

}  // namespace
}  // namespace slipway::monitor
