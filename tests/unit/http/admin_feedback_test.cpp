// The feedback endpoints of the admin API, called through AdminApi::handle with a real
// FeedbackLog on a fresh SQLite store (and a settable clock), plus the dataset download over a
// real socket: exports, rates, one answer, forgetting a user, retention, and their errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <sstream>

#include "feedback/prompt_key.h"
#include "feedback_test_support.h"

namespace slipway::http::test {
namespace {

using boost::beast::http::verb;
using feedback::LoggedAnswer;

constexpr int64_t kHour = 3600LL * 1000;
constexpr int64_t kDay = 24 * kHour;

class AdminFeedbackTest : public AdminFeedbackFixture {
 protected:
  void SetUp() override { open("admin_feedback", store::system_now_ms()); }

  // A chat answer to "2+2?" saying `content`, from `user`, created `age_ms` ago.
  void log_answer(const std::string& id, const std::string& content, const std::string& user,
                  int64_t age_ms = 0) {
    LoggedAnswer answer;
    answer.id = id;
    answer.route = "m";
    answer.version = "m-v1";
    answer.user = user;
    answer.request =
        Json{{"model", "m"}, {"messages", Json::array({{{"role", "user"}, {"content", "2+2?"}}})}};
    feedback::LoggedChoice choice;
    choice.output = Json{{"role", "assistant"}, {"content", content}};
    choice.finish_reason = "stop";
    answer.choices.push_back(choice);
    answer.created_ms = now_->load() - age_ms;
    ASSERT_TRUE(log_->log(std::move(answer)));
  }

  void rate(const std::string& id, int rating, const std::string& user = "rater") {
    feedback::RatingSubmission submission;
    submission.response_id = id;
    submission.user = user;
    submission.rating = feedback::Patch<int>::set(rating);
    submission.task_completed = feedback::Patch<bool>::set(rating > 0);
    ASSERT_EQ(log_->submit_and_wait(submission).status, feedback::SubmitResult::Status::Recorded);
  }

  // One liked and one disliked answer to the same prompt: one DPO row, two KTO rows.
  void liked_and_disliked() {
    log_answer("chatcmpl-good", "4", "alice");
    log_answer("chatcmpl-bad", "5", "bob");
    rate("chatcmpl-good", 1);
    rate("chatcmpl-bad", -1);
  }

  static std::string code(const AdminResponse& res) {
    return res.body["error"]["code"].get<std::string>();
  }
  static std::string param(const AdminResponse& res) {
    return res.body["error"]["param"].get<std::string>();
  }
};

TEST_F(AdminFeedbackTest, ExportCreateListGetAndContent) {
  liked_and_disliked();
  auto created = call(verb::post, "/admin/v1/feedback/exports", {{"format", "dpo"}});
  ASSERT_EQ(created.status, 201) << created.body.dump();
  const std::string id = created.body["id"];
  EXPECT_EQ(id.rfind("dpo-", 0), 0u) << id;
  EXPECT_EQ(created.body["object"], "feedback.export");
  EXPECT_EQ(created.body["rows"], 1);
  EXPECT_EQ(created.body["actor"], "tester");
  EXPECT_EQ(created.body["summary"]["rows"], 1);

  auto list = call(verb::get, "/admin/v1/feedback/exports");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body["object"], "list");
  ASSERT_EQ(list.body["data"].size(), 1u);
  EXPECT_EQ(list.body["data"][0]["id"], id);

  auto record = call(verb::get, "/admin/v1/feedback/exports/" + id);
  ASSERT_EQ(record.status, 200);
  EXPECT_EQ(record.body["sha256"], created.body["sha256"]);

  auto content = call(verb::get, "/admin/v1/feedback/exports/" + id + "/content");
  ASSERT_EQ(content.status, 200);
  ASSERT_TRUE(content.raw_body);
  EXPECT_EQ(content.content_type, "application/x-ndjson");
  EXPECT_EQ(content.headers["x-slipway-export-sha256"], created.body["sha256"]);
  EXPECT_EQ(feedback::sha256_hex(*content.raw_body), created.body["sha256"]);
  EXPECT_EQ(content.headers["content-disposition"], "attachment; filename=\"" + id + ".jsonl\"");
  std::istringstream lines(*content.raw_body);
  std::string line;
  ASSERT_TRUE(std::getline(lines, line));
  const Json row = Json::parse(line);
  EXPECT_EQ(row["prompt"], Json::array({{{"role", "user"}, {"content", "2+2?"}}}));
  EXPECT_EQ(row["chosen"], Json::array({{{"role", "assistant"}, {"content", "4"}}}));
  EXPECT_EQ(row["rejected"], Json::array({{{"role", "assistant"}, {"content", "5"}}}));
}

TEST_F(AdminFeedbackTest, KtoExportWithFilters) {
  liked_and_disliked();
  auto created = call(verb::post, "/admin/v1/feedback/exports",
                      {{"format", "kto"},
                       {"route", "m"},
                       {"version", "m-v1"},
                       {"since", "1d"},
                       {"source", "user"},
                       {"with_metadata", true}});
  ASSERT_EQ(created.status, 201) << created.body.dump();
  EXPECT_EQ(created.body["rows"], 2);
  EXPECT_EQ(created.body["summary"]["desirable"], 1);
  EXPECT_EQ(created.body["summary"]["undesirable"], 1);
}

TEST_F(AdminFeedbackTest, AnExportWithNoRowsIsNotRecorded) {
  log_answer("chatcmpl-lonely", "4", "alice");
  auto created = call(verb::post, "/admin/v1/feedback/exports", {{"format", "dpo"}});
  ASSERT_EQ(created.status, 200) << created.body.dump();
  EXPECT_TRUE(created.body["id"].is_null());
  EXPECT_EQ(created.body["rows"], 0);
  EXPECT_FALSE(created.body["message"].get<std::string>().empty());
  EXPECT_EQ(created.body["summary"]["rows"], 0);
  EXPECT_TRUE(call(verb::get, "/admin/v1/feedback/exports").body["data"].empty());
}

TEST_F(AdminFeedbackTest, BadExportRequests) {
  auto bad_format = call(verb::post, "/admin/v1/feedback/exports", {{"format", "sft"}});
  EXPECT_EQ(bad_format.status, 422);
  EXPECT_EQ(param(bad_format), "format");
  auto bad_source =
      call(verb::post, "/admin/v1/feedback/exports", {{"format", "dpo"}, {"source", "crowd"}});
  EXPECT_EQ(bad_source.status, 422);
  EXPECT_EQ(param(bad_source), "source");
  auto bad_since =
      call(verb::post, "/admin/v1/feedback/exports", {{"format", "dpo"}, {"since", "yesterday"}});
  EXPECT_EQ(bad_since.status, 422);
  EXPECT_EQ(param(bad_since), "since");
  auto wrong_type =
      call(verb::post, "/admin/v1/feedback/exports", {{"format", "dpo"}, {"with_metadata", 1}});
  EXPECT_EQ(wrong_type.status, 422);
  EXPECT_EQ(param(wrong_type), "with_metadata");
  auto missing = call(verb::post, "/admin/v1/feedback/exports", Json::object());
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(param(missing), "format");
  auto unknown = call(verb::post, "/admin/v1/feedback/exports", {{"format", "dpo"}, {"rows", 5}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(param(unknown), "rows");

  auto no_export = call(verb::get, "/admin/v1/feedback/exports/dpo-nothing");
  EXPECT_EQ(no_export.status, 404);
  EXPECT_EQ(code(no_export), "export_not_found");
  EXPECT_EQ(call(verb::get, "/admin/v1/feedback/exports/dpo-nothing/content").status, 404);
  EXPECT_EQ(call(verb::get, "/admin/v1/feedback/exports", nullptr, {{"limit", "0"}}).status, 400);
  EXPECT_EQ(call(verb::delete_, "/admin/v1/feedback/exports").status, 405);
}

TEST_F(AdminFeedbackTest, Rates) {
  liked_and_disliked();
  log_answer("chatcmpl-old", "4", "carol", 2 * kDay);  // outside the default 24 hours
  auto rates = call(verb::get, "/admin/v1/feedback/rates", nullptr, {{"route", "m"}});
  ASSERT_EQ(rates.status, 200) << rates.body.dump();
  EXPECT_EQ(rates.body["object"], "list");
  ASSERT_EQ(rates.body["data"].size(), 1u);
  const Json& window = rates.body["data"][0];
  EXPECT_EQ(window["version"], "m-v1");
  EXPECT_EQ(window["answers"], 2);
  EXPECT_EQ(window["thumbs_up"], 1);
  EXPECT_EQ(window["thumbs_down"], 1);
  EXPECT_DOUBLE_EQ(window["thumbs_up_share"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(window["completion_rate"].get<double>(), 0.5);

  auto wider = call(verb::get, "/admin/v1/feedback/rates", nullptr,
                    {{"since", "3d"}, {"window", "1d"}, {"arm", "stable"}});
  ASSERT_EQ(wider.status, 200) << wider.body.dump();
  int64_t answers = 0;
  for (const auto& w : wider.body["data"]) answers += w["answers"].get<int64_t>();
  EXPECT_EQ(answers, 3);
  EXPECT_TRUE(call(verb::get, "/admin/v1/feedback/rates", nullptr, {{"route", "other"}})
                  .body["data"]
                  .empty());

  for (const auto& [name, value] : std::map<std::string, std::string>{
           {"since", "soon"}, {"until", "later"}, {"window", "0s"}}) {
    auto bad = call(verb::get, "/admin/v1/feedback/rates", nullptr, {{name, value}});
    EXPECT_EQ(bad.status, 422) << name;
    EXPECT_EQ(param(bad), name);
  }
  auto backwards =
      call(verb::get, "/admin/v1/feedback/rates", nullptr, {{"since", "1h"}, {"until", "2h"}});
  EXPECT_EQ(backwards.status, 422);
  EXPECT_EQ(param(backwards), "until");
  EXPECT_EQ(call(verb::get, "/admin/v1/feedback/rates", nullptr, {{"model", "m"}}).status, 400);
}

TEST_F(AdminFeedbackTest, OneResponse) {
  liked_and_disliked();
  auto response = call(verb::get, "/admin/v1/feedback/responses/chatcmpl-good");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.body["id"], "chatcmpl-good");
  EXPECT_EQ(response.body["user"], "alice");
  EXPECT_EQ(response.body["ratings"][0]["rating"], 1);
  auto missing = call(verb::get, "/admin/v1/feedback/responses/chatcmpl-none");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(code(missing), "response_not_found");
}

TEST_F(AdminFeedbackTest, ForgetAUser) {
  liked_and_disliked();
  auto forgotten = call(verb::delete_, "/admin/v1/feedback/users/alice");
  ASSERT_EQ(forgotten.status, 200) << forgotten.body.dump();
  EXPECT_EQ(forgotten.body["user"], "alice");
  EXPECT_EQ(forgotten.body["responses"], 1);
  EXPECT_EQ(forgotten.body["bodies"], 1);
  EXPECT_EQ(forgotten.body["ratings"], 1);
  EXPECT_EQ(call(verb::get, "/admin/v1/feedback/responses/chatcmpl-good").status, 404);
  EXPECT_EQ(call(verb::get, "/admin/v1/feedback/responses/chatcmpl-bad").status, 200);
  EXPECT_EQ(call(verb::delete_, "/admin/v1/feedback/users/nobody").body["responses"], 0);
}

TEST_F(AdminFeedbackTest, PurgeNow) {
  log_answer("chatcmpl-ancient", "4", "alice", 100 * kDay);
  log_answer("chatcmpl-recent", "4", "alice");
  auto purged = call(verb::post, "/admin/v1/feedback/purge");
  ASSERT_EQ(purged.status, 200) << purged.body.dump();
  EXPECT_EQ(purged.body["responses_expired"], 1);
  EXPECT_GE(purged.body["bodies_expired"].get<int64_t>(), 1);
  EXPECT_EQ(call(verb::get, "/admin/v1/feedback/responses/chatcmpl-ancient").status, 404);
  EXPECT_EQ(call(verb::get, "/admin/v1/feedback/responses/chatcmpl-recent").status, 200);
  EXPECT_EQ(call(verb::get, "/admin/v1/feedback/purge").status, 405);
}

TEST(AdminFeedbackWithoutLog, Is503) {
  AdminApi api(nullptr, nullptr);
  for (const auto& [method, path] :
       std::vector<std::pair<verb, std::string>>{{verb::get, "/admin/v1/feedback/exports"},
                                                 {verb::post, "/admin/v1/feedback/purge"},
                                                 {verb::get, "/admin/v1/feedback/rates"},
                                                 {verb::delete_, "/admin/v1/feedback/users/u"}}) {
    AdminRequest request;
    request.method = method;
    request.path = path;
    const auto res = api.handle(request);
    EXPECT_EQ(res.status, 503) << path;
    EXPECT_EQ(res.body["error"]["message"], "The feedback log is not configured on this server.");
  }
}

TEST_F(AdminFeedbackTest, TheDatasetDownloadsOverHttp) {
  liked_and_disliked();
  const std::string id =
      call(verb::post, "/admin/v1/feedback/exports", {{"format", "kto"}}).body["id"];
  TestServer server(TestServer::fast_options());
  server.server().set_admin_api(api_);
  auto download = fetch(server.port(), "GET", "/admin/v1/feedback/exports/" + id + "/content");
  ASSERT_EQ(download.status, 200) << download.body;
  EXPECT_EQ(download.headers["content-type"], "application/x-ndjson");
  EXPECT_EQ(download.headers["content-disposition"], "attachment; filename=\"" + id + ".jsonl\"");
  EXPECT_EQ(download.headers["x-slipway-export-sha256"], feedback::sha256_hex(download.body));
  EXPECT_EQ(std::count(download.body.begin(), download.body.end(), '\n'), 2);
  auto missing = fetch(server.port(), "GET", "/admin/v1/feedback/exports/kto-none/content");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.headers["content-type"], "application/json");
}

}  // namespace
}  // namespace slipway::http::test
