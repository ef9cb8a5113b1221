#include "engine/stop_matcher.h"

#include <gtest/gtest.h>

namespace slipway::engine {
namespace {

std::string feed(StopMatcher& matcher, const std::vector<std::string>& pieces) {
  std::string out;
  for (const auto& piece : pieces) out += matcher.push(piece);
  return out + matcher.flush();
}

TEST(StopMatcher, PassesTextThroughWithoutStops) {
  StopMatcher matcher({});
  EXPECT_EQ(feed(matcher, {"Hello", ", ", "world"}), "Hello, world");
  EXPECT_FALSE(matcher.stopped());
}

TEST(StopMatcher, StopsAtStringSplitAcrossPieces) {
  StopMatcher matcher({"###"});
  EXPECT_EQ(matcher.push("answer #"), "answer ");
  EXPECT_EQ(matcher.push("#"), "");
  EXPECT_EQ(matcher.push("# more"), "");
  EXPECT_TRUE(matcher.stopped());
  EXPECT_EQ(matcher.flush(), "");
}

TEST(StopMatcher, ReleasesHeldTextWhenItIsNotAStop) {
  StopMatcher matcher({"END"});
  EXPECT_EQ(matcher.push("the EN"), "the ");
  EXPECT_EQ(matcher.push("TRY"), "ENTRY");
  EXPECT_FALSE(matcher.stopped());
}

TEST(StopMatcher, EarliestOfSeveralStopsWins) {
  StopMatcher matcher({"world", "lo"});
  EXPECT_EQ(feed(matcher, {"Hello world"}), "Hel");
  EXPECT_TRUE(matcher.stopped());
}

TEST(StopMatcher, FlushReturnsHeldPrefixAtEnd) {
  StopMatcher matcher({"</s>"});
  EXPECT_EQ(matcher.push("abc</"), "abc");
  EXPECT_EQ(matcher.flush(), "</");
}

TEST(StopMatcher, IgnoresEmptyStopStrings) {
  StopMatcher matcher({""});
  EXPECT_EQ(feed(matcher, {"text"}), "text");
}

}  // namespace
}  // namespace slipway::engine
