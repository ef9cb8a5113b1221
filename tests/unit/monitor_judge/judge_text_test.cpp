// Cutting texts for the judge on UTF-8 boundaries.
#include "monitor/judge/judge_text.h"

#include <gtest/gtest.h>

#include <string>

namespace slipway::monitor {
namespace {

const std::string kMarker = "\xE2\x80\xA6[truncated]";

TEST(CutUtf8, ShortTextsStayWhole) {
  EXPECT_EQ(cut_utf8("hello", 5), "hello");
  EXPECT_EQ(cut_utf8("", 0), "");
}

TEST(CutUtf8, LongTextsAreCutAndMarked) {
  EXPECT_EQ(cut_utf8("hello world", 5), "hello" + kMarker);
}

TEST(CutUtf8, NeverSplitsACharacter) {
  const std::string text = "ab\xC3\xA9\xE2\x82\xAC";  // "abé€": 2 + 2 + 3 bytes
  EXPECT_EQ(cut_utf8(text, 3), "ab" + kMarker);       // inside é
  EXPECT_EQ(cut_utf8(text, 4), "ab\xC3\xA9" + kMarker);
  EXPECT_EQ(cut_utf8(text, 5), "ab\xC3\xA9" + kMarker);  // inside €
  EXPECT_EQ(cut_utf8(text, 6), "ab\xC3\xA9" + kMarker);
  EXPECT_EQ(cut_utf8(text, 7), text);
}

}  // namespace
}  // namespace slipway::monitor
