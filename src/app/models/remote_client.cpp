// RemoteClient: the registry of a running `slipway serve`, through its admin API
// (docs/admin-api.md). Records travel in the JSON forms of registry/record_json.h.
#include <filesystem>
#include <memory>

#include "app/models/admin_client.h"
#include "app/models/registry_client.h"
#include "registry/record_json.h"
#include "registry/registry_error.h"
#include "registry/version_ref.h"

namespace slipway::app::models {
namespace {

using registry::Json;

const Json& list_data(const Json& answer) {
  if (!answer.is_object() || !answer.contains("data") || !answer["data"].is_array()) {
    throw std::runtime_error("the server's answer has no \"data\" list");
  }
  return answer["data"];
}

class RemoteClient : public RegistryClient {
 public:
  RemoteClient(const std::string& url, const std::string& api_key) : http_(url, api_key) {}

  registry::RegisterResult register_version(const registry::RegisterRequest& request) override {
    registry::Source source = request.source;
    // Paths are read by the server: send them absolute, as this shell means them.
    if (!source.path.empty()) source.path = std::filesystem::absolute(source.path);
    Json body = Json::object();
    if (request.label) body["label"] = *request.label;
    body["source"] = registry::to_json(source);
    body["params"] = request.params;
    body["metrics"] = request.metrics;
    body["tags"] = request.tags;
    if (!request.description.empty()) body["description"] = request.description;
    if (!request.git_commit.empty()) body["git_commit"] = request.git_commit;
    if (!request.parent.empty()) body["parent"] = request.parent;
    if (!request.dataset.empty()) body["dataset"] = request.dataset;
    if (request.reuse_identical) body["reuse_identical"] = true;
    const Json answer = http_.call("POST", model_path(request.model) + "/versions", body);
    registry::RegisterResult result;
    result.created = answer.value("created", true);
    result.version = registry::version_from_json(answer.at("version"));
    return result;
  }

  std::vector<registry::Model> list_models() override {
    std::vector<registry::Model> models;
    const Json answer = http_.call("GET", "/admin/v1/models");
    for (const auto& item : list_data(answer)) {
      models.push_back(registry::model_from_json(item));
    }
    return models;
  }

  registry::Model get_model(const std::string& name) override {
    return registry::model_from_json(http_.call("GET", model_path(name)));
  }

  std::vector<registry::Version> list_versions(const std::string& model,
                                               const registry::ListFilter& filter) override {
    std::string query;
    const auto add = [&query](const std::string& key, const std::string& value) {
      query += query.empty() ? "?" : "&";
      query += key + "=" + url_encode(value);
    };
    if (filter.stage) add("stage", registry::to_string(*filter.stage));
    if (filter.tag_key) {
      add("tag", filter.tag_value ? *filter.tag_key + "=" + *filter.tag_value : *filter.tag_key);
    }
    std::vector<registry::Version> versions;
    const Json answer = http_.call("GET", model_path(model) + "/versions" + query);
    for (const auto& item : list_data(answer)) {
      versions.push_back(registry::version_from_json(item));
    }
    return versions;
  }

  registry::Version get_version(const std::string& text) override {
    const registry::VersionRef ref = registry::parse_version_ref(text);
    const std::string base = model_path(ref.model);
    if (ref.number) {
      return version_at(base + "/versions/" + std::to_string(*ref.number));
    }
    if (ref.label) return version_at(base + "/versions/" + url_encode(*ref.label));
    if (ref.alias) return version_at(base + "/aliases/" + url_encode(*ref.alias));
    const registry::Model model = get_model(ref.model);
    if (model.latest_version == 0) {
      throw registry::RegistryError(registry::RegistryError::Code::NotFound,
                                    "model " + ref.model + " has no versions");
    }
    return version_at(base + "/versions/" + std::to_string(model.latest_version));
  }

  Json diff(const std::string& a, const std::string& b) override {
    return http_.call("GET", "/admin/v1/diff?a=" + url_encode(a) + "&b=" + url_encode(b));
  }

  registry::Version set_alias(const std::string& model, const std::string& alias, int64_t version,
                              const std::string& reason) override {
    Json body = {{"version", version}};
    if (!reason.empty()) body["reason"] = reason;
    return registry::version_from_json(
        http_.call("PUT", model_path(model) + "/aliases/" + url_encode(alias), body));
  }

  void remove_alias(const std::string& model, const std::string& alias,
                    const std::string& reason) override {
    std::string target = model_path(model) + "/aliases/" + url_encode(alias);
    if (!reason.empty()) target += "?reason=" + url_encode(reason);
    http_.call("DELETE", target);
  }

  registry::Version set_stage(const std::string& model, int64_t version, registry::Stage stage,
                              const std::string& reason) override {
    const Json body = {{"stage", registry::to_string(stage)}, {"reason", reason}};
    return registry::version_from_json(http_.call(
        "PUT", model_path(model) + "/versions/" + std::to_string(version) + "/stage", body));
  }

  std::vector<registry::Event> history(const std::string& model, int64_t version) override {
    std::string target = model_path(model) + "/history";
    if (version != 0) target += "?version=" + std::to_string(version);
    std::vector<registry::Event> events;
    const Json answer = http_.call("GET", target);
    for (const auto& item : list_data(answer)) {
      events.push_back(registry::event_from_json(item));
    }
    return events;
  }

  int verify(const registry::Version& version, registry::VerifyMode mode) override {
    const Json body = {{"mode", mode == registry::VerifyMode::Full ? "full" : "fast"}};
    const Json answer = http_.call(
        "POST",
        model_path(version.model) + "/versions/" + std::to_string(version.version) + "/verify",
        body);
    return answer.value("files_hashed", 0);
  }

 private:
  static std::string model_path(const std::string& name) {
    return "/admin/v1/models/" + url_encode(name);
  }
  registry::Version version_at(const std::string& target) {
    return registry::version_from_json(http_.call("GET", target));
  }

  AdminClient http_;
};

}  // namespace

std::unique_ptr<RegistryClient> make_remote_client(const std::string& server_url,
                                                   const std::string& api_key) {
  return std::make_unique<RemoteClient>(server_url, api_key);
}

}  // namespace slipway::app::models
