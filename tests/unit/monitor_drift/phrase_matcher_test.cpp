// Refusal and uncertainty phrases, and the terms an answer's text yields.
#include <gtest/gtest.h>

#include <string>

#include "monitor/drift/text_signals.h"

namespace slipway::monitor {
namespace {

PhraseMatcher defaults() {
  return PhraseMatcher(PhraseLists::defaults());
}

TEST(PhraseMatcher, DefaultRefusalsMatchInAnyCase) {
  const auto matcher = defaults();
  EXPECT_TRUE(matcher.refuses("I can't help with that request."));
  EXPECT_TRUE(matcher.refuses("i CANNOT ASSIST with this."));
  EXPECT_TRUE(matcher.refuses("Sorry. As an AI language model, I have no opinions."));
  EXPECT_TRUE(matcher.refuses("I'm sorry, but I can't share that."));
  EXPECT_TRUE(matcher.refuses("Unfortunately I won't be able to do it."));
  EXPECT_FALSE(matcher.refuses("Sure! Here is how to reset your password."));
  EXPECT_FALSE(matcher.refuses(""));
}

TEST(PhraseMatcher, TypographicApostrophesAndWhitespaceRuns) {
  const auto matcher = defaults();
  EXPECT_TRUE(matcher.refuses("I\u2019m unable to open links."));    // ’
  EXPECT_TRUE(matcher.refuses("I\u2018m unable to open links."));    // ‘ (a common slip)
  EXPECT_TRUE(matcher.refuses("I can't\n\n   help  \t with that"));  // runs of whitespace
  EXPECT_TRUE(matcher.refuses("I\u00a0cannot assist"));              // no-break space
  EXPECT_TRUE(matcher.uncertain("I don\u2019t know the answer."));
}

TEST(PhraseMatcher, PhrasesMatchOnWordBoundariesOnly) {
  const auto matcher = defaults();
  EXPECT_FALSE(matcher.uncertain("That is impossibly fast."));  // not "possibly"
  EXPECT_FALSE(matcher.uncertain("Possiblyness is not a word."));
  EXPECT_TRUE(matcher.uncertain("Possibly, yes."));
  EXPECT_TRUE(matcher.uncertain("It is 'possibly' the best."));  // quotes are boundaries
  EXPECT_TRUE(matcher.uncertain("yes (perhaps)"));
  EXPECT_FALSE(matcher.uncertain("I thinker about it"));  // "I think" must end at a word end
  EXPECT_TRUE(matcher.uncertain("well, I think so"));
  EXPECT_FALSE(matcher.uncertain("Mi think"));  // "I" must start a word
  EXPECT_TRUE(matcher.uncertain("It's unclear whether it works."));
  EXPECT_FALSE(matcher.uncertain("The file is clear and the plan is set."));
}

TEST(PhraseMatcher, AnApostropheInsideAWordIsNoBoundary) {
  PhraseLists lists;
  lists.refusal = {"I can"};
  const PhraseMatcher matcher(lists);
  EXPECT_TRUE(matcher.refuses("I can do that"));
  EXPECT_FALSE(matcher.refuses("I can't do that"));
  EXPECT_FALSE(matcher.refuses("I can\u2019t do that"));
  EXPECT_TRUE(matcher.refuses("I can' do"));  // a closing quote, not a contraction
}

TEST(PhraseMatcher, NonAsciiLettersAreWordCharacters) {
  PhraseLists lists;
  lists.uncertainty = {"peut-être", "quizás"};
  const PhraseMatcher matcher(lists);
  EXPECT_TRUE(matcher.uncertain("C'est peut-être vrai."));
  EXPECT_TRUE(matcher.uncertain("Sí, quizás."));
  EXPECT_FALSE(matcher.uncertain("quizásé"));        // é continues the word
  EXPECT_TRUE(matcher.uncertain("quizás\u2014no"));  // an em dash is punctuation
}

TEST(PhraseMatcher, EmptyAndBlankPhrasesNeverMatch) {
  PhraseLists lists;
  lists.refusal = {"", "   "};
  const PhraseMatcher matcher(lists);
  EXPECT_FALSE(matcher.refuses("anything at all"));
  EXPECT_FALSE(matcher.uncertain("I'm not sure"));  // no uncertainty phrases in these lists
}

TEST(PhraseMatcher, InvalidUtf8NeverBreaksMatching) {
  const auto matcher = defaults();
  const std::string broken = std::string("\xff\xfe I can't help with \xe2\x80") + "\xc3";
  EXPECT_TRUE(matcher.refuses(broken));
  EXPECT_NO_THROW(matcher.terms(broken));
  EXPECT_NO_THROW(matcher.terms(std::string("\xe2", 1)));
}

TEST(PhraseMatcherTerms, LowerCasedWordsWithoutStopwordsOrNumbers) {
  const auto matcher = defaults();
  EXPECT_EQ(matcher.terms("The Refund for ORDER 12345 was sent to the customer, and the order"),
            (std::vector<std::string>{"refund", "order", "sent", "customer"}));
  EXPECT_EQ(matcher.terms("Go to it: an ox"), std::vector<std::string>{});  // under 3 bytes
  EXPECT_EQ(matcher.terms("gpt4 2024 3rd"), (std::vector<std::string>{"gpt4", "3rd"}));
}

TEST(PhraseMatcherTerms, ApostrophesAndUtf8) {
  const auto matcher = defaults();
  EXPECT_EQ(matcher.terms("customer\u2019s 'quoted' don't"),
            (std::vector<std::string>{"customer's", "quoted"}));  // don't is a stopword
  EXPECT_EQ(matcher.terms("Café naïve—résumé «Zürich»"),
            (std::vector<std::string>{"café", "naïve", "résumé", "zürich"}));
}

TEST(PhraseMatcherTerms, OnlyTheFirstBytesAreRead) {
  const auto matcher = defaults();
  // "alpha beta gamma": 16 bytes. At 12 bytes "gamma" is cut ("ga"): left out, not "ga".
  EXPECT_EQ(matcher.terms("alpha beta gamma", 12), (std::vector<std::string>{"alpha", "beta"}));
  EXPECT_EQ(matcher.terms("alpha beta gamma", 10), (std::vector<std::string>{"alpha", "beta"}));
  EXPECT_EQ(matcher.terms("alpha beta gamma", 8), (std::vector<std::string>{"alpha"}));
  EXPECT_EQ(matcher.terms(std::string(100'000, 'x') + " tail", 16).size(), 0u);
}

TEST(PhraseMatcherTerms, CustomStopwordsAreNormalized) {
  PhraseLists lists;
  lists.stopwords = {"ORDER", "customer\u2019s"};
  const PhraseMatcher matcher(lists);
  EXPECT_EQ(matcher.terms("order customer's refund"), std::vector<std::string>{"refund"});
}

}  // namespace
}  // namespace slipway::monitor
