// Reading registry rows into records, shared by every Registry operation.
#include <algorithm>
#include <map>

#include "registry/record_json.h"
#include "registry/registry_error.h"
#include "registry/registry_internal.h"

namespace slipway::registry::detail {

namespace {

using store::Row;
using store::Transaction;

constexpr const char* kVersionColumns =
    "SELECT id, version, label, source_json, params_json, metrics_json, tags_json, description, "
    "creator, created_at, git_commit, parent, dataset, content_hash, stage "
    "FROM registry_versions WHERE model_id = ?";

Json parse_object(const std::string& text) {
  Json json = Json::parse(text, nullptr, false);
  return json.is_object() ? json : Json::object();
}

StoredVersion version_from_row(const Row& row, int64_t model_id, const std::string& model) {
  StoredVersion stored;
  stored.id = row.integer(0);
  stored.model_id = model_id;
  Version& v = stored.version;
  v.model = model;
  v.version = row.integer(1);
  v.label = row.text(2);
  v.source = source_from_json(parse_object(row.text(3)));
  v.params = parse_object(row.text(4));
  v.metrics = parse_object(row.text(5));
  v.tags = parse_object(row.text(6));
  v.description = row.text(7);
  v.creator = row.text(8);
  v.created_at_ms = row.integer(9);
  v.git_commit = row.text(10);
  v.parent = row.text(11);
  v.dataset = row.text(12);
  v.content_hash = row.text(13);
  v.stage = stage_from_string(row.text(14));
  return stored;
}

std::string describe_versions(Transaction& tx, int64_t model_id, const std::string& model) {
  auto rows = tx.query(
      "SELECT COUNT(*), COALESCE(MIN(version), 0), COALESCE(MAX(version), 0) "
      "FROM registry_versions WHERE model_id = ?",
      {model_id});
  const int64_t count = rows.at(0).integer(0);
  if (count == 0) return model + " has no versions yet";
  return model + " has " + std::to_string(count) + (count == 1 ? " version" : " versions") +
         ", numbered " + std::to_string(rows.at(0).integer(1)) + " to " +
         std::to_string(rows.at(0).integer(2));
}

}  // namespace

std::optional<int64_t> find_model_id(Transaction& tx, const std::string& name) {
  auto rows = tx.query("SELECT id FROM registry_models WHERE name = ?", {name});
  if (rows.empty()) return std::nullopt;
  return rows.front().integer(0);
}

void model_not_found(const std::string& name) {
  throw RegistryError(RegistryError::Code::NotFound,
                      "model \"" + name + "\" is not registered; register a version of it first");
}

int64_t require_model_id(Transaction& tx, const std::string& name) {
  if (auto id = find_model_id(tx, name)) return *id;
  model_not_found(name);
}

std::vector<StoredVersion> load_versions(Transaction& tx, int64_t model_id,
                                         const std::string& model,
                                         std::optional<int64_t> version_id) {
  std::vector<StoredVersion> versions;
  std::string sql = kVersionColumns;
  store::Params params{model_id};
  if (version_id) {
    sql += " AND id = ?";
    params.push_back(*version_id);
  }
  sql += " ORDER BY version";
  for (const auto& row : tx.query(sql, params)) {
    versions.push_back(version_from_row(row, model_id, model));
  }
  if (versions.empty()) return versions;

  std::map<int64_t, StoredVersion*> by_id;
  for (auto& stored : versions) by_id[stored.id] = &stored;

  std::string artifacts_sql =
      "SELECT a.version_id, a.path, a.size, a.sha256, s.mtime_ns FROM registry_artifacts a "
      "LEFT JOIN registry_artifact_stats s ON s.version_id = a.version_id AND s.path = a.path ";
  store::Params artifact_params;
  if (version_id) {
    artifacts_sql += "WHERE a.version_id = ?";
    artifact_params.push_back(*version_id);
  } else {
    artifacts_sql += "WHERE a.version_id IN (SELECT id FROM registry_versions WHERE model_id = ?)";
    artifact_params.push_back(model_id);
  }
  for (const auto& row : tx.query(artifacts_sql, artifact_params)) {
    auto it = by_id.find(row.integer(0));
    if (it == by_id.end()) continue;
    Artifact artifact;
    artifact.path = row.text(1);
    artifact.size = row.integer(2);
    artifact.sha256 = row.text(3);
    artifact.mtime_ns = row.optional_integer(4).value_or(0);
    it->second->version.artifacts.push_back(std::move(artifact));
  }
  for (const auto& row :
       tx.query("SELECT alias, version_id FROM registry_aliases WHERE model_id = ?", {model_id})) {
    auto it = by_id.find(row.integer(1));
    if (it != by_id.end()) it->second->version.aliases.push_back(row.text(0));
  }
  // Byte order regardless of the database's collation.
  for (auto& stored : versions) {
    auto& v = stored.version;
    std::sort(v.artifacts.begin(), v.artifacts.end(),
              [](const Artifact& a, const Artifact& b) { return a.path < b.path; });
    std::sort(v.aliases.begin(), v.aliases.end());
  }
  return versions;
}

StoredVersion load_version(Transaction& tx, int64_t model_id, const std::string& model,
                           int64_t version_id) {
  auto versions = load_versions(tx, model_id, model, version_id);
  if (versions.empty()) {
    throw RegistryError(RegistryError::Code::NotFound,
                        model + " has no version with row id " + std::to_string(version_id));
  }
  return std::move(versions.front());
}

StoredVersion resolve_number(Transaction& tx, const std::string& model, int64_t number) {
  VersionRef ref;
  ref.model = model;
  ref.number = number;
  return resolve(tx, ref);
}

StoredVersion resolve(Transaction& tx, const VersionRef& ref) {
  const int64_t model_id = require_model_id(tx, ref.model);
  std::optional<int64_t> version_id;
  std::string missing;
  if (ref.number) {
    auto rows = tx.query("SELECT id FROM registry_versions WHERE model_id = ? AND version = ?",
                         {model_id, *ref.number});
    if (!rows.empty()) version_id = rows.front().integer(0);
    if (!version_id) {
      missing = ref.to_string() + " not found: " + describe_versions(tx, model_id, ref.model);
    }
  } else if (ref.alias) {
    auto rows = tx.query("SELECT version_id FROM registry_aliases WHERE model_id = ? AND alias = ?",
                         {model_id, *ref.alias});
    if (!rows.empty()) version_id = rows.front().integer(0);
    if (!version_id) {
      std::vector<std::string> aliases;
      for (const auto& row :
           tx.query("SELECT alias FROM registry_aliases WHERE model_id = ?", {model_id})) {
        aliases.push_back(row.text(0));
      }
      std::sort(aliases.begin(), aliases.end());
      missing =
          ref.to_string() + " not found: " + ref.model + " has no alias \"" + *ref.alias + "\"";
      if (aliases.empty()) {
        missing += " (it has no aliases; set one with `slipway models alias`)";
      } else {
        missing += " (aliases: ";
        for (std::size_t i = 0; i < aliases.size(); ++i) {
          missing += (i ? ", " : "") + aliases[i];
        }
        missing += ")";
      }
    }
  } else if (ref.label) {
    auto rows = tx.query("SELECT id FROM registry_versions WHERE model_id = ? AND label = ?",
                         {model_id, *ref.label});
    if (!rows.empty()) version_id = rows.front().integer(0);
    if (!version_id) {
      missing = ref.to_string() + " not found: " + ref.model + " has no version labelled \"" +
                *ref.label + "\" (" + describe_versions(tx, model_id, ref.model) + ")";
    }
  } else {
    auto rows = tx.query(
        "SELECT id FROM registry_versions WHERE model_id = ? ORDER BY version DESC LIMIT 1",
        {model_id});
    if (!rows.empty()) version_id = rows.front().integer(0);
    missing = ref.model + " has no versions yet; register one first";
  }
  if (!version_id) throw RegistryError(RegistryError::Code::NotFound, missing);
  return load_version(tx, model_id, ref.model, *version_id);
}

void record_change(Transaction& tx, int64_t model_id, const std::string& model,
                   const Event& event) {
  tx.execute(
      "INSERT INTO registry_events (model_id, version, kind, alias, from_value, to_value, actor, "
      "reason, automatic, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {model_id, event.version, event.kind, event.alias, event.from, event.to, event.actor,
       event.reason, int64_t{event.automatic ? 1 : 0}, event.at_ms});
  tx.notify(kChannel, model);
}

}  // namespace slipway::registry::detail
