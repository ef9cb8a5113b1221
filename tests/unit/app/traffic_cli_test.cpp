// `slipway routes|rollout|rollback` in-process on a SQLite data folder (direct mode: a traffic
// service with no models loaded and no controller), with upstream versions in its registry;
// their text forms; usage errors. The remote mode is covered by the e2e tests.
#include <gtest/gtest.h>

#include <functional>

#include "app/commands.h"
#include "app/data_location.h"
#include "app/traffic/render.h"
#include "backends/upstream_test_server.h"
#include "registry/registry.h"
#include "run_subcommand.h"
#include "test_dir.h"
#include "traffic/traffic_error.h"

namespace slipway::app::traffic {
namespace {

namespace fs = std::filesystem;
using ::slipway::traffic::TrafficError;

void register_traffic_commands(CLI::App& root) {
  register_routes_command(root);
  register_rollout_command(root);
  register_rollback_command(root);
}

// Runs `slipway WORDS` and returns what it printed on stdout.
std::string printed_by(const std::vector<std::string>& words) {
  ::testing::internal::CaptureStdout();
  try {
    run_subcommand(register_traffic_commands, words);
  } catch (...) {
    ::testing::internal::GetCapturedStdout();
    throw;
  }
  return ::testing::internal::GetCapturedStdout();
}

class TrafficCliDirect : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::fresh_test_dir("app", "traffic_cli");
    location_.data_dir = (dir_ / "data").string();
    auto store = open_store(location_);
    registry::Registry registry(*store);
    for (int i = 1; i <= 3; ++i) {
      registry::RegisterRequest request;
      request.model = "support";
      request.source.kind = registry::SourceKind::Upstream;
      request.source.url = "http://upstream.invalid/v1";
      request.tags = {{"n", std::to_string(i)}};  // distinct content per version
      request.actor = "test";
      registry.register_version(request);
    }
  }

  // Runs `slipway WORDS --data DIR` and returns what it printed on stdout.
  std::string run(std::vector<std::string> words) {
    words.insert(words.end(), {"--data", location_.data_dir});
    return printed_by(words);
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

  void create_route() { run({"routes", "create", "cs", "--stable", "support/1"}); }

  fs::path dir_;
  DataLocation location_;
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(TrafficCliDirect, CreateListShowUpdateDelete) {
  EXPECT_EQ(run({"routes", "list"}), "No routes.\n");
  EXPECT_EQ(run({"routes", "create", "cs", "--stable", "support/1", "--shadow", "support/3",
                 "--fallback", "support/2", "--reason", "first"}),
            "created cs: stable support/1, canary -, shadows support/3, fallback support/2\n");

  const std::string table = run({"routes", "list"});
  EXPECT_TRUE(contains(table, "ROUTE  STABLE     CANARY  SHADOWS    ROLLOUT\n")) << table;
  EXPECT_TRUE(contains(table, "cs     support/1  -       support/3  -\n")) << table;
  const Json list = run_json({"routes", "list"});
  ASSERT_EQ(list["data"].size(), 1u);
  EXPECT_EQ(list["data"][0]["stable"], "support/1");

  const std::string shown = run({"routes", "show", "cs"});
  EXPECT_TRUE(contains(shown, "stable:    support/1\n")) << shown;
  EXPECT_TRUE(contains(shown, "fallback:  support/2\n")) << shown;
  EXPECT_TRUE(contains(shown, "stable history (newest first):")) << shown;

  Json route = run_json({"routes", "update", "cs", "--shadow", "support/2", "--shadow", "support/3",
                         "--no-fallback"});
  EXPECT_EQ(route["shadows"], Json({"support/2", "support/3"}));
  EXPECT_TRUE(route["fallback"].is_null());
  route = run_json({"routes", "update", "cs", "--no-shadows"});
  EXPECT_TRUE(route["shadows"].empty());

  EXPECT_EQ(run({"routes", "delete", "cs"}), "deleted route cs\n");
  EXPECT_EQ(run({"routes", "list"}), "No routes.\n");
  EXPECT_TRUE(contains(error_of({"routes", "show", "cs"}), "No route named \"cs\"."));
}

TEST_F(TrafficCliDirect, CreateRefusesUnknownVersionsAndDuplicates) {
  create_route();
  EXPECT_TRUE(contains(error_of({"routes", "create", "cs", "--stable", "support/2"}), "exists"));
  EXPECT_FALSE(error_of({"routes", "create", "cs2", "--stable", "support/9"}).empty());
  EXPECT_FALSE(error_of({"routes", "create", "bad name", "--stable", "support/1"}).empty());
}

TEST_F(TrafficCliDirect, EventsAreNewestFirstAndLimited) {
  create_route();
  run({"routes", "update", "cs", "--shadow", "support/2", "--reason", "mirror it"});
  const Json events = run_json({"routes", "events", "cs"});
  ASSERT_EQ(events["data"].size(), 2u);
  EXPECT_EQ(events["data"][0]["kind"], "route_updated");
  EXPECT_EQ(events["data"][1]["kind"], "route_created");
  EXPECT_EQ(events["data"][0]["actor"], cli_actor());
  EXPECT_EQ(run_json({"routes", "events", "cs", "--limit", "1"})["data"].size(), 1u);

  const std::string text = run({"routes", "events", "cs"});
  EXPECT_TRUE(contains(text, "TIME ")) << text;
  EXPECT_TRUE(contains(text, "  route_updated  " + cli_actor() + "  mirror it\n")) << text;
}

TEST_F(TrafficCliDirect, RolloutStartsWithItsStepsAndRefusesBadOnes) {
  create_route();
  EXPECT_TRUE(contains(error_of({"rollout", "start", "cs", "--canary", "support/1", "--force"}),
                       "stable version already"));
  try {
    run({"rollout", "start", "cs", "--canary", "support/2", "--steps", "0,150", "--force"});
    ADD_FAILURE() << "weights outside 0-100 were accepted";
  } catch (const TrafficError& e) {
    EXPECT_EQ(static_cast<int>(e.code()), static_cast<int>(TrafficError::Code::Invalid))
        << e.what();
  }

  const Json started =
      run_json({"rollout", "start", "cs", "--canary", "support/2", "--steps", "10,50,100",
                "--min-duration", "1h", "--min-requests", "5", "--force", "--reason", "go"});
  EXPECT_EQ(started["state"], "running");
  EXPECT_EQ(started["step"], 0);
  EXPECT_EQ(started["weight_percent"], 10.0);
  EXPECT_EQ(started["plan"]["steps"].size(), 3u);

  EXPECT_TRUE(contains(error_of({"rollout", "start", "cs", "--canary", "support/3", "--force"}),
                       "already has a rollout"));

  const std::string status = run({"rollout", "status", "cs"});
  EXPECT_TRUE(contains(status, "state:    running\n")) << status;
  EXPECT_TRUE(contains(
      status, "step:     1/3 at 10% (plan 10%, 50%, 100%; at least 1h and 5 requests per arm)\n"))
      << status;
  EXPECT_TRUE(contains(status, "GATE ")) << status;
  EXPECT_TRUE(contains(status, "error_rate")) << status;
  EXPECT_TRUE(contains(status, "rollout_started")) << status;

  const std::string table = run({"routes", "list"});
  EXPECT_TRUE(contains(table, "support/2 at 10%")) << table;
  EXPECT_TRUE(contains(table, "running, step 1/3")) << table;
}

TEST_F(TrafficCliDirect, RolloutStartWithoutForceSaysToUseTheServer) {
  create_route();
  const std::string error = error_of({"rollout", "start", "cs", "--canary", "support/2"});
  EXPECT_TRUE(contains(error, "--server")) << error;
  EXPECT_TRUE(run_json({"routes", "show", "cs"})["canary"].is_null());
}

TEST_F(TrafficCliDirect, PauseResumeAbortAndPromote) {
  create_route();
  run({"rollout", "start", "cs", "--canary", "support/2", "--force"});
  EXPECT_EQ(run_json({"rollout", "pause", "cs", "--reason", "look first"})["state"], "paused");
  EXPECT_TRUE(contains(run({"rollout", "status", "cs"}), "state:    paused (look first)\n"));
  EXPECT_EQ(run_json({"rollout", "resume", "cs"})["state"], "running");
  EXPECT_EQ(run_json({"rollout", "abort", "cs", "--reason", "changed my mind"})["state"],
            "aborted");
  EXPECT_TRUE(run_json({"routes", "show", "cs"})["canary"].is_null());
  EXPECT_TRUE(contains(error_of({"rollout", "pause", "cs"}), "no rollout in progress"));

  run({"rollout", "start", "cs", "--canary", "support/2", "--steps", "50,100", "--force"});
  EXPECT_EQ(run_json({"rollout", "promote", "cs"})["state"], "completed");
  EXPECT_EQ(run_json({"routes", "show", "cs"})["stable"], "support/2");
}

TEST_F(TrafficCliDirect, RollbackNeedsForceHereAndGoesBack) {
  create_route();
  EXPECT_TRUE(contains(error_of({"rollback", "cs", "--force"}), "no previous stable version"));
  run({"rollout", "start", "cs", "--canary", "support/2", "--steps", "50,100", "--force"});
  run({"rollout", "promote", "cs"});

  const std::string refused = error_of({"rollback", "cs"});
  EXPECT_TRUE(contains(refused, "--server")) << refused;
  EXPECT_TRUE(contains(refused, "--force")) << refused;
  EXPECT_EQ(run_json({"routes", "show", "cs"})["stable"], "support/2");

  const std::string done = run({"rollback", "cs", "--force", "--reason", "bad answers"});
  EXPECT_TRUE(contains(done, "cs: support/2 -> support/1 (switched in ")) << done;
  EXPECT_EQ(run_json({"routes", "show", "cs"})["stable"], "support/1");

  const Json to = run_json({"rollback", "cs", "--to", "support/3", "--force"});
  EXPECT_EQ(to["rolled_back_from"], "support/1");
  EXPECT_EQ(to["stable"], "support/3");
  int rollbacks = 0;
  const Json events = run_json({"routes", "events", "cs"});
  for (const Json& event : events["data"]) rollbacks += event["kind"] == "rollback" ? 1 : 0;
  EXPECT_EQ(rollbacks, 2);
}

TEST_F(TrafficCliDirect, UsageErrorsAreParseErrors) {
  create_route();
  EXPECT_THROW(run({"rollout", "start", "cs"}), CLI::ParseError);  // no --canary
  EXPECT_THROW(run({"rollout", "start", "cs", "--canary", "support/2", "--on-gate-fail", "x"}),
               CLI::ParseError);
  EXPECT_THROW(run({"rollout", "start", "cs", "--canary", "support/2", "--min-duration", "soon"}),
               CLI::ParseError);
  EXPECT_THROW(run({"rollout", "start", "cs", "--canary", "support/2", "--steps", "5,x"}),
               CLI::ParseError);
  EXPECT_THROW(run({"routes", "events", "cs", "--limit", "0"}), CLI::ParseError);
  EXPECT_THROW(run({"routes", "update", "cs"}), CLI::ParseError);  // nothing to change
  EXPECT_THROW(run({"routes", "update", "cs", "--shadow", "support/2", "--no-shadows"}),
               CLI::ParseError);
  EXPECT_THROW(run({"routes", "create", "x"}), CLI::ParseError);  // no --stable
  EXPECT_THROW(run({"rollback"}), CLI::ParseError);
  EXPECT_THROW(run({"rollout", "promote"}), CLI::ParseError);
}

TEST(TrafficCliFlags, ServerAndDataDoNotMix) {
  EXPECT_THROW(run_subcommand(register_traffic_commands,
                              {"routes", "list", "--server", "http://127.0.0.1:1", "--data", "x"}),
               std::invalid_argument);
}

// Remote mode against a scripted server: the admin API's methods, paths and bodies, the key,
// and the server's error message as the error.
TEST(TrafficCliRemote, CallsTheAdminApiAndPrintsItsAnswers) {
  using backends::testing::SeenRequest;
  using backends::testing::write_response;
  backends::testing::TestServer server([](auto& socket, const SeenRequest& seen) {
    const std::string call = seen.method + " " + seen.target;
    if (call == "POST /admin/v1/routes/cs/rollback") {
      return write_response(socket, 200,
                            R"({"name":"cs","stable":"support/1","rolled_back_from":"support/2",)"
                            R"("switch_ms":3.21})");
    }
    if (call == "POST /admin/v1/routes/cs/rollout/pause") {
      return write_response(
          socket, 409,
          R"({"error":{"message":"Route \"cs\" has no rollout in progress.","code":"conflict"}})");
    }
    if (call == "PATCH /admin/v1/routes/cs")
      return write_response(socket, 200, R"({"name":"cs","stable":"support/1","shadows":[]})");
    if (call == "DELETE /admin/v1/routes/cs") return write_response(socket, 204, "");
    if (call == "GET /admin/v1/routes/cs/events?limit=5")
      return write_response(socket, 200, R"({"object":"list","data":[]})");
    return write_response(socket, 404, R"({"error":{"message":"no such path"}})");
  });
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  const std::vector<std::string> remote = {"--server", url, "--api-key", "k"};
  const auto words = [&remote](std::vector<std::string> words) {
    words.insert(words.end(), remote.begin(), remote.end());
    return words;
  };

  EXPECT_EQ(printed_by(words({"rollback", "cs", "--force", "--reason", "bad"})),
            "cs: support/2 -> support/1 (switched in 3.2 ms)\n");
  EXPECT_EQ(printed_by(words({"routes", "update", "cs", "--no-fallback"})),
            "updated cs: stable support/1, canary -, shadows -, fallback -\n");
  EXPECT_EQ(printed_by(words({"routes", "delete", "cs"})), "deleted route cs\n");
  EXPECT_EQ(printed_by(words({"routes", "events", "cs", "--limit", "5"})), "No events.\n");
  try {
    printed_by(words({"rollout", "pause", "cs"}));
    ADD_FAILURE() << "the server's 409 was not an error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "Route \"cs\" has no rollout in progress.");
  }

  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(Json::parse(seen[0].body), Json({{"force", true}, {"reason", "bad"}}));
  EXPECT_EQ(seen[0].authorization, "Bearer k");
  EXPECT_EQ(Json::parse(seen[1].body), Json({{"fallback", nullptr}}));
  EXPECT_EQ(Json::parse(seen[4].body), Json::object());
}

TEST(TrafficCliRender, RollbackLineAndPercents) {
  EXPECT_EQ(render_rollback({{"name", "customer-support"},
                             {"stable", "support/3"},
                             {"rolled_back_from", "support/4"},
                             {"switch_ms", 12.4}}),
            "customer-support: support/4 -> support/3 (switched in 12 ms)\n");
  EXPECT_EQ(format_percent(5), "5%");
  EXPECT_EQ(format_percent(12.5), "12.5%");
  EXPECT_EQ(format_percent(0.01), "0.01%");
}

TEST(TrafficCliRender, StatusShowsEachGateInItsUnit) {
  const Json status = {{"id", 7},
                       {"route", "cs"},
                       {"stable", "support/1"},
                       {"canary", "support/2"},
                       {"state", "paused"},
                       {"reason", "p95 latency missed"},
                       {"step", 1},
                       {"plan",
                        {{"steps",
                          {{{"weight", 5}, {"min_duration", "10m"}, {"min_requests", 100}},
                           {{"weight", 20}, {"min_duration", "30m"}, {"min_requests", 100}},
                           {{"weight", 100}, {"min_duration", "10m"}, {"min_requests", 100}}}}}},
                       {"weight_percent", 20},
                       {"decision",
                        {{"kind", "wait"},
                         {"reason", "paused"},
                         {"gates",
                          {{{"name", "p95_latency"},
                            {"status", "fail"},
                            {"stable", 1.0},
                            {"canary", 1.5},
                            {"threshold", 1.2}},
                           {{"name", "error_rate"},
                            {"status", "pass"},
                            {"stable", 0.01},
                            {"canary", 0.005},
                            {"threshold", 0.015}},
                           {{"name", "satisfaction"},
                            {"status", "not_tracked"},
                            {"stable", nullptr},
                            {"canary", nullptr},
                            {"threshold", nullptr}}}}}}};
  const std::string text = render_rollout_status(status);
  EXPECT_TRUE(contains(text, "rollout:  7 on cs: support/1 -> support/2\n")) << text;
  EXPECT_TRUE(contains(
      text, "step:     2/3 at 20% (plan 5%, 20%, 100%; at least 30m and 100 requests per arm)\n"))
      << text;
  EXPECT_TRUE(contains(text, "p95_latency   1.000 s  1.500 s  <= 1.200 s  fail\n")) << text;
  EXPECT_TRUE(contains(text, "error_rate    1.00%    0.50%    <= 1.50%    pass\n")) << text;
  EXPECT_TRUE(contains(text, "satisfaction  -        -        -           not tracked\n")) << text;
}

}  // namespace
}  // namespace slipway::app::traffic
