// The admin API's small parsers: percent-decoding of targets and queries, and path patterns.
#include "http/admin/admin_paths.h"

#include <gtest/gtest.h>

#include "http/query_string.h"
#include "http/router.h"

namespace slipway::http {
namespace {

TEST(AdminPaths, PercentDecode) {
  EXPECT_EQ(percent_decode("a%20b%2Fc"), "a b/c");
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("%e2%9C%93"), "\xe2\x9c\x93");
  EXPECT_FALSE(percent_decode("%"));
  EXPECT_FALSE(percent_decode("a%2"));
  EXPECT_FALSE(percent_decode("%zz"));
  EXPECT_FALSE(percent_decode("%00"));
}

TEST(AdminPaths, ParseTarget) {
  auto target = parse_target("/admin/v1/diff?a=m%2F1&b=m%40prod&flag&=x&&c=1+2&c=3");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->path, "/admin/v1/diff");
  EXPECT_EQ(target->query.at("a"), "m/1");
  EXPECT_EQ(target->query.at("b"), "m@prod");
  EXPECT_EQ(target->query.at("flag"), "");
  EXPECT_EQ(target->query.at("c"), "3");  // the last one wins
  EXPECT_EQ(target->query.count(""), 0u);

  auto tag = parse_target("/x?tag=team=a%3Db");
  ASSERT_TRUE(tag);
  EXPECT_EQ(tag->query.at("tag"), "team=a=b");

  EXPECT_EQ(parse_target("/a%20b")->path, "/a b");
  EXPECT_TRUE(parse_target("/a")->query.empty());
  EXPECT_FALSE(parse_target("/a%zz"));
  EXPECT_FALSE(parse_target("/a?x=%zz"));
}

TEST(AdminPaths, MatchPath) {
  const std::string_view pattern = "/admin/v1/models/{name}/versions/{ref}/stage";
  auto params = match_path(pattern, "/admin/v1/models/support/versions/3/stage");
  ASSERT_TRUE(params);
  EXPECT_EQ(params->at("name"), "support");
  EXPECT_EQ(params->at("ref"), "3");
  EXPECT_FALSE(match_path(pattern, "/admin/v1/models/support/versions/3"));
  EXPECT_FALSE(match_path(pattern, "/admin/v1/models/support/versions/3/stage/x"));
  EXPECT_FALSE(match_path(pattern, "/admin/v1/models//versions/3/stage"));
  EXPECT_FALSE(match_path(pattern, "/admin/v1/model/support/versions/3/stage"));
  EXPECT_TRUE(match_path("/admin/v1/models", "/admin/v1/models"));
  EXPECT_TRUE(match_path("/admin/v1/models", "/admin/v1/models")->empty());
  EXPECT_FALSE(match_path("/admin/v1/models", "/admin/v1/models/x"));
  EXPECT_EQ(trim_trailing_slash("/admin/v1/models/"), "/admin/v1/models");
  EXPECT_EQ(trim_trailing_slash("/"), "/");
}

TEST(AdminPaths, RouterSendsEveryAdminPathToTheAdminRoute) {
  using boost::beast::http::verb;
  for (const auto* target :
       {"/admin/v1", "/admin/v1/", "/admin/v1/models?x=1", "/admin/v1/anything/at/all"}) {
    for (const verb method : {verb::get, verb::post, verb::put, verb::delete_, verb::patch}) {
      const auto match = match_route(method, target);
      ASSERT_TRUE(match.route) << target;
      EXPECT_EQ(*match.route, Route::Admin) << target;
      EXPECT_EQ(route_scope(*match.route), auth::Scope::Admin);
    }
  }
  EXPECT_FALSE(match_route(verb::get, "/admin/v1x").route);
  EXPECT_FALSE(match_route(verb::get, "/admin").route);
  EXPECT_FALSE(match_route(verb::get, "/admin/v2/models").route);
}

}  // namespace
}  // namespace slipway::http
