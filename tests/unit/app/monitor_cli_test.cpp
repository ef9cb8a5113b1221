// `slipway alerts|quality|drift|monitor` in-process on a SQLite data folder (direct mode: the
// monitor's store functions with default settings), with alerts, judge scores and drift slots
// written by the monitor's own store functions; their text forms; errors. The remote mode is
// covered by the e2e tests; its status renderer is checked here on the evaluator's JSON.
#include <gtest/gtest.h>

#include <memory>

#include "app/commands.h"
#include "app/data_location.h"
#include "app/monitor_cli/render.h"
#include "monitor/alerts/alert_store.h"
#include "monitor/drift/drift_recorder.h"
#include "monitor/judge/judge_scores.h"
#include "monitor/monitor_evaluator.h"
#include "monitor/monitor_schema.h"
#include "run_subcommand.h"
#include "store/clock.h"
#include "test_dir.h"

namespace slipway::app::monitor_cli {
namespace {

namespace mon = ::slipway::monitor;

constexpr int64_t kHourMs = 3'600'000;

void register_monitor_commands(CLI::App& root) {
  register_alerts_command(root);
  register_quality_command(root);
  register_drift_command(root);
  register_monitor_command(root);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class MonitorCliDirect : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::fresh_test_dir("app", "monitor_cli");
    location_.data_dir = (dir_ / "data").string();
    store_ = open_store(location_);
    mon::migrate_monitor(*store_);
  }

  // Runs `slipway WORDS --data DIR` and returns what it printed on stdout.
  std::string run(std::vector<std::string> words) {
    words.insert(words.end(), {"--data", location_.data_dir});
    ::testing::internal::CaptureStdout();
    try {
      run_subcommand(register_monitor_commands, words);
    } catch (...) {
      ::testing::internal::GetCapturedStdout();
      throw;
    }
    return ::testing::internal::GetCapturedStdout();
  }

  Json run_json(std::vector<std::string> words) {
    words.push_back("--json");
    return Json::parse(run(std::move(words)));
  }

  // The message of the error `words` end with ("" when they succeed).
  std::string error_of(const std::vector<std::string>& words) {
    try {
      run(words);
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  }

  mon::AlertRecord fire(const std::string& rule, const std::string& kind,
                        const std::string& version, const std::string& summary,
                        const std::string& action = "none") {
    mon::AlertFiring firing;
    firing.rule = rule;
    firing.kind = kind;
    firing.severity = kind == "drift" ? "critical" : "warning";
    firing.route = "support";
    firing.version = version;
    firing.summary = summary;
    firing.evidence = {{"check", "length_psi"}, {"value", 0.42}};
    firing.action = action;
    return mon::fire_alert(*store_, firing, store::system_now_ms() - 60'000).alert;
  }

  // `count` scored answers of `version` on `arm`, in the complete hour `hours_ago` before now.
  void judge(const std::string& version, const std::string& arm, int hours_ago, double score,
             int count) {
    const int64_t start = store::system_now_ms() / kHourMs * kHourMs - hours_ago * kHourMs;
    for (int i = 0; i < count; ++i) {
      mon::JudgeScoreRow row;
      row.response_id = version + "-" + std::to_string(hours_ago) + "-" + std::to_string(i);
      row.route = "support";
      row.version = version;
      row.arm = arm;
      row.judge = "judge";
      row.score = score;
      row.answered_ms = start + 60'000 + i;
      row.judged_ms = row.answered_ms + 1000;
      mon::record_judge_score(*store_, row);
    }
  }

  std::filesystem::path dir_;
  DataLocation location_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(MonitorCliDirect, ListShowResolve) {
  EXPECT_EQ(run({"alerts", "list"}), "No alerts.\n");
  const auto quality = fire("quality_drop", "quality", "support/2", "quality 5.0 below 7.6");
  const auto drift =
      fire("drift", "drift", "support/3",
           "length PSI 0.42 >= 0.2 on support/3, " + std::string(80, 'x'), "rollback");

  const std::string table = run({"alerts", "list"});
  EXPECT_TRUE(contains(table, "ID  ") && contains(table, "FIRED (UTC)") &&
              contains(table, "SUMMARY") && contains(table, "ACTION RESULT\n"))
      << table;
  EXPECT_TRUE(contains(table, quality.id + "  active  warning ")) << table;
  EXPECT_TRUE(contains(table, "quality 5.0 below 7.6")) << table;
  EXPECT_TRUE(contains(table, "rollback: pending")) << table;
  EXPECT_FALSE(contains(table, std::string(80, 'x'))) << "summary not cut: " << table;
  EXPECT_TRUE(contains(table, "xxx…")) << table;

  Json list = run_json({"alerts", "list", "--kind", "drift"});
  ASSERT_EQ(list["data"].size(), 1u);
  EXPECT_EQ(list["data"][0]["id"], drift.id);
  EXPECT_EQ(list["object"], "list");

  const std::string shown = run({"alerts", "show", drift.id});
  EXPECT_TRUE(contains(shown, "alert:         " + drift.id + "\n")) << shown;
  EXPECT_TRUE(contains(shown, "rule:          drift (drift)\n")) << shown;
  EXPECT_TRUE(contains(shown, "action:        rollback\n")) << shown;
  EXPECT_TRUE(contains(shown, "evidence:\n  {\n    \"check\": \"length_psi\",\n")) << shown;
  EXPECT_EQ(run_json({"alerts", "show", drift.id})["evidence"]["value"], 0.42);

  const std::string resolved = run({"alerts", "resolve", quality.id, "--reason", "judge fixed"});
  EXPECT_TRUE(contains(resolved, "resolved " + quality.id +
                                     " (quality_drop on support "
                                     "support/2): resolved by " +
                                     cli_actor() + ": judge fixed\n"))
      << resolved;
  EXPECT_TRUE(contains(resolved, "no webhook was posted")) << resolved;
  EXPECT_EQ(error_of({"alerts", "resolve", quality.id}), "Alert " + quality.id + " is not active.");
  EXPECT_EQ(error_of({"alerts", "show", "alert-0000000000000000"}),
            "No alert alert-0000000000000000.");
  EXPECT_EQ(error_of({"alerts", "resolve", "alert-0000000000000000"}),
            "No alert alert-0000000000000000.");

  list = run_json({"alerts", "list", "--state", "resolved"});
  ASSERT_EQ(list["data"].size(), 1u);
  EXPECT_EQ(list["data"][0]["resolution"], "resolved by " + cli_actor() + ": judge fixed");
  EXPECT_EQ(run_json({"alerts", "list", "--state", "active"})["data"].size(), 1u);
  EXPECT_EQ(run_json({"alerts", "list", "--limit", "1"})["data"].size(), 1u);
}

TEST_F(MonitorCliDirect, ResolveJsonKeepsStdoutJson) {
  const auto alert = fire("quality_drop", "quality", "support/2", "low");
  const Json resolved = run_json({"alerts", "resolve", alert.id});
  EXPECT_EQ(resolved["state"], "resolved");
  EXPECT_EQ(resolved["resolution"], "resolved by " + cli_actor());
}

TEST_F(MonitorCliDirect, BadFlagsAreUsageErrors) {
  EXPECT_THROW(run({"alerts", "list", "--state", "open"}), CLI::ParseError);
  EXPECT_THROW(run({"alerts", "list", "--limit", "0"}), CLI::ParseError);
  EXPECT_THROW(run({"drift", "support", "--windows", "0"}), CLI::ParseError);
  EXPECT_THROW(run({"quality"}), CLI::ParseError);
}

TEST_F(MonitorCliDirect, QualityTable) {
  EXPECT_EQ(run({"quality", "support"}),
            "No judged answers on route support (default settings: 1h windows, alert after 3 "
            "windows more than 5% below baseline, 10 scored answers a window).\n");
  judge("support/2", "canary", 1, 5, 12);
  const std::string no_baseline = run({"quality", "support"});
  EXPECT_TRUE(contains(no_baseline, "\nsupport/2: insufficient: no baseline yet")) << no_baseline;
  EXPECT_TRUE(contains(no_baseline, "  baseline: none yet (0 scored on the stable arm)\n"))
      << no_baseline;

  for (int hours_ago = 1; hours_ago <= 3; ++hours_ago) {
    judge("support/1", "stable", hours_ago, 8, 12);
    judge("support/2", "canary", hours_ago, 5, 12);
  }

  const std::string text = run({"quality", "support"});
  EXPECT_TRUE(contains(text, "Judged quality of route support (default settings")) << text;
  EXPECT_TRUE(contains(text, "\nsupport/1: ok: mean 8 at or above 7.6")) << text;
  EXPECT_TRUE(contains(text,
                       "\nsupport/2: degraded: mean 5 below 7.6 (baseline 8 − 5%) for 3 "
                       "windows\n"))
      << text;
  EXPECT_TRUE(contains(text, "  baseline: 8 (stable arm, trailing 24h, 36 scored)\n")) << text;
  EXPECT_TRUE(contains(text,
                       "  START                 SCORED  UNPARSABLE  FAILED  MEAN  "
                       "THRESHOLD  BELOW\n"))
      << text;
  EXPECT_TRUE(contains(text, "Z  12      0           0       5     7.6        yes\n")) << text;

  const Json json = run_json({"quality", "support", "--version", "support/2", "--history", "0"});
  ASSERT_EQ(json["data"].size(), 1u);
  EXPECT_EQ(json["data"][0]["state"], "degraded");
  EXPECT_EQ(json["data"][0]["points"].size(), 3u);
  EXPECT_EQ(json["route"], "support");
}

TEST_F(MonitorCliDirect, DriftTable) {
  EXPECT_TRUE(contains(run({"drift", "support"}), "No drift data on route support")) << "empty";
  {
    mon::DriftRecorder recorder(
        *store_, std::make_shared<mon::PhraseMatcher>(mon::PhraseLists::defaults()), {});
    const int64_t created = store::system_now_ms() - 5 * 60'000;
    for (int i = 0; i < 60; ++i) {
      mon::ObservedAnswer stable{.id = "s" + std::to_string(i),
                                 .route = "support",
                                 .version = "support/1",
                                 .arm = "stable",
                                 .prompt = "How do I reset my router password?",
                                 .response = "Open the admin page and choose reset password.",
                                 .finish_reason = "stop",
                                 .completion_tokens = 40 + i % 10,
                                 .created_ms = created};
      mon::ObservedAnswer canary = stable;
      canary.id = "c" + std::to_string(i);
      canary.version = "support/2";
      canary.arm = "canary";
      canary.response = "Open";
      canary.finish_reason = "length";
      canary.completion_tokens = 4;
      recorder.record(stable);
      recorder.record(canary);
    }
    recorder.flush();
  }

  const std::string text = run({"drift", "support", "--arm", "canary"});
  EXPECT_TRUE(contains(text, "Drift of route support")) << text;
  EXPECT_TRUE(contains(text, "\nsupport/2 (canary)\n")) << text;
  EXPECT_FALSE(contains(text, "(stable)")) << text;
  EXPECT_TRUE(contains(text, ": critical against stable arm")) << text;
  EXPECT_TRUE(contains(text, "(60 answers, baseline 60)")) << text;
  EXPECT_TRUE(contains(text, "NAME ")) << text;
  EXPECT_TRUE(contains(text, "VALUE  ")) << text;
  EXPECT_TRUE(contains(text, "    length_psi  ") || contains(text, "    length_psi ")) << text;
  EXPECT_TRUE(contains(text, "finish_reasons")) << text;

  const Json json = run_json({"drift", "support", "--windows", "2"});
  ASSERT_EQ(json["data"].size(), 2u);  // both arms
  const Json& canary = json["data"][0]["arm"] == "canary" ? json["data"][0] : json["data"][1];
  ASSERT_EQ(canary["windows"].size(), 2u);
  EXPECT_EQ(canary["windows"][0]["report"]["current_answers"], 60);
  EXPECT_TRUE(canary["windows"][1]["report"].is_null());  // nothing an hour earlier
  EXPECT_EQ(json["window_ms"], kHourMs);
}

TEST_F(MonitorCliDirect, MonitorStatusNeedsAServer) {
  const std::string error = error_of({"monitor", "status"});
  EXPECT_TRUE(contains(error, "monitor status needs a running server")) << error;
  EXPECT_TRUE(contains(error, "--server URL")) << error;
  EXPECT_TRUE(contains(error_of({"monitor", "evaluate"}), "needs a running server"));
  EXPECT_THROW(run({"monitor"}), CLI::ParseError);
}

TEST(MonitorCliText, StatusFromTheEvaluatorsJson) {
  mon::EvaluationSummary summary;
  summary.evaluated_ms = 1'800'000'000'000;
  summary.fired = 1;
  mon::SeriesStatus series;
  series.route = "support";
  series.version = "support/2";
  series.arm = "canary";
  summary.series.push_back(series);
  summary.errors.push_back("support/3: store down");
  Json status = mon::evaluation_summary_to_json(summary);
  status["judge"] = {{"judge", "grader"}, {"sampled", 9},       {"scored", 7},
                     {"unparsable", 1},   {"failed", 1},        {"dropped", 0},
                     {"pairs_judged", 2}, {"pairs_dropped", 0}, {"queued", 3},
                     {"in_flight", 1}};
  status["active_alerts"] = Json::array();

  const std::string text = render_monitor_status(status);
  EXPECT_TRUE(contains(text,
                       "last evaluated 2027-01-15T08:00:00Z: fired 1, refreshed 0, "
                       "resolved 0\n"))
      << text;
  EXPECT_TRUE(contains(text, "judge: grader\n  answers: sampled 9 scored 7 unparsable 1")) << text;
  EXPECT_TRUE(contains(text, "  queue: 3 queued, 1 in flight\n")) << text;
  EXPECT_TRUE(contains(text, "  ROUTE    VERSION    ARM     DRIFT  QUALITY\n")) << text;
  EXPECT_TRUE(contains(text, "  support  support/2  canary  -      -\n")) << text;
  EXPECT_TRUE(contains(text, "active alerts:\n  No alerts.\n")) << text;
  EXPECT_TRUE(contains(text, "error: support/3: store down\n")) << text;

  EXPECT_EQ(render_monitor_status(Json::object()).substr(0, 18), "not evaluated yet\n");
  EXPECT_TRUE(contains(render_evaluation(status), "evaluated 2027-01-15T08:00:00Z: fired 1"));
}

TEST(MonitorCliText, CutTextCountsCharacters) {
  EXPECT_EQ(cut_text("short", 10), "short");
  EXPECT_EQ(cut_text("exactly10!", 10), "exactly10!");
  EXPECT_EQ(cut_text("longer than ten", 10), "longer th…");
  EXPECT_EQ(cut_text("ééééé", 3), "éé…");
  EXPECT_EQ(cut_text("abc", 0), "");
}

}  // namespace
}  // namespace slipway::app::monitor_cli
