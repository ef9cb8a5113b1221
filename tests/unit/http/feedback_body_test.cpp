// parse_feedback_body: what POST /v1/feedback accepts, and the status and field of each error.
#include "http/feedback_body.h"

#include <gtest/gtest.h>

namespace slipway::http {
namespace {

using backends::ApiError;
using backends::Json;
using feedback::RatingSubmission;

RatingSubmission accepted(const Json& body, std::string_view header_user = {}) {
  auto parsed = parse_feedback_body(body.dump(), header_user);
  if (auto* error = std::get_if<ApiError>(&parsed)) {
    ADD_FAILURE() << body.dump() << ": " << error->message;
    return {};
  }
  return std::get<RatingSubmission>(parsed);
}

ApiError rejected(std::string_view text) {
  auto parsed = parse_feedback_body(text, "");
  if (auto* error = std::get_if<ApiError>(&parsed)) return *error;
  ADD_FAILURE() << text << " was accepted";
  return {};
}

TEST(FeedbackBody, AFullSubmission) {
  const auto sub = accepted({{"id", "chatcmpl-1"},
                             {"rating", -1},
                             {"task_completed", false},
                             {"comment", "wrong"},
                             {"user", "u1"},
                             {"choice_index", 1}},
                            "header-user");
  EXPECT_EQ(sub.response_id, "chatcmpl-1");
  EXPECT_TRUE(sub.rating.given);
  EXPECT_EQ(sub.rating.value, -1);
  EXPECT_TRUE(sub.task_completed.given);
  EXPECT_EQ(sub.task_completed.value, false);
  EXPECT_EQ(sub.comment.value, "wrong");
  EXPECT_EQ(sub.user, "u1");
  EXPECT_EQ(sub.choice_index, 1);
}

TEST(FeedbackBody, AbsentNullAndDefaults) {
  const auto sub = accepted({{"id", "a"}, {"rating", nullptr}}, "from-header");
  EXPECT_TRUE(sub.rating.given);
  EXPECT_FALSE(sub.rating.value);
  EXPECT_FALSE(sub.task_completed.given);
  EXPECT_FALSE(sub.comment.given);
  EXPECT_EQ(sub.user, "from-header");
  EXPECT_EQ(sub.choice_index, 0);
  EXPECT_EQ(accepted({{"id", "a"}, {"comment", nullptr}}).user, "");
  const auto only_comment = accepted({{"id", "a"}, {"comment", "hm"}});
  EXPECT_TRUE(only_comment.comment.given);
  EXPECT_FALSE(only_comment.rating.given);
  EXPECT_EQ(accepted({{"id", "a"}, {"task_completed", true}}).task_completed.value, true);
  EXPECT_EQ(accepted({{"id", "a"}, {"rating", 1}, {"choice_index", 127}}).choice_index, 127);
  EXPECT_EQ(accepted({{"id", std::string(256, 'i')}, {"rating", 1}}).response_id.size(), 256u);
  EXPECT_EQ(accepted({{"id", "a"}, {"comment", std::string(4096, 'c')}}).comment.value->size(),
            4096u);
}

TEST(FeedbackBody, MalformedJsonIs400) {
  for (const std::string text : {"", "{", "{\"id\": \"a\" \"rating\": 1}", "{\"id\": \"\xc3\"}"}) {
    EXPECT_EQ(rejected(text).status, 400) << text;
  }
}

TEST(FeedbackBody, EveryBadFieldIs422NamingIt) {
  struct Case {
    Json body;
    std::string param;
  };
  const std::vector<Case> cases{
      {Json::array(), ""},
      {"text", ""},
      {{{"rating", 1}}, "id"},
      {{{"id", ""}, {"rating", 1}}, "id"},
      {{{"id", nullptr}, {"rating", 1}}, "id"},
      {{{"id", 7}, {"rating", 1}}, "id"},
      {{{"id", std::string(257, 'i')}, {"rating", 1}}, "id"},
      {{{"id", "a"}, {"rating", 0}}, "rating"},
      {{{"id", "a"}, {"rating", 2}}, "rating"},
      {{{"id", "a"}, {"rating", -2}}, "rating"},
      {{{"id", "a"}, {"rating", 1.5}}, "rating"},
      {{{"id", "a"}, {"rating", 1.0}}, "rating"},
      {{{"id", "a"}, {"rating", "1"}}, "rating"},
      {{{"id", "a"}, {"rating", true}}, "rating"},
      {{{"id", "a"}, {"task_completed", 1}}, "task_completed"},
      {{{"id", "a"}, {"task_completed", "yes"}}, "task_completed"},
      {{{"id", "a"}, {"comment", 5}}, "comment"},
      {{{"id", "a"}, {"comment", std::string(4097, 'c')}}, "comment"},
      {{{"id", "a"}, {"rating", 1}, {"user", 3}}, "user"},
      {{{"id", "a"}, {"rating", 1}, {"user", std::string(257, 'u')}}, "user"},
      {{{"id", "a"}, {"rating", 1}, {"choice_index", -1}}, "choice_index"},
      {{{"id", "a"}, {"rating", 1}, {"choice_index", 128}}, "choice_index"},
      {{{"id", "a"}, {"rating", 1}, {"choice_index", 0.5}}, "choice_index"},
      {{{"id", "a"}, {"rating", 1}, {"choice_index", "0"}}, "choice_index"},
      {{{"id", "a"}}, "rating"},
      {{{"id", "a"}, {"user", "u"}}, "rating"},
      {{{"id", "a"}, {"rating", 1}, {"score", 5}}, "score"},
  };
  for (const auto& c : cases) {
    const ApiError error = rejected(c.body.dump());
    EXPECT_EQ(error.status, 422) << c.body.dump();
    EXPECT_EQ(error.param, c.param) << c.body.dump() << ": " << error.message;
  }
}

TEST(FeedbackBody, TheCommentLimitIsInTheMessage) {
  const ApiError error = rejected(Json{{"id", "a"}, {"comment", std::string(5000, 'c')}}.dump());
  EXPECT_NE(error.message.find("4096"), std::string::npos) << error.message;
}

}  // namespace
}  // namespace slipway::http
