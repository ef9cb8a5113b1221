// Summing drift samples, trimming their term maps, and their JSON.
#include "monitor/drift/drift_sample.h"

#include <gtest/gtest.h>

namespace slipway::monitor {
namespace {

DriftSample sample(int64_t answers, ValueCounts lengths, LabelCounts finish, LabelCounts terms) {
  DriftSample out;
  out.answers = answers;
  out.refusals = 1;
  out.uncertain = 2;
  out.lengths = std::move(lengths);
  out.finish_reasons = std::move(finish);
  out.prompt_terms = terms;
  out.response_terms = std::move(terms);
  return out;
}

TEST(DriftSample, AddSumsEveryCount) {
  DriftSample total = sample(3, {{4, 1}, {9, 2}}, {{"stop", 3}}, {{"refund", 2}});
  total.add(
      sample(2, {{9, 1}, {30, 1}}, {{"stop", 1}, {"length", 1}}, {{"order", 1}, {"refund", 1}}));
  EXPECT_EQ(total.answers, 5);
  EXPECT_EQ(total.refusals, 2);
  EXPECT_EQ(total.uncertain, 4);
  EXPECT_EQ(total.lengths, (ValueCounts{{4, 1}, {9, 3}, {30, 1}}));
  EXPECT_EQ(total.finish_reasons, (LabelCounts{{"stop", 4}, {"length", 1}}));
  EXPECT_EQ(total.prompt_terms, (LabelCounts{{"order", 1}, {"refund", 3}}));
  EXPECT_EQ(total.response_terms, total.prompt_terms);
  total.add(DriftSample{});  // adding nothing changes nothing
  EXPECT_EQ(total.answers, 5);
}

TEST(DriftSample, TrimKeepsTheLargestCountsTiesByTerm) {
  DriftSample one;
  one.prompt_terms = {{"delta", 5}, {"alpha", 2}, {"charlie", 2}, {"bravo", 2}, {"echo", 1}};
  one.response_terms = {{"x", 1}};
  one.trim_terms(3);
  // delta (5), then the ties at 2 by term: alpha, bravo; charlie and echo go.
  EXPECT_EQ(one.prompt_terms, (LabelCounts{{"delta", 5}, {"alpha", 2}, {"bravo", 2}}));
  EXPECT_EQ(one.response_terms, (LabelCounts{{"x", 1}}));  // already small enough
  one.trim_terms(0);
  EXPECT_TRUE(one.prompt_terms.empty());
  EXPECT_TRUE(one.response_terms.empty());
}

TEST(DriftSample, ToJsonShape) {
  const auto json = sample(3, {{12, 3}}, {{"stop", 3}}, {{"refund", 2}}).to_json();
  EXPECT_EQ(json, nlohmann::json::parse(R"({
    "answers": 3, "refusals": 1, "uncertain": 2, "lengths": {"12": 3},
    "finish_reasons": {"stop": 3}, "prompt_terms": {"refund": 2},
    "response_terms": {"refund": 2}})"));
  const auto empty = DriftSample{}.to_json();
  EXPECT_TRUE(empty["lengths"].is_object());
  EXPECT_TRUE(empty["finish_reasons"].is_object());
  EXPECT_TRUE(empty["response_terms"].is_object());
  EXPECT_EQ(empty["answers"], 0);
}

}  // namespace
}  // namespace slipway::monitor
