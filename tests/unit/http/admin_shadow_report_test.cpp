// GET /admin/v1/routes/{route}/shadow-report through AdminApi::handle, with a real FeedbackLog
// on a fresh SQLite store and a settable clock: answers still queued are in the report, the
// range and version filters, and the errors of bad query values.
#include <gtest/gtest.h>

#include <atomic>

#include "feedback/feedback_log.h"
#include "feedback_test_support.h"

namespace slipway::http::test {
namespace {

using boost::beast::http::verb;

constexpr int64_t kHour = 3600LL * 1000;

class AdminShadowReportTest : public AdminFeedbackFixture {
 protected:
  void SetUp() override {
    feedback::LogSettings settings;
    settings.flush_interval_ms = 3'600'000;  // only the endpoint's flush writes the answers
    open("admin_shadow_report", 1796083200000 + 48 * kHour, settings);
  }

  AdminResponse report(const std::string& route, std::map<std::string, std::string> query = {}) {
    return call(verb::get, "/admin/v1/routes/" + route + "/shadow-report", nullptr,
                std::move(query));
  }

  // An answer on route "support", `age_ms` ago, taking `latency` seconds.
  void log_answer(const std::string& id, const std::string& version, const std::string& arm,
                  const std::string& primary_id, double latency, int64_t age_ms = 0) {
    feedback::LoggedAnswer answer;
    answer.id = id;
    answer.route = "support";
    answer.version = version;
    answer.arm = arm;
    answer.primary_id = primary_id;
    answer.request = Json{{"model", "support"},
                          {"messages", Json::array({{{"role", "user"}, {"content", "2+2?"}}})}};
    feedback::LoggedChoice choice;
    choice.output = Json{{"role", "assistant"}, {"content", "4"}};
    choice.finish_reason = "stop";
    answer.choices.push_back(choice);
    answer.latency_seconds = latency;
    answer.created_ms = now_->load() - age_ms;
    ASSERT_TRUE(log_->log(std::move(answer)));
  }

  static std::string param(const AdminResponse& res) {
    return res.body["error"]["param"].get<std::string>();
  }
};

TEST_F(AdminShadowReportTest, ReportsQueuedPairsInTheDefaultDay) {
  log_answer("p1", "m/1", "stable", "", 1.0);
  log_answer("s1", "m/2", "shadow", "p1", 1.5);
  log_answer("p2", "m/1", "stable", "", 2.0, 30 * kHour);  // older than the default 24 hours
  log_answer("s2", "m/2", "shadow", "p2", 2.0, 30 * kHour);
  log_answer("s3", "m/3", "shadow", "p1", 0.5);

  auto res = report("support");
  ASSERT_EQ(res.status, 200) << res.body.dump();
  EXPECT_EQ(res.body["object"], "shadow.report");
  EXPECT_EQ(res.body["route"], "support");
  EXPECT_EQ(res.body["pairs"], 2);
  ASSERT_EQ(res.body["versions"].size(), 2u);
  const Json& m2 = res.body["versions"][0];
  EXPECT_EQ(m2["version"], "m/2");
  EXPECT_EQ(m2["pairs"], 1);
  EXPECT_DOUBLE_EQ(m2["latency_seconds"]["mean_delta"].get<double>(), 0.5);
  EXPECT_EQ(m2["match"]["exact"], 1);
  EXPECT_EQ(m2["judge"]["summary"], "none yet");

  auto wider = report("support", {{"since", "2d"}, {"version", "m/2"}});
  ASSERT_EQ(wider.status, 200) << wider.body.dump();
  EXPECT_EQ(wider.body["version"], "m/2");
  EXPECT_EQ(wider.body["pairs"], 2);
  ASSERT_EQ(wider.body["versions"].size(), 1u);

  auto older = report("support", {{"since", "2d"}, {"until", "1d"}});
  ASSERT_EQ(older.status, 200) << older.body.dump();
  EXPECT_EQ(older.body["pairs"], 1);
  EXPECT_TRUE(older.body["until"].is_string());
}

TEST_F(AdminShadowReportTest, EmptyReportSaysWhy) {
  log_answer("p1", "m/1", "stable", "", 1.0);
  auto res = report("support");
  ASSERT_EQ(res.status, 200) << res.body.dump();
  EXPECT_EQ(res.body["pairs"], 0);
  EXPECT_TRUE(res.body["versions"].empty());
  EXPECT_NE(res.body["message"].get<std::string>().find("No shadow answers for route `support`"),
            std::string::npos);
  EXPECT_EQ(report("no-such-route").body["pairs"], 0);
}

TEST_F(AdminShadowReportTest, BadQueryValues) {
  // Like the rates endpoint: a value that does not parse is 422 naming it, an unknown name 400.
  for (const auto& [name, value] :
       std::map<std::string, std::string>{{"since", "yesterday"}, {"until", "later"}}) {
    auto bad = report("support", {{name, value}});
    EXPECT_EQ(bad.status, 422) << name;
    EXPECT_EQ(param(bad), name);
  }
  auto backwards = report("support", {{"since", "1h"}, {"until", "2h"}});
  EXPECT_EQ(backwards.status, 422);
  EXPECT_EQ(param(backwards), "until");
  EXPECT_EQ(report("support", {{"arm", "shadow"}}).status, 400);
}

TEST_F(AdminShadowReportTest, NeedsTheResponseLog) {
  AdminApi without_log(nullptr, nullptr);
  AdminRequest request;
  request.method = verb::get;
  request.path = "/admin/v1/routes/support/shadow-report";
  EXPECT_EQ(without_log.handle(request).status, 503);
}

}  // namespace
}  // namespace slipway::http::test
