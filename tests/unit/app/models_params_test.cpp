// The key=value flags of `slipway models register`.
#include <gtest/gtest.h>

#include <fstream>

#include "app/models/key_values.h"
#include "test_dir.h"

namespace slipway::app::models {
namespace {

using registry::Json;

TEST(ModelsParams, ValuesThatAreJsonAreParsed) {
  EXPECT_EQ(parse_param_value("0.0002"), Json(0.0002));
  EXPECT_EQ(parse_param_value("16"), Json(16));
  EXPECT_TRUE(parse_param_value("16").is_number_integer());
  EXPECT_EQ(parse_param_value("true"), Json(true));
  EXPECT_TRUE(parse_param_value("null").is_null());
  EXPECT_EQ(parse_param_value("[1,2]"), Json::parse("[1,2]"));
  EXPECT_EQ(parse_param_value(R"({"a":1})"), Json::parse(R"({"a":1})"));
  EXPECT_EQ(parse_param_value(R"("quoted")"), Json("quoted"));
}

TEST(ModelsParams, OtherValuesStayText) {
  EXPECT_EQ(parse_param_value("llama-3.2-1b"), Json("llama-3.2-1b"));
  EXPECT_EQ(parse_param_value("007"), Json("007"));  // not JSON: leading zero
  EXPECT_EQ(parse_param_value(""), Json(""));
  EXPECT_EQ(parse_param_value("True"), Json("True"));
  EXPECT_EQ(parse_param_value("[1,"), Json("[1,"));
  EXPECT_EQ(parse_param_value("a=b"), Json("a=b"));
}

TEST(ModelsParams, SplitAtTheFirstEquals) {
  EXPECT_EQ(split_key_value("k=v=w", "--param"), (std::pair<std::string, std::string>{"k", "v=w"}));
  EXPECT_EQ(split_key_value("k=", "--param"), (std::pair<std::string, std::string>{"k", ""}));
  EXPECT_THROW(split_key_value("novalue", "--param"), std::invalid_argument);
  EXPECT_THROW(split_key_value("=v", "--tag"), std::invalid_argument);
  try {
    split_key_value("x", "--metric");
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("--metric takes key=value"), std::string::npos);
  }
}

TEST(ModelsParams, FlagsOverrideTheFile) {
  const auto dir = test::fresh_test_dir("app", "params");
  const auto file = dir / "params.json";
  std::ofstream(file) << R"({"base_model": "llama-3.2-1b", "lora_r": 8, "epochs": 3})";
  const Json params = build_params(file.string(), {"lora_r=16", "learning_rate=2e-4", "note=hi"});
  EXPECT_EQ(params["base_model"], "llama-3.2-1b");
  EXPECT_EQ(params["lora_r"], 16);
  EXPECT_EQ(params["epochs"], 3);
  EXPECT_DOUBLE_EQ(params["learning_rate"].get<double>(), 2e-4);
  EXPECT_EQ(params["note"], "hi");
}

TEST(ModelsParams, FilesMustHoldObjects) {
  const auto dir = test::fresh_test_dir("app", "params");
  std::ofstream(dir / "list.json") << "[1, 2]";
  std::ofstream(dir / "bad.json") << "{nope";
  EXPECT_THROW(build_params((dir / "list.json").string(), {}), std::invalid_argument);
  EXPECT_THROW(build_params((dir / "bad.json").string(), {}), std::invalid_argument);
  EXPECT_THROW(build_params((dir / "missing.json").string(), {}), std::invalid_argument);
}

TEST(ModelsParams, MetricsAreNumbers) {
  const Json metrics = build_metrics("", {"val_loss=1.25", "eval_accuracy=0.9", "steps=1000"});
  EXPECT_DOUBLE_EQ(metrics["val_loss"].get<double>(), 1.25);
  EXPECT_EQ(metrics["steps"], 1000);
  EXPECT_THROW(build_metrics("", {"val_loss=low"}), std::invalid_argument);
  EXPECT_THROW(build_metrics("", {"val_loss=\"1\""}), std::invalid_argument);
  const auto dir = test::fresh_test_dir("app", "params");
  std::ofstream(dir / "metrics.json") << R"({"val_loss": "x"})";
  EXPECT_THROW(build_metrics((dir / "metrics.json").string(), {}), std::invalid_argument);
}

TEST(ModelsParams, TagsAreText) {
  const Json tags = build_tags({"team=support", "lora_r=16"});
  EXPECT_EQ(tags["team"], "support");
  EXPECT_EQ(tags["lora_r"], "16");
}

}  // namespace
}  // namespace slipway::app::models
