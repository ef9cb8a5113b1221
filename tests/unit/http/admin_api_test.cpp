// AdminApi::handle called directly, with a real Registry on a fresh SQLite store and a fake
// ModelLoader: every endpoint of docs/admin-api.md, its statuses and its errors.
#include "http/admin/admin_api.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <mutex>

#include "registry/registry.h"
#include "store/store.h"
#include "test_dir.h"

namespace slipway::http {
namespace {

namespace fs = std::filesystem;
using backends::ApiError;
using backends::Json;
using boost::beast::http::verb;

class FakeLoader : public ModelLoader {
 public:
  Json list() override {
    std::lock_guard lock(mutex);
    Json data = Json::array();
    for (const auto& [name, entry] : served) data.push_back(entry);
    return Json{{"object", "list"},
                {"data", data},
                {"memory_budget_bytes", 1000},
                {"memory_used_bytes", 10 * served.size()}};
  }
  Json load(const Json& body, const std::string& actor) override {
    std::lock_guard lock(mutex);
    if (fail) throw *fail;
    const std::string version = body.at("version").get<std::string>();
    const std::string name = body.value("name", version.substr(0, version.find_first_of("/@")));
    Json entry{{"name", name}, {"version", version}, {"memory_bytes", 10}};
    served[name] = entry;
    actors.push_back(actor);
    return entry;
  }
  void unload(const std::string& name, const std::string& actor) override {
    std::lock_guard lock(mutex);
    if (served.erase(name) == 0) {
      throw ApiError::not_found("The model `" + name + "` is not served.", "model_not_found");
    }
    actors.push_back(actor);
  }

  std::mutex mutex;
  std::map<std::string, Json> served;
  std::vector<std::string> actors;
  std::optional<ApiError> fail;
};

class AdminApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::fresh_test_dir("http", "admin_api");
    store_ = store::Store::open_data_dir((dir_ / "data").string());
    registry_ = std::make_unique<registry::Registry>(*store_);
    loader_ = std::make_shared<FakeLoader>();
    api_ = std::make_unique<AdminApi>(registry_.get(), loader_);
  }

  AdminResponse call(verb method, const std::string& path, Json body = nullptr,
                     std::map<std::string, std::string> query = {},
                     const std::string& actor = "tester") {
    AdminRequest request;
    request.method = method;
    request.path = path;
    request.query = std::move(query);
    request.body = std::move(body);
    request.actor = actor;
    return api_->handle(request);
  }

  // A tiny embedded model folder: config.json and some safetensors bytes.
  fs::path model_folder(const std::string& name, const std::string& weights = "weights-1") {
    const fs::path folder = dir_ / name;
    fs::create_directories(folder);
    std::ofstream(folder / "config.json") << R"({"model_type": "llama"})";
    std::ofstream(folder / "model.safetensors", std::ios::binary) << weights;
    return folder;
  }

  Json register_body(const fs::path& folder, std::optional<std::string> label = {}) {
    Json body{{"source", {{"kind", "embedded"}, {"path", folder.string()}}}};
    if (label) body["label"] = *label;
    return body;
  }

  // Registers a version of `model` from a fresh folder; returns its JSON.
  Json register_version(const std::string& model, const std::string& label) {
    const auto folder = model_folder(model + "-" + label, "weights of " + label);
    auto res =
        call(verb::post, "/admin/v1/models/" + model + "/versions", register_body(folder, label));
    EXPECT_EQ(res.status, 201) << res.body.dump();
    return res.body["version"];
  }

  static std::string code(const AdminResponse& res) {
    const Json& c = res.body["error"]["code"];
    return c.is_string() ? c.get<std::string>() : c.dump();
  }
  static std::string param(const AdminResponse& res) {
    const Json& p = res.body["error"]["param"];
    return p.is_string() ? p.get<std::string>() : "";
  }
  static std::string message(const AdminResponse& res) {
    return res.body["error"]["message"].get<std::string>();
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<registry::Registry> registry_;
  std::shared_ptr<FakeLoader> loader_;
  std::unique_ptr<AdminApi> api_;
};

// Models --------------------------------------------------------------------------------------

TEST_F(AdminApiTest, CreateListAndGetModels) {
  auto empty = call(verb::get, "/admin/v1/models");
  EXPECT_EQ(empty.status, 200);
  EXPECT_EQ(empty.body["object"], "list");
  EXPECT_TRUE(empty.body["data"].empty());

  auto created = call(verb::post, "/admin/v1/models",
                      Json{{"name", "support"}, {"description", "d"}, {"tags", {{"team", "x"}}}});
  ASSERT_EQ(created.status, 201) << created.body.dump();
  EXPECT_EQ(created.body["name"], "support");
  EXPECT_EQ(created.body["description"], "d");
  EXPECT_EQ(created.body["tags"]["team"], "x");
  EXPECT_EQ(created.body["creator"], "tester");

  auto list = call(verb::get, "/admin/v1/models/");  // a trailing slash is the same path
  EXPECT_EQ(list.status, 200);
  ASSERT_EQ(list.body["data"].size(), 1u);
  EXPECT_EQ(list.body["data"][0]["name"], "support");

  auto one = call(verb::get, "/admin/v1/models/support");
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.body["version_count"], 0);

  auto again = call(verb::post, "/admin/v1/models", Json{{"name", "support"}});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(code(again), "model_exists");
}

TEST_F(AdminApiTest, CreateModelBodyErrorsNameTheField) {
  auto missing = call(verb::post, "/admin/v1/models", Json::object());
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(param(missing), "name");

  auto wrong_type = call(verb::post, "/admin/v1/models", Json{{"name", 3}});
  EXPECT_EQ(wrong_type.status, 422);
  EXPECT_EQ(param(wrong_type), "name");

  auto bad_tag = call(verb::post, "/admin/v1/models", Json{{"name", "m"}, {"tags", {{"k", 1}}}});
  EXPECT_EQ(bad_tag.status, 422);
  EXPECT_EQ(param(bad_tag), "tags.k");

  auto unknown = call(verb::post, "/admin/v1/models", Json{{"name", "m"}, {"colour", "red"}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(param(unknown), "colour");
  EXPECT_NE(message(unknown).find("colour"), std::string::npos);

  auto no_body = call(verb::post, "/admin/v1/models");
  EXPECT_EQ(no_body.status, 400);
  auto array_body = call(verb::post, "/admin/v1/models", Json::array());
  EXPECT_EQ(array_body.status, 422);

  auto bad_name = call(verb::post, "/admin/v1/models", Json{{"name", "bad name!"}});
  EXPECT_EQ(bad_name.status, 400);
  EXPECT_EQ(bad_name.body["error"]["type"], "invalid_request_error");
}

TEST_F(AdminApiTest, UnknownModelIs404ModelNotFound) {
  for (const std::string path :
       {"/admin/v1/models/nope", "/admin/v1/models/nope/versions",
        "/admin/v1/models/nope/versions/1", "/admin/v1/models/nope/aliases",
        "/admin/v1/models/nope/aliases/production", "/admin/v1/models/nope/history"}) {
    auto res = call(verb::get, path);
    EXPECT_EQ(res.status, 404) << path;
    EXPECT_EQ(res.body["error"]["type"], "not_found_error") << path;
    EXPECT_EQ(code(res), "model_not_found") << path;
  }
}

// Versions ------------------------------------------------------------------------------------

TEST_F(AdminApiTest, RegisterGetAndListVersions) {
  const auto folder = model_folder("v1");
  Json body = register_body(folder, "first");
  body["params"] = {{"lora_r", 16}};
  body["metrics"] = {{"val_loss", 0.5}};
  body["tags"] = {{"dataset", "d1"}};
  body["description"] = "the first";
  body["dataset"] = "export-1";
  auto created = call(verb::post, "/admin/v1/models/support/versions", body);
  ASSERT_EQ(created.status, 201) << created.body.dump();
  EXPECT_EQ(created.body["created"], true);
  const Json& v = created.body["version"];
  EXPECT_EQ(v["ref"], "support/1");
  EXPECT_EQ(v["label"], "first");
  EXPECT_EQ(v["stage"], "candidate");
  EXPECT_EQ(v["creator"], "tester");
  EXPECT_EQ(v["params"]["lora_r"], 16);
  EXPECT_EQ(v["metrics"]["val_loss"], 0.5);
  EXPECT_EQ(v["dataset"], "export-1");
  EXPECT_EQ(v["artifacts"].size(), 2u);

  // reuse_identical: the same bytes give the same version, 200 and created:false.
  Json reuse = register_body(folder);
  reuse["reuse_identical"] = true;
  auto reused = call(verb::post, "/admin/v1/models/support/versions", reuse);
  EXPECT_EQ(reused.status, 200) << reused.body.dump();
  EXPECT_EQ(reused.body["created"], false);
  EXPECT_EQ(reused.body["version"]["version"], 1);

  register_version("support", "second");

  auto by_number = call(verb::get, "/admin/v1/models/support/versions/1");
  EXPECT_EQ(by_number.status, 200);
  EXPECT_EQ(by_number.body["label"], "first");
  auto by_label = call(verb::get, "/admin/v1/models/support/versions/second");
  EXPECT_EQ(by_label.status, 200);
  EXPECT_EQ(by_label.body["version"], 2);

  auto list = call(verb::get, "/admin/v1/models/support/versions");
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(list.body["object"], "list");
  EXPECT_EQ(list.body["data"].size(), 2u);

  auto tagged = call(verb::get, "/admin/v1/models/support/versions", nullptr, {{"tag", "dataset"}});
  EXPECT_EQ(tagged.body["data"].size(), 1u);
  auto tag_value =
      call(verb::get, "/admin/v1/models/support/versions", nullptr, {{"tag", "dataset=d2"}});
  EXPECT_EQ(tag_value.body["data"].size(), 0u);
  auto staging =
      call(verb::get, "/admin/v1/models/support/versions", nullptr, {{"stage", "staging"}});
  EXPECT_EQ(staging.body["data"].size(), 0u);
  auto bad_stage =
      call(verb::get, "/admin/v1/models/support/versions", nullptr, {{"stage", "shiny"}});
  EXPECT_EQ(bad_stage.status, 400);
  EXPECT_EQ(param(bad_stage), "stage");
  auto bad_query = call(verb::get, "/admin/v1/models/support/versions", nullptr, {{"sort", "x"}});
  EXPECT_EQ(bad_query.status, 400);
  EXPECT_EQ(param(bad_query), "sort");

  auto model = call(verb::get, "/admin/v1/models/support");
  EXPECT_EQ(model.body["version_count"], 2);
  EXPECT_EQ(model.body["latest_version"], 2);
}

TEST_F(AdminApiTest, UnknownVersionIs404VersionNotFound) {
  register_version("support", "first");
  for (const std::string ref : {"7", "no-such-label"}) {
    auto res = call(verb::get, "/admin/v1/models/support/versions/" + ref);
    EXPECT_EQ(res.status, 404) << ref;
    EXPECT_EQ(code(res), "version_not_found") << ref;
  }
  auto history = call(verb::get, "/admin/v1/models/support/history", nullptr, {{"version", "9"}});
  EXPECT_EQ(history.status, 404);
  EXPECT_EQ(code(history), "version_not_found");
}

TEST_F(AdminApiTest, RegisterBodyErrorsNameTheField) {
  const auto folder = model_folder("bad");
  const std::string path = "/admin/v1/models/support/versions";

  auto missing_source = call(verb::post, path, Json{{"label", "x"}});
  EXPECT_EQ(missing_source.status, 400);
  EXPECT_EQ(param(missing_source), "source");

  auto source_not_object = call(verb::post, path, Json{{"source", "folder"}});
  EXPECT_EQ(source_not_object.status, 422);
  EXPECT_EQ(param(source_not_object), "source");

  Json unknown = register_body(folder);
  unknown["weights"] = "x";
  unknown["model"] = "y";
  auto unknown_res = call(verb::post, path, unknown);
  EXPECT_EQ(unknown_res.status, 400);
  EXPECT_NE(message(unknown_res).find("`weights`"), std::string::npos) << message(unknown_res);
  EXPECT_NE(message(unknown_res).find("`model`"), std::string::npos) << message(unknown_res);

  Json unknown_source = register_body(folder);
  unknown_source["source"]["folder"] = "x";
  auto unknown_source_res = call(verb::post, path, unknown_source);
  EXPECT_EQ(unknown_source_res.status, 400);
  EXPECT_EQ(param(unknown_source_res), "source.folder");

  Json wrong_label = register_body(folder);
  wrong_label["label"] = 5;
  auto wrong_label_res = call(verb::post, path, wrong_label);
  EXPECT_EQ(wrong_label_res.status, 422);
  EXPECT_EQ(param(wrong_label_res), "label");

  Json wrong_params = register_body(folder);
  wrong_params["params"] = Json::array();
  auto wrong_params_res = call(verb::post, path, wrong_params);
  EXPECT_EQ(wrong_params_res.status, 422);
  EXPECT_EQ(param(wrong_params_res), "params");

  Json wrong_reuse = register_body(folder);
  wrong_reuse["reuse_identical"] = "yes";
  auto wrong_reuse_res = call(verb::post, path, wrong_reuse);
  EXPECT_EQ(wrong_reuse_res.status, 422);
  EXPECT_EQ(param(wrong_reuse_res), "reuse_identical");

  auto bad_kind = call(verb::post, path, Json{{"source", {{"kind", "magic"}}}});
  EXPECT_EQ(bad_kind.status, 400);
  EXPECT_EQ(param(bad_kind), "source.kind");

  auto no_path = call(verb::post, path, Json{{"source", {{"kind", "embedded"}}}});
  EXPECT_EQ(no_path.status, 400);
  EXPECT_EQ(param(no_path), "source.path");

  auto relative =
      call(verb::post, path, Json{{"source", {{"kind", "embedded"}, {"path", "models/x"}}}});
  EXPECT_EQ(relative.status, 400);
  EXPECT_EQ(param(relative), "source.path");

  auto url_on_embedded = call(
      verb::post, path,
      Json{{"source", {{"kind", "embedded"}, {"path", folder.string()}, {"url", "http://x"}}}});
  EXPECT_EQ(url_on_embedded.status, 400);
  EXPECT_EQ(param(url_on_embedded), "source.url");

  auto lora_without_base =
      call(verb::post, path, Json{{"source", {{"kind", "lora"}, {"path", folder.string()}}}});
  EXPECT_EQ(lora_without_base.status, 400);
  EXPECT_EQ(param(lora_without_base), "source.base");

  // The registry's own checks: a folder that does not exist is 400.
  auto missing_folder =
      call(verb::post, path,
           Json{{"source", {{"kind", "embedded"}, {"path", (dir_ / "none").string()}}}});
  EXPECT_EQ(missing_folder.status, 400);

  // A parent that does not exist is 404.
  Json orphan = register_body(folder);
  orphan["parent"] = "support/42";
  auto orphan_res = call(verb::post, path, orphan);
  EXPECT_EQ(orphan_res.status, 404);
  EXPECT_EQ(code(orphan_res), "version_not_found");

  EXPECT_EQ(call(verb::get, "/admin/v1/models").body["data"].size(), 0u);
}

TEST_F(AdminApiTest, RegisterUpstreamSource) {
  auto res = call(verb::post, "/admin/v1/models/remote/versions",
                  Json{{"label", "gpu"},
                       {"source",
                        {{"kind", "upstream"},
                         {"url", "http://gpu:8000/v1"},
                         {"upstream_model", "llama"},
                         {"api_key_env", "GPU_KEY"}}}});
  ASSERT_EQ(res.status, 201) << res.body.dump();
  EXPECT_EQ(res.body["version"]["source"]["url"], "http://gpu:8000/v1");
  EXPECT_EQ(res.body["version"]["source"]["api_key_env"], "GPU_KEY");

  auto with_path =
      call(verb::post, "/admin/v1/models/remote/versions",
           Json{{"source", {{"kind", "upstream"}, {"url", "http://g/v1"}, {"path", "/tmp"}}}});
  EXPECT_EQ(with_path.status, 400);
  EXPECT_EQ(param(with_path), "source.path");
}

TEST_F(AdminApiTest, LabelConflictIs409) {
  register_version("support", "first");
  auto res = call(verb::post, "/admin/v1/models/support/versions",
                  register_body(model_folder("other", "other bytes"), "first"));
  EXPECT_EQ(res.status, 409);
  EXPECT_EQ(code(res), "label_taken");
  EXPECT_NE(message(res).find("first"), std::string::npos);
}

// Verification --------------------------------------------------------------------------------

TEST_F(AdminApiTest, VerifyAndIntegrityConflict) {
  register_version("support", "first");
  auto fast = call(verb::post, "/admin/v1/models/support/versions/1/verify");
  EXPECT_EQ(fast.status, 200) << fast.body.dump();
  EXPECT_EQ(fast.body["ok"], true);
  auto full =
      call(verb::post, "/admin/v1/models/support/versions/first/verify", Json{{"mode", "full"}});
  EXPECT_EQ(full.status, 200);
  EXPECT_EQ(full.body["files_hashed"], 2);

  auto bad_mode =
      call(verb::post, "/admin/v1/models/support/versions/1/verify", Json{{"mode", "quick"}});
  EXPECT_EQ(bad_mode.status, 400);
  EXPECT_EQ(param(bad_mode), "mode");

  // Change the weights' bytes (same size, so only the hash can tell).
  std::ofstream(dir_ / "support-first" / "model.safetensors", std::ios::binary)
      << "weights of fffff";
  auto changed =
      call(verb::post, "/admin/v1/models/support/versions/1/verify", Json{{"mode", "full"}});
  EXPECT_EQ(changed.status, 409) << changed.body.dump();
  EXPECT_EQ(code(changed), "artifact_changed");
  EXPECT_NE(message(changed).find("model.safetensors"), std::string::npos) << message(changed);

  auto missing = call(verb::post, "/admin/v1/models/support/versions/3/verify");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(code(missing), "version_not_found");
}

// Stages --------------------------------------------------------------------------------------

TEST_F(AdminApiTest, StageChangesFollowTheRules) {
  register_version("support", "first");
  const std::string path = "/admin/v1/models/support/versions/1/stage";

  auto skip = call(verb::put, path, Json{{"stage", "production"}, {"reason", "yolo"}});
  EXPECT_EQ(skip.status, 409);
  EXPECT_EQ(code(skip), "stage_rule");

  auto staging = call(verb::put, path, Json{{"stage", "staging"}, {"reason", "canary"}});
  EXPECT_EQ(staging.status, 200) << staging.body.dump();
  EXPECT_EQ(staging.body["stage"], "staging");

  auto no_reason = call(verb::put, path, Json{{"stage", "production"}});
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(param(no_reason), "reason");
  auto bad_stage = call(verb::put, path, Json{{"stage", "gold"}, {"reason", "r"}});
  EXPECT_EQ(bad_stage.status, 400);
  EXPECT_EQ(param(bad_stage), "stage");
  auto wrong_type = call(verb::put, path, Json{{"stage", 1}, {"reason", "r"}});
  EXPECT_EQ(wrong_type.status, 422);
  EXPECT_EQ(param(wrong_type), "stage");
  auto extra = call(verb::put, path, Json{{"stage", "staging"}, {"reason", "r"}, {"by", "me"}});
  EXPECT_EQ(extra.status, 400);
  EXPECT_EQ(param(extra), "by");

  auto archived = call(verb::put, "/admin/v1/models/support/versions/first/stage",
                       Json{{"stage", "archived"}, {"reason", "old"}});
  EXPECT_EQ(archived.status, 200);
  // An archived version is not loadable: an alias to it is refused.
  auto alias = call(verb::put, "/admin/v1/models/support/aliases/production", Json{{"version", 1}});
  EXPECT_EQ(alias.status, 409);
  EXPECT_EQ(code(alias), "version_archived");
  auto verify = call(verb::post, "/admin/v1/models/support/versions/1/verify");
  EXPECT_EQ(verify.status, 409);
  EXPECT_EQ(code(verify), "version_archived");
}

// Aliases -------------------------------------------------------------------------------------

TEST_F(AdminApiTest, AliasesSetGetListAndDelete) {
  register_version("support", "first");
  register_version("support", "second");

  auto set = call(verb::put, "/admin/v1/models/support/aliases/production",
                  Json{{"version", 1}, {"reason", "launch"}});
  ASSERT_EQ(set.status, 200) << set.body.dump();
  EXPECT_EQ(set.body["version"], 1);
  EXPECT_EQ(set.body["aliases"], Json::array({"production"}));

  auto moved = call(verb::put, "/admin/v1/models/support/aliases/production",
                    Json{{"version", "2"}});  // a numeric string is a version too
  EXPECT_EQ(moved.status, 200) << moved.body.dump();
  EXPECT_EQ(moved.body["version"], 2);

  auto list = call(verb::get, "/admin/v1/models/support/aliases");
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(list.body, Json({{"production", 2}}));

  auto get = call(verb::get, "/admin/v1/models/support/aliases/production");
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body["label"], "second");

  auto unknown = call(verb::get, "/admin/v1/models/support/aliases/canary");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(code(unknown), "alias_not_found");

  auto to_missing =
      call(verb::put, "/admin/v1/models/support/aliases/canary", Json{{"version", 9}});
  EXPECT_EQ(to_missing.status, 404);
  EXPECT_EQ(code(to_missing), "version_not_found");

  auto bad_version =
      call(verb::put, "/admin/v1/models/support/aliases/canary", Json{{"version", "two"}});
  EXPECT_EQ(bad_version.status, 400);
  EXPECT_EQ(param(bad_version), "version");
  auto wrong_type =
      call(verb::put, "/admin/v1/models/support/aliases/canary", Json{{"version", 1.5}});
  EXPECT_EQ(wrong_type.status, 422);
  EXPECT_EQ(param(wrong_type), "version");
  auto no_version =
      call(verb::put, "/admin/v1/models/support/aliases/canary", Json{{"reason", "r"}});
  EXPECT_EQ(no_version.status, 400);
  EXPECT_EQ(param(no_version), "version");
  auto bad_alias = call(verb::put, "/admin/v1/models/support/aliases/b d", Json{{"version", 1}});
  EXPECT_EQ(bad_alias.status, 400);

  auto deleted = call(verb::delete_, "/admin/v1/models/support/aliases/production", nullptr,
                      {{"reason", "rollback"}});
  EXPECT_EQ(deleted.status, 200);
  EXPECT_EQ(deleted.body, Json({{"deleted", true}}));
  auto again = call(verb::delete_, "/admin/v1/models/support/aliases/production");
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(code(again), "alias_not_found");
  EXPECT_TRUE(call(verb::get, "/admin/v1/models/support/aliases").body.empty());
}

// History and diff ----------------------------------------------------------------------------

TEST_F(AdminApiTest, HistoryRecordsTheActor) {
  register_version("support", "first");
  call(verb::put, "/admin/v1/models/support/aliases/production",
       Json{{"version", 1}, {"reason", "launch"}}, {}, "alice");
  call(verb::put, "/admin/v1/models/support/versions/1/stage",
       Json{{"stage", "staging"}, {"reason", "canary"}}, {}, "bob");

  auto all = call(verb::get, "/admin/v1/models/support/history");
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(all.body["object"], "list");
  std::map<std::string, Json> by_kind;
  for (const auto& event : all.body["data"]) by_kind[event["kind"]] = event;
  EXPECT_EQ(by_kind["registered"]["actor"], "tester");
  EXPECT_EQ(by_kind["alias_set"]["actor"], "alice");
  EXPECT_EQ(by_kind["alias_set"]["reason"], "launch");
  EXPECT_EQ(by_kind["stage"]["actor"], "bob");
  EXPECT_EQ(by_kind["stage"]["to"], "staging");

  auto one = call(verb::get, "/admin/v1/models/support/history", nullptr, {{"version", "1"}});
  EXPECT_EQ(one.status, 200);
  for (const auto& event : one.body["data"]) EXPECT_EQ(event["version"], 1);

  auto bad = call(verb::get, "/admin/v1/models/support/history", nullptr, {{"version", "x"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(param(bad), "version");
}

TEST_F(AdminApiTest, Diff) {
  register_version("support", "first");
  register_version("support", "second");
  call(verb::put, "/admin/v1/models/support/aliases/production", Json{{"version", 2}});

  auto diff =
      call(verb::get, "/admin/v1/diff", nullptr, {{"a", "support/1"}, {"b", "support@production"}});
  ASSERT_EQ(diff.status, 200) << diff.body.dump();
  EXPECT_EQ(diff.body["a"], "support/1");
  EXPECT_EQ(diff.body["b"], "support/2");
  EXPECT_EQ(diff.body["identical_content"], false);

  auto missing_b = call(verb::get, "/admin/v1/diff", nullptr, {{"a", "support/1"}});
  EXPECT_EQ(missing_b.status, 400);
  EXPECT_EQ(param(missing_b), "b");
  auto bad_ref = call(verb::get, "/admin/v1/diff", nullptr, {{"a", "support/1"}, {"b", "@@"}});
  EXPECT_EQ(bad_ref.status, 400);
  EXPECT_EQ(param(bad_ref), "b");
  auto unknown_version =
      call(verb::get, "/admin/v1/diff", nullptr, {{"a", "support/1"}, {"b", "support/9"}});
  EXPECT_EQ(unknown_version.status, 404);
  EXPECT_EQ(code(unknown_version), "version_not_found");
  auto unknown_model =
      call(verb::get, "/admin/v1/diff", nullptr, {{"a", "support/1"}, {"b", "other/1"}});
  EXPECT_EQ(unknown_model.status, 404);
  EXPECT_EQ(code(unknown_model), "model_not_found");
}

// Served models -------------------------------------------------------------------------------

TEST_F(AdminApiTest, ServedModelsGoThroughTheLoader) {
  auto empty = call(verb::get, "/admin/v1/served");
  EXPECT_EQ(empty.status, 200);
  EXPECT_EQ(empty.body["memory_budget_bytes"], 1000);

  auto loaded =
      call(verb::post, "/admin/v1/served", Json{{"version", "support@production"}}, {}, "alice");
  EXPECT_EQ(loaded.status, 201);
  EXPECT_EQ(loaded.body["name"], "support");
  EXPECT_EQ(call(verb::get, "/admin/v1/served").body["data"].size(), 1u);

  auto no_version = call(verb::post, "/admin/v1/served", Json{{"name", "x"}});
  EXPECT_EQ(no_version.status, 400);
  EXPECT_EQ(param(no_version), "version");
  auto wrong_name = call(verb::post, "/admin/v1/served", Json{{"version", "a/1"}, {"name", 1}});
  EXPECT_EQ(wrong_name.status, 422);
  EXPECT_EQ(param(wrong_name), "name");
  auto extra = call(verb::post, "/admin/v1/served", Json{{"version", "a/1"}, {"gpu", 1}});
  EXPECT_EQ(extra.status, 400);
  EXPECT_EQ(param(extra), "gpu");

  loader_->fail =
      ApiError{409, "over budget", "invalid_request_error", {}, "memory_budget_exceeded"};
  auto over = call(verb::post, "/admin/v1/served", Json{{"version", "big/1"}});
  EXPECT_EQ(over.status, 409);
  EXPECT_EQ(code(over), "memory_budget_exceeded");
  EXPECT_EQ(message(over), "over budget");
  loader_->fail.reset();

  auto unloaded = call(verb::delete_, "/admin/v1/served/support", nullptr, {}, "bob");
  EXPECT_EQ(unloaded.status, 200);
  EXPECT_EQ(unloaded.body, Json({{"deleted", true}}));
  auto not_served = call(verb::delete_, "/admin/v1/served/support");
  EXPECT_EQ(not_served.status, 404);
  EXPECT_EQ(code(not_served), "model_not_found");
  EXPECT_EQ(loader_->actors, (std::vector<std::string>{"alice", "bob"}));
}

class ThrowingLoader : public FakeLoader {
 public:
  Json load(const Json&, const std::string&) override {
    if (kind == 0) {
      throw registry::RegistryError(registry::RegistryError::Code::Integrity,
                                    "model.safetensors changed");
    }
    if (kind == 1) {
      throw store::StoreError(store::StoreError::Kind::Conflict, "database is locked");
    }
    if (kind == 2) throw store::StoreError(store::StoreError::Kind::Other, "secret detail");
    if (kind == 3) return Json::parse("{\"a\": 1}").at("missing");
    throw std::runtime_error("secret detail");
  }
  int kind = 0;
};

TEST_F(AdminApiTest, ExceptionsBecomeErrors) {
  auto loader = std::make_shared<ThrowingLoader>();
  AdminApi api(registry_.get(), loader);
  AdminRequest request;
  request.method = verb::post;
  request.path = "/admin/v1/served";
  request.body = Json{{"version", "m/1"}};

  loader->kind = 0;
  auto integrity = api.handle(request);
  EXPECT_EQ(integrity.status, 409);
  EXPECT_EQ(integrity.body["error"]["code"], "artifact_changed");

  loader->kind = 1;
  auto busy = api.handle(request);
  EXPECT_EQ(busy.status, 503);
  EXPECT_NE(busy.body["error"]["message"].get<std::string>().find("retry"), std::string::npos);

  loader->kind = 2;
  auto store_failed = api.handle(request);
  EXPECT_EQ(store_failed.status, 500);
  EXPECT_EQ(store_failed.body.dump().find("secret"), std::string::npos);

  loader->kind = 3;
  auto json_error = api.handle(request);
  EXPECT_EQ(json_error.status, 422);

  loader->kind = 4;
  auto failed = api.handle(request);
  EXPECT_EQ(failed.status, 500);
  EXPECT_EQ(failed.body["error"]["type"], "server_error");
  EXPECT_EQ(failed.body.dump().find("secret"), std::string::npos);
}

// Paths, methods and configuration ------------------------------------------------------------

TEST_F(AdminApiTest, UnknownPathIs404AndWrongMethodIs405) {
  for (const std::string path : {"/admin/v1", "/admin/v1/nothing", "/admin/v1/models/a/b",
                                 "/admin/v1/models/a/versions/1/stage/x", "/admin/v1/served/a/b"}) {
    auto res = call(verb::get, path);
    EXPECT_EQ(res.status, 404) << path;
    EXPECT_EQ(res.body["error"]["type"], "not_found_error") << path;
  }
  auto wrong = call(verb::delete_, "/admin/v1/models");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.allow, "GET, POST");
  EXPECT_EQ(code(wrong), "method_not_allowed");
  EXPECT_EQ(call(verb::get, "/admin/v1/models/m/versions/1/stage").allow, "PUT");
  EXPECT_EQ(call(verb::patch, "/admin/v1/models/m/aliases/prod").allow, "GET, PUT, DELETE");
  EXPECT_EQ(call(verb::post, "/admin/v1/diff").allow, "GET");
  EXPECT_EQ(call(verb::get, "/admin/v1/served/x").allow, "DELETE");
}

TEST_F(AdminApiTest, MissingRegistryOrLoaderIs503) {
  AdminApi no_registry(nullptr, loader_);
  AdminRequest request;
  request.path = "/admin/v1/models";
  auto res = no_registry.handle(request);
  EXPECT_EQ(res.status, 503);
  EXPECT_NE(res.body["error"]["message"].get<std::string>().find("registry is not configured"),
            std::string::npos);
  request.path = "/admin/v1/served";
  EXPECT_EQ(no_registry.handle(request).status, 200);

  AdminApi no_loader(registry_.get(), nullptr);
  EXPECT_EQ(no_loader.handle(request).status, 503);
  request.path = "/admin/v1/models";
  EXPECT_EQ(no_loader.handle(request).status, 200);
  request.path = "/admin/v1/nothing";
  EXPECT_EQ(no_loader.handle(request).status, 404);
}

}  // namespace
}  // namespace slipway::http
