#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "backends/upstream/sse_parser.h"

namespace slipway::backends {
namespace {

std::vector<SseEvent> parse_in_pieces(const std::string& text, const std::vector<size_t>& cuts) {
  SseParser parser;
  std::vector<SseEvent> events;
  size_t at = 0;
  for (size_t cut : cuts) {
    for (auto& e : parser.feed(std::string_view(text).substr(at, cut - at))) {
      events.push_back(std::move(e));
    }
    at = cut;
  }
  for (auto& e : parser.feed(std::string_view(text).substr(at))) events.push_back(std::move(e));
  return events;
}

std::vector<std::string> datas(const std::vector<SseEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.data);
  return out;
}

TEST(UpstreamSseParser, BasicEvents) {
  SseParser parser;
  const auto events = parser.feed("data: {\"a\":1}\n\ndata: [DONE]\n\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].data, "{\"a\":1}");
  EXPECT_EQ(events[1].data, "[DONE]");
}

TEST(UpstreamSseParser, CrLfAndBareCr) {
  SseParser parser;
  EXPECT_EQ(datas(parser.feed("data: x\r\n\r\ndata: y\r\rdata:z\n\n")),
            (std::vector<std::string>{"x", "y", "z"}));
}

TEST(UpstreamSseParser, MultiLineDataCommentsAndFields) {
  SseParser parser;
  const auto events = parser.feed(
      ": keep-alive\n\nevent: error\nid: 7\ndata: line1\ndata:line2\ndata\nretry: 10\nx: y\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event, "error");
  EXPECT_EQ(events[0].id, "7");
  EXPECT_EQ(events[0].data, "line1\nline2\n");
}

TEST(UpstreamSseParser, OnlyOneLeadingSpaceIsStripped) {
  SseParser parser;
  EXPECT_EQ(datas(parser.feed("data:  two\n\n")), (std::vector<std::string>{" two"}));
}

TEST(UpstreamSseParser, IncompleteEventWaits) {
  SseParser parser;
  EXPECT_TRUE(parser.feed("data: partial\n").empty());
  EXPECT_GT(parser.pending_bytes(), 0u);
  EXPECT_EQ(datas(parser.feed("\n")), (std::vector<std::string>{"partial"}));
}

TEST(UpstreamSseParser, ByteOrderMarkIsSkipped) {
  SseParser parser;
  EXPECT_EQ(datas(parser.feed("\xEF\xBB\xBF"
                              "data: a\n\n")),
            (std::vector<std::string>{"a"}));
}

TEST(UpstreamSseParser, SplitAtEveryBoundary) {
  const std::string text =
      ": ping\r\n\r\ndata: {\"x\": \"h\\u00e9\"}\r\n\r\nevent: e\ndata: a\ndata: b\n\n"
      "data: c\r\rdata: [DONE]\r\n\r\n";
  const std::vector<std::string> expected{"{\"x\": \"h\\u00e9\"}", "a\nb", "c", "[DONE]"};
  ASSERT_EQ(datas(parse_in_pieces(text, {})), expected);
  for (size_t i = 0; i <= text.size(); ++i) {
    EXPECT_EQ(datas(parse_in_pieces(text, {i})), expected) << "cut at " << i;
    for (size_t j = i; j <= text.size(); j += 3) {
      ASSERT_EQ(datas(parse_in_pieces(text, {i, j})), expected) << "cuts at " << i << "," << j;
    }
  }
  // One byte at a time.
  std::vector<size_t> every;
  for (size_t i = 1; i < text.size(); ++i) every.push_back(i);
  EXPECT_EQ(datas(parse_in_pieces(text, every)), expected);
}

}  // namespace
}  // namespace slipway::backends
