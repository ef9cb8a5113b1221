#include "registry/version_diff.h"

#include <map>

#include "registry/record_json.h"

namespace slipway::registry {

namespace {

// Keys of a, then keys only in b; a value missing on one side shows as null.
Json diff_objects(const Json& a, const Json& b) {
  Json out = Json::object();
  auto value_of = [](const Json& object, const std::string& key) {
    if (!object.is_object()) return Json(nullptr);
    auto it = object.find(key);
    return it == object.end() ? Json(nullptr) : *it;
  };
  auto compare = [&](const std::string& key) {
    if (out.contains(key)) return;
    Json va = value_of(a, key);
    Json vb = value_of(b, key);
    if (va != vb) out[key] = Json{{"a", std::move(va)}, {"b", std::move(vb)}};
  };
  if (a.is_object()) {
    for (const auto& item : a.items()) compare(item.key());
  }
  if (b.is_object()) {
    for (const auto& item : b.items()) compare(item.key());
  }
  return out;
}

void diff_field(Json& out, const char* name, const Json& a, const Json& b) {
  if (a != b) out[name] = Json{{"a", a}, {"b", b}};
}

}  // namespace

Json diff_versions(const Version& a, const Version& b) {
  Json out = Json::object();
  out["a"] = a.ref();
  out["b"] = b.ref();
  out["params"] = diff_objects(a.params, b.params);
  out["metrics"] = diff_objects(a.metrics, b.metrics);
  out["tags"] = diff_objects(a.tags, b.tags);

  std::map<std::string, std::string> a_files;
  std::map<std::string, std::string> b_files;
  for (const auto& artifact : a.artifacts) a_files[artifact.path] = artifact.sha256;
  for (const auto& artifact : b.artifacts) b_files[artifact.path] = artifact.sha256;
  Json added = Json::array();
  Json removed = Json::array();
  Json changed = Json::array();
  for (const auto& [path, hash] : b_files) {
    auto it = a_files.find(path);
    if (it == a_files.end()) {
      added.push_back(path);
    } else if (it->second != hash) {
      changed.push_back(path);
    }
  }
  for (const auto& [path, hash] : a_files) {
    if (!b_files.count(path)) removed.push_back(path);
  }
  out["artifacts"] = Json{{"added", added}, {"removed", removed}, {"changed", changed}};

  Json lineage = Json::object();
  diff_field(lineage, "source", to_json(a.source), to_json(b.source));
  diff_field(lineage, "git_commit", a.git_commit, b.git_commit);
  diff_field(lineage, "parent", a.parent, b.parent);
  diff_field(lineage, "dataset", a.dataset, b.dataset);
  out["lineage"] = lineage;
  out["identical_content"] = !a.content_hash.empty() && a.content_hash == b.content_hash;
  return out;
}

}  // namespace slipway::registry
