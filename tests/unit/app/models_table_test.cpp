// Text renderings of `slipway models`: the aligned tables and the human forms of records.
#include <gtest/gtest.h>

#include "app/models/format.h"
#include "app/models/render.h"
#include "app/models/table.h"

namespace slipway::app::models {
namespace {

using registry::Json;

TEST(ModelsTable, ColumnsAlignToTheWidestCell) {
  const std::string table =
      render_table({"VERSION", "LABEL", "STAGE"},
                   {{"1", "base-20261101", "production"}, {"12", "lora-r16", "candidate"}});
  EXPECT_EQ(table,
            "VERSION  LABEL          STAGE\n"
            "1        base-20261101  production\n"
            "12       lora-r16       candidate\n");
}

TEST(ModelsTable, NoTrailingSpacesAndShortRows) {
  const std::string table = render_table({"A", "B", "C"}, {{"x", "", ""}, {"y"}});
  EXPECT_EQ(table,
            "A  B  C\n"
            "x\n"
            "y\n");
}

TEST(ModelsTable, WidthCountsCharactersNotBytes) {
  EXPECT_EQ(display_width("züri"), 4u);
  const std::string table = render_table({"WHO", "X"}, {{"jörg", "1"}, {"al", "2"}});
  EXPECT_EQ(table,
            "WHO   X\n"
            "jörg  1\n"
            "al    2\n");
}

TEST(ModelsFormat, BytesTimesValues) {
  EXPECT_EQ(format_bytes(612), "612 B");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(int64_t{1288490189}), "1.2 GiB");
  EXPECT_EQ(format_time(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_time(1'795'947'845'678), "2026-11-29T10:24:05Z");
  EXPECT_EQ(format_value(Json()), "(none)");
  EXPECT_EQ(format_value(Json("x")), "x");
  EXPECT_EQ(format_value(Json("")), "\"\"");
  EXPECT_EQ(format_value(Json(0.0002)), "0.0002");
}

registry::Version sample_version() {
  registry::Version v;
  v.model = "demo";
  v.version = 3;
  v.label = "llama-3.2-1b-support-v3-20261129";
  v.source.kind = registry::SourceKind::Embedded;
  v.source.path = "/models/demo-v3";
  v.params = {{"base_model", "llama-3.2-1b"}, {"learning_rate", 0.0002}};
  v.metrics = {{"val_loss", 1.25}};
  v.tags = {{"team", "support"}};
  v.creator = "cli:alice";
  v.created_at_ms = 1'795'947'845'678;
  v.parent = "demo/2";
  v.artifacts = {{"config.json", 612, std::string(64, 'a'), 0},
                 {"model.safetensors", 1536, std::string(64, 'b'), 0}};
  v.aliases = {"production"};
  return v;
}

TEST(ModelsRender, RegisteredLine) {
  EXPECT_EQ(render_registered(sample_version(), true),
            "registered demo/3 (label llama-3.2-1b-support-v3-20261129, 2 files, 2.1 KiB)\n");
}

TEST(ModelsRender, ShowHasEveryField) {
  const std::string text = render_version(sample_version());
  for (const char* part :
       {"demo/3\n", "label:", "llama-3.2-1b-support-v3-20261129", "stage:        candidate",
        "aliases:      production", "created:      2026-11-29T10:24:05Z by cli:alice",
        "source:       embedded /models/demo-v3", "parent:     demo/2", "dataset:    (none)",
        "learning_rate: 0.0002", "val_loss: 1.25", "team: support", "artifacts: 2 files, 2.1 KiB",
        "model.safetensors", "bbbbbbbbbbbb"}) {
    EXPECT_NE(text.find(part), std::string::npos) << part << "\n" << text;
  }
  EXPECT_EQ(text.find(std::string(13, 'b')), std::string::npos) << "hashes are shortened";
}

TEST(ModelsRender, DiffAsKeyAToB) {
  const Json diff = Json::parse(R"({
    "a": "demo/1", "b": "demo/2",
    "params": {"learning_rate": {"a": 0.0002, "b": 0.0001}, "lora_r": {"a": 16, "b": null}},
    "metrics": {}, "tags": {"team": {"a": null, "b": "support"}},
    "artifacts": {"added": ["extra.bin"], "removed": [], "changed": ["model.safetensors"]},
    "lineage": {"parent": {"a": "", "b": "demo/1"}},
    "identical_content": false})");
  EXPECT_EQ(render_diff(diff),
            "demo/1 -> demo/2\n"
            "params:\n"
            "  learning_rate: 0.0002 -> 0.0001\n"
            "  lora_r: 16 -> (none)\n"
            "tags:\n"
            "  team: (none) -> support\n"
            "lineage:\n"
            "  parent: \"\" -> demo/1\n"
            "artifacts:\n"
            "  added: extra.bin\n"
            "  changed: model.safetensors\n"
            "content: differs\n");
  EXPECT_EQ(render_diff(Json::parse(R"({"a":"m/1","b":"m/2","identical_content":true})")),
            "m/1 -> m/2\nno differences\ncontent: identical\n");
}

TEST(ModelsRender, HistoryDetails) {
  registry::Event alias;
  alias.kind = "alias_set";
  alias.alias = "production";
  alias.from = "2";
  alias.to = "3";
  EXPECT_EQ(event_details(alias), "production: 2 -> 3");
  alias.from = "";
  EXPECT_EQ(event_details(alias), "production: 3");
  registry::Event stage;
  stage.kind = "stage";
  stage.version = 3;
  stage.from = "candidate";
  stage.to = "staging";
  stage.automatic = true;
  EXPECT_EQ(event_details(stage), "version 3: candidate -> staging (automatic)");
  stage.at_ms = 0;
  stage.actor = "cli:alice";
  stage.reason = "canary";
  EXPECT_EQ(render_history({stage}),
            "TIME                  ACTOR      EVENT  DETAILS                                    "
            "  REASON\n"
            "1970-01-01T00:00:00Z  cli:alice  stage  version 3: candidate -> staging (automatic)"
            "  canary\n");
}

}  // namespace
}  // namespace slipway::app::models
