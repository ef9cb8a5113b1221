// Who a request's caller is, and what holds it: keys, scopes and per-key limits.
#include "http/request_guards.h"

#include <gtest/gtest.h>

#include "http/server.h"

namespace slipway::http {
namespace {

TEST(RequestGuards, WithoutAnyKeyTheLocalUserPassesUnlimited) {
  RequestGuards guards;
  ServerOptions options;
  options.key_max_streams = 1;
  options.key_requests_per_minute = 1;
  const auto checked = authorize(guards, options, std::nullopt, auth::Scope::Admin);
  const auto* caller = std::get_if<Caller>(&checked);
  ASSERT_NE(caller, nullptr);
  EXPECT_EQ(caller->name, "local");
  // The defaults are for keys: two requests at once and in a row all pass.
  auto first = lease_stream(guards, *caller);
  auto second = lease_stream(guards, *caller);
  EXPECT_TRUE(std::holds_alternative<auth::StreamCounter::Lease>(first));
  EXPECT_TRUE(std::holds_alternative<auth::StreamCounter::Lease>(second));
  EXPECT_FALSE(admit_request(guards, *caller));
  EXPECT_FALSE(admit_request(guards, *caller));
}

TEST(RequestGuards, TheBootstrapKeyGetsTheServerDefaults) {
  RequestGuards guards;
  ServerOptions options;
  options.api_key = "secret";
  options.key_max_streams = 1;
  EXPECT_TRUE(std::holds_alternative<backends::ApiError>(
      authorize(guards, options, std::nullopt, auth::Scope::Inference)));
  const auto checked = authorize(guards, options, "Bearer secret", auth::Scope::Inference);
  const auto* caller = std::get_if<Caller>(&checked);
  ASSERT_NE(caller, nullptr);
  auto first = lease_stream(guards, *caller);
  ASSERT_TRUE(std::holds_alternative<auth::StreamCounter::Lease>(first));
  const auto second = lease_stream(guards, *caller);
  ASSERT_TRUE(std::holds_alternative<backends::ApiError>(second));
  EXPECT_EQ(std::get<backends::ApiError>(second).status, 429);
}

}  // namespace
}  // namespace slipway::http
