// Scope names as users type them and as lists print them.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "auth/api_key.h"

namespace slipway::auth {
namespace {

struct ParsedScopes {
  std::string text;
  Scopes scopes;
};

TEST(AuthScopes, ParsesEveryListInAnyOrderWithSpaces) {
  const std::vector<ParsedScopes> cases = {
      {"inference", 1},
      {"feedback", 2},
      {"admin", 4},
      {"inference,feedback", 3},
      {"admin,inference", 5},
      {" admin , feedback ", 6},
      {"admin,feedback,inference", 7},
      {"inference,inference", 1},
  };
  for (const ParsedScopes& c : cases) EXPECT_EQ(parse_scopes(c.text), c.scopes) << c.text;
}

TEST(AuthScopes, RefusesUnknownAndEmptyScopesNamingThem) {
  for (const std::string text :
       {"", "root", "inference,", ",admin", "Inference", "admin;feedback"}) {
    EXPECT_THROW(parse_scopes(text), std::invalid_argument) << '"' << text << '"';
  }
  try {
    parse_scopes("inference,root");
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("root"), std::string::npos) << e.what();
  }
}

TEST(AuthScopes, PrintsInAFixedOrderAndRoundTrips) {
  EXPECT_EQ(scopes_text(kAllScopes), "inference,feedback,admin");
  EXPECT_EQ(scopes_text(5), "inference,admin");
  EXPECT_EQ(scopes_text(2), "feedback");
  EXPECT_EQ(scopes_text(0), "");
  for (Scopes scopes = 1; scopes <= kAllScopes; ++scopes) {
    EXPECT_EQ(parse_scopes(scopes_text(scopes)), scopes) << int(scopes);
  }
}

TEST(AuthScopes, HasScopeTestsOneBit) {
  const Scopes inference_and_admin = 5;
  EXPECT_TRUE(has_scope(inference_and_admin, Scope::Inference));
  EXPECT_FALSE(has_scope(inference_and_admin, Scope::Feedback));
  EXPECT_TRUE(has_scope(inference_and_admin, Scope::Admin));
  EXPECT_EQ(scope_name(Scope::Feedback), "feedback");
}

}  // namespace
}  // namespace slipway::auth
