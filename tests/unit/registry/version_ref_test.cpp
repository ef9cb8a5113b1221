#include "registry/version_ref.h"

#include <gtest/gtest.h>

#include "registry/registry_error.h"

namespace slipway::registry {
namespace {

TEST(VersionRef, ParsesEveryForm) {
  auto number = parse_version_ref("demo/3");
  EXPECT_EQ(number.model, "demo");
  EXPECT_EQ(number.number, 3);
  EXPECT_FALSE(number.latest());

  auto alias = parse_version_ref("demo@production");
  EXPECT_EQ(alias.model, "demo");
  EXPECT_EQ(alias.alias, "production");

  auto label = parse_version_ref("demo/llama-3.2-1b-support-v3-20261129");
  EXPECT_EQ(label.label, "llama-3.2-1b-support-v3-20261129");
  EXPECT_FALSE(label.number);

  auto latest = parse_version_ref("demo");
  EXPECT_EQ(latest.model, "demo");
  EXPECT_TRUE(latest.latest());
}

TEST(VersionRef, ToStringRoundTrips) {
  for (const char* text : {"demo/3", "demo@production", "demo/my-label", "demo"}) {
    EXPECT_EQ(parse_version_ref(text).to_string(), text);
  }
}

TEST(VersionRef, RejectsMalformedRefsListingTheAcceptedForms) {
  for (const char* text :
       {"", "/3", "demo/", "demo@", "demo/0", "demo/a/b", "demo@x/1", ".demo", "demo/-x", "de mo",
        "demo@pro duction", "demo/99999999999999999999999"}) {
    try {
      parse_version_ref(text);
      ADD_FAILURE() << "accepted \"" << text << "\"";
    } catch (const RegistryError& e) {
      EXPECT_EQ(e.code(), RegistryError::Code::Invalid);
      const std::string message = e.what();
      EXPECT_NE(message.find("name/3"), std::string::npos) << message;
      EXPECT_NE(message.find("name@alias"), std::string::npos) << message;
      EXPECT_NE(message.find("name/label"), std::string::npos) << message;
    }
  }
}

TEST(VersionRef, LooksLikeARefOnlyWithASeparatorAndAValidParse) {
  EXPECT_TRUE(looks_like_version_ref("demo/3"));
  EXPECT_TRUE(looks_like_version_ref("demo@production"));
  EXPECT_FALSE(looks_like_version_ref("demo"));  // could be a folder name
  EXPECT_FALSE(looks_like_version_ref("./models/demo"));
  EXPECT_FALSE(looks_like_version_ref("/abs/models/demo"));
  EXPECT_FALSE(looks_like_version_ref("models/demo/v1"));
}

TEST(VersionRef, Validators) {
  EXPECT_TRUE(valid_model_name("Llama-3.2_1B"));
  EXPECT_FALSE(valid_model_name("-x"));
  EXPECT_FALSE(valid_model_name("a/b"));
  EXPECT_FALSE(valid_model_name(std::string(129, 'a')));
  EXPECT_TRUE(valid_model_name(std::string(128, 'a')));
  EXPECT_TRUE(valid_alias("production"));
  EXPECT_FALSE(valid_alias("prod@1"));
  EXPECT_TRUE(valid_label("v1"));
  EXPECT_FALSE(valid_label("123"));  // numbers name versions
  EXPECT_TRUE(valid_label("1.0"));
}

}  // namespace
}  // namespace slipway::registry
