// The judge runner scoring answers through a fake judge: sampling, recorded scores, unparsable
// and failed outcomes, timeouts, the bounded queue, the concurrency limit, shutdown, metrics.
#include <gtest/gtest.h>

#include <chrono>

#include "judge_runner_support.h"
#include "monitor/judge/judge_sampling.h"

namespace slipway::monitor::test {
namespace {

using namespace std::chrono_literals;

class JudgeRunnerScores : public JudgeRunnerTest {};

TEST_P(JudgeRunnerScores, SamplingDecidesWhichAnswersAreJudged) {
  use(always(FakeAnswer::say("Rating: [[7]]")));
  JudgeOptions options = judge_everything();
  options.sample_rate = 0.3;
  auto judge = runner(options);
  std::vector<std::string> expected;
  for (int i = 0; i < 200; ++i) {
    const std::string id = "chatcmpl-" + std::to_string(i);
    if (sampled_for_judge(id, 0.3)) expected.push_back(id);
    judge->observe(observed(id));
  }
  ASSERT_TRUE(judge->wait_idle(10s));
  std::sort(expected.begin(), expected.end());
  EXPECT_GT(expected.size(), 30u);
  EXPECT_EQ(ids_of("SELECT response_id FROM monitor_judge_scores ORDER BY response_id"), expected);
  EXPECT_EQ(judge->counters().sampled, expected.size());
  EXPECT_EQ(judge->counters().scored, expected.size());
}

TEST_P(JudgeRunnerScores, ARouteRateOverridesTheDefault) {
  use(always(FakeAnswer::say("8")));
  JudgeOptions options = judge_everything();
  options.route_rates["quiet"] = 0.0;
  auto judge = runner(options);
  ObservedAnswer quiet = observed("q1");
  quiet.route = "quiet";
  judge->observe(quiet);
  judge->observe(observed("s1"));
  ASSERT_TRUE(judge->wait_idle(10s));
  EXPECT_EQ(ids_of("SELECT response_id FROM monitor_judge_scores"), std::vector<std::string>{"s1"});
}

TEST_P(JudgeRunnerScores, AScoreIsRecordedWithTheRequestItCameFrom) {
  use(always(FakeAnswer::say("Accurate and complete.\n\nRating: [[7]]")));
  now_ms_ = kDec1 + 42;
  auto judge = runner(judge_everything());
  judge->observe(observed("chatcmpl-1"));
  ASSERT_TRUE(judge->wait_idle(10s));

  const auto requests = judge_->requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& request = requests[0];
  EXPECT_EQ(request.endpoint, backends::Endpoint::ChatCompletions);
  EXPECT_EQ(request.priority, backends::RequestPriority::Judge);
  EXPECT_EQ(request.request_id, "judge-1");
  EXPECT_EQ(request.body["model"], "judge-model");
  EXPECT_EQ(request.body["max_tokens"], 512);
  EXPECT_EQ(request.body["temperature"], 0);
  EXPECT_EQ(request.body["stream"], false);
  EXPECT_EQ(request.body["messages"][0]["role"], "user");
  const std::string content = request.body["messages"][0]["content"];
  EXPECT_NE(content.find("What is the capital of France?"), std::string::npos);
  EXPECT_NE(content.find("Paris."), std::string::npos);

  const store::Rows rows = store_->read([](store::Transaction& tx) {
    return tx.query(
        "SELECT outcome, score, judge, arm, answered_ms, judged_ms, detail FROM "
        "monitor_judge_scores");
  });
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].text(0), "scored");
  EXPECT_DOUBLE_EQ(rows[0].real(1), 7.0);
  EXPECT_EQ(rows[0].text(2), "fake-judge");
  EXPECT_EQ(rows[0].text(3), "stable");
  EXPECT_EQ(rows[0].integer(4), kDec1 - kMinute);
  EXPECT_EQ(rows[0].integer(5), kDec1 + 42);
  EXPECT_NE(rows[0].text(6).find("Rating: [[7]]"), std::string::npos);
}

TEST_P(JudgeRunnerScores, AnEmptyAnswerIsJudgedLikeAnyOther) {
  use(always(FakeAnswer::say("1")));
  auto judge = runner(judge_everything());
  judge->observe(observed("empty", ""));
  ASSERT_TRUE(judge->wait_idle(10s));
  EXPECT_EQ(judge->counters().sampled, 1u);
  EXPECT_EQ(judge->counters().scored, 1u);
  EXPECT_EQ(judge_->requests().size(), 1u);
}

TEST_P(JudgeRunnerScores, UnparsableAnswersAreCountedNeverGuessed) {
  use([](const std::string& rendered) {
    return rendered.find("no-text") != std::string::npos
               ? FakeAnswer::no_text()
               : FakeAnswer::say("I cannot rate this response.");
  });
  auto judge = runner(judge_everything());
  judge->observe(observed("a"));
  judge->observe(observed("b", "no-text please"));
  ASSERT_TRUE(judge->wait_idle(10s));
  EXPECT_EQ(judge->counters().unparsable, 2u);
  EXPECT_EQ(judge->counters().scored, 0u);
  const QualityWindow total = read_quality_total(*store_, {});
  EXPECT_EQ(total.unparsable, 2);
  EXPECT_FALSE(total.mean().has_value());
}

TEST_P(JudgeRunnerScores, JudgeErrorsFailWithTheReason) {
  use(always(FakeAnswer::error("model overloaded", 503)));
  auto judge = runner(judge_everything());
  judge->observe(observed("a"));
  ASSERT_TRUE(judge->wait_idle(10s));
  EXPECT_EQ(judge->counters().failed, 1u);
  const auto details = ids_of("SELECT detail FROM monitor_judge_scores WHERE outcome = 'failed'");
  ASSERT_EQ(details.size(), 1u);
  EXPECT_NE(details[0].find("model overloaded"), std::string::npos);
  EXPECT_NE(details[0].find("503"), std::string::npos);
}

TEST_P(JudgeRunnerScores, AnUnavailableJudgeFailsEachJob) {
  judge_ = nullptr;
  auto judge = runner(judge_everything());
  judge->observe(observed("a"));
  ASSERT_TRUE(judge->wait_idle(10s));
  EXPECT_EQ(judge->counters().failed, 1u);
  EXPECT_EQ(ids_of("SELECT detail FROM monitor_judge_scores"),
            std::vector<std::string>{"judge unavailable"});
}

TEST_P(JudgeRunnerScores, ASilentJudgeFailsAtTheDeadline) {
  use(always(FakeAnswer::silent()));
  JudgeOptions options = judge_everything();
  options.timeout = 150ms;
  auto judge = runner(options);
  const auto started = std::chrono::steady_clock::now();
  judge->observe(observed("a"));
  ASSERT_TRUE(judge->wait_idle(10s));
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_GE(took, 150ms);
  EXPECT_LT(took, 2s);
  EXPECT_EQ(judge->counters().failed, 1u);
  EXPECT_EQ(judge_->cancelled(), 1);
  const auto details = ids_of("SELECT detail FROM monitor_judge_scores");
  ASSERT_EQ(details.size(), 1u);
  EXPECT_NE(details[0].find("in time"), std::string::npos);
}

TEST_P(JudgeRunnerScores, AFullQueueDropsAndCounts) {
  use(always(FakeAnswer::held()));
  JudgeOptions options = judge_everything();
  options.concurrency = 1;
  options.max_queue = 2;
  auto judge = runner(options);
  judge->observe(observed("a"));
  ASSERT_TRUE(eventually([&] { return judge_->running() == 1; }));
  judge->observe(observed("b"));
  judge->observe(observed("c"));
  judge->observe(observed("d"));  // the queue holds b and c
  const auto counters = judge->counters();
  EXPECT_EQ(counters.dropped, 1u);
  EXPECT_EQ(counters.queued, 2);
  EXPECT_EQ(counters.in_flight, 1);
  judge_->release(FakeAnswer::say("[[6]]"));
  ASSERT_TRUE(judge->wait_idle(10s));
  EXPECT_EQ(judge->counters().scored, 3u);
  EXPECT_EQ(ids_of("SELECT response_id FROM monitor_judge_scores ORDER BY response_id"),
            (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_NE(judge->metrics_text().find(
                "slipway_judge_requests_total{route=\"support\",version=\"support/1\","
                "outcome=\"dropped\"} 1"),
            std::string::npos);
}

TEST_P(JudgeRunnerScores, NeverMoreCallsThanTheConcurrencyLimit) {
  use(always(FakeAnswer::held()));
  JudgeOptions options = judge_everything();
  options.concurrency = 2;
  auto judge = runner(options);
  for (int i = 0; i < 6; ++i) judge->observe(observed("id-" + std::to_string(i)));
  ASSERT_TRUE(eventually([&] { return judge_->running() == 2; }));
  EXPECT_EQ(judge->counters().queued, 4);
  judge_->release(FakeAnswer::say("Rating: 8"));
  ASSERT_TRUE(judge->wait_idle(10s));
  EXPECT_EQ(judge->counters().scored, 6u);
  EXPECT_EQ(judge_->max_running(), 2);
}

TEST_P(JudgeRunnerScores, StoppingWithCallsInFlightReturnsPromptly) {
  use(always(FakeAnswer::silent()));
  JudgeOptions options = judge_everything();
  options.concurrency = 2;
  options.timeout = 60s;
  auto judge = runner(options);
  for (int i = 0; i < 5; ++i) judge->observe(observed("id-" + std::to_string(i)));
  ASSERT_TRUE(eventually([&] { return judge_->running() == 2; }));
  const auto started = std::chrono::steady_clock::now();
  judge.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_EQ(judge_->cancelled(), 2);
  EXPECT_EQ(judge_->running(), 0);
  // Calls cut short by the shutdown say nothing about the judge: no failed rows.
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_judge_scores"), 0);
}

TEST_P(JudgeRunnerScores, TextsAreCutOnACharacterBoundary) {
  use(always(FakeAnswer::say("5")));
  JudgeOptions options = judge_everything();
  options.max_text_bytes = 11;
  auto judge = runner(options);
  std::string response;
  for (int i = 0; i < 20; ++i) response += "\xC3\xA9";  // é, two bytes each
  judge->observe(observed("a", response));
  ASSERT_TRUE(judge->wait_idle(10s));
  const auto rendered = judge_->rendered();
  ASSERT_EQ(rendered.size(), 1u);
  std::string cut;
  for (int i = 0; i < 5; ++i) cut += "\xC3\xA9";
  EXPECT_NE(rendered[0].find("\n" + cut + "\xE2\x80\xA6[truncated]\n"), std::string::npos);
  EXPECT_EQ(rendered[0].find(cut + "\xC3\xA9"), std::string::npos);
}

TEST_P(JudgeRunnerScores, AStoreErrorCountsAsFailedAndTheRunnerGoesOn) {
  use(always(FakeAnswer::say("Rating: [[9]]")));
  auto judge = runner(judge_everything());
  store_->write([](store::Transaction& tx) { tx.execute("DROP TABLE monitor_judge_scores"); });
  judge->observe(observed("a"));
  judge->observe(observed("b"));
  ASSERT_TRUE(judge->wait_idle(10s));
  EXPECT_EQ(judge->counters().failed, 2u);
  EXPECT_EQ(judge->counters().scored, 0u);
}

TEST_P(JudgeRunnerScores, OptionsOutOfRangeAreRefused) {
  use(always(FakeAnswer::say("5")));
  for (auto change : std::vector<std::function<void(JudgeOptions&)>>{
           [](JudgeOptions& o) { o.sample_rate = 1.5; },
           [](JudgeOptions& o) { o.route_rates["x"] = -0.1; },
           [](JudgeOptions& o) { o.pair_rate = 2; }, [](JudgeOptions& o) { o.concurrency = 0; },
           [](JudgeOptions& o) { o.max_queue = 0; }, [](JudgeOptions& o) { o.timeout = 0ms; },
           [](JudgeOptions& o) { o.max_tokens = 0; },
           [](JudgeOptions& o) { o.max_text_bytes = 0; }}) {
    JudgeOptions options = judge_everything();
    change(options);
    EXPECT_THROW(runner(options), std::invalid_argument);
  }
}

TEST_P(JudgeRunnerScores, MetricsShowOutcomesScoresLatencyAndEscapedLabels) {
  use([](const std::string& rendered) {
    return rendered.find("nonsense") != std::string::npos ? FakeAnswer::say("no idea")
                                                          : FakeAnswer::say("Rating: [[7]]");
  });
  auto judge = runner(judge_everything());
  ObservedAnswer quoted = observed("a");
  quoted.route = "sup\"port";
  judge->observe(quoted);
  judge->observe(observed("b"));
  judge->observe(observed("c", "nonsense"));
  ASSERT_TRUE(judge->wait_idle(10s));
  const std::string text = judge->metrics_text();
  for (const char* line : {
           "# TYPE slipway_judge_requests_total counter\n",
           "slipway_judge_requests_total{route=\"sup\\\"port\",version=\"support/1\","
           "outcome=\"scored\"} 1\n",
           "slipway_judge_requests_total{route=\"support\",version=\"support/1\","
           "outcome=\"unparsable\"} 1\n",
           "# TYPE slipway_judge_score histogram\n",
           "slipway_judge_score_bucket{route=\"support\",version=\"support/1\",le=\"6\"} 0\n",
           "slipway_judge_score_bucket{route=\"support\",version=\"support/1\",le=\"7\"} 1\n",
           "slipway_judge_score_bucket{route=\"support\",version=\"support/1\",le=\"+Inf\"} 1\n",
           "slipway_judge_score_sum{route=\"support\",version=\"support/1\"} 7\n",
           "# TYPE slipway_judge_latency_seconds histogram\n",
           "slipway_judge_latency_seconds_count 3\n",
           "slipway_judge_queue_depth 0\n",
           "slipway_judge_in_flight 0\n",
           "# TYPE slipway_judge_pairs_total counter\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\nin:\n" << text;
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, JudgeRunnerScores, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::monitor::test
