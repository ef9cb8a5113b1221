// Registry: construction, models, reads, history, verification and notifications.
// Registration is in registry_register.cpp, aliases and stages in registry_aliases_stages.cpp.
#include "registry/registry.h"

#include <algorithm>
#include <map>

#include "registry/registry_internal.h"
#include "registry/registry_schema.h"
#include "store/migrations.h"

namespace slipway::registry {

using store::Transaction;

namespace {

Json parse_object(const std::string& text) {
  Json json = Json::parse(text, nullptr, false);
  return json.is_object() ? json : Json::object();
}

void require_string_map(const Json& json, const std::string& what) {
  if (!json.is_object()) {
    throw RegistryError(RegistryError::Code::Invalid, what + " must be a JSON object");
  }
  for (const auto& item : json.items()) {
    if (!item.value().is_string()) {
      throw RegistryError(
          RegistryError::Code::Invalid,
          what + " values must be strings; \"" + item.key() + "\" is " + item.value().type_name());
    }
  }
}

Model model_from_row(const store::Row& row) {
  Model model;
  model.name = row.text(1);
  model.description = row.text(2);
  model.tags = parse_object(row.text(3));
  model.creator = row.text(4);
  model.created_at_ms = row.integer(5);
  return model;
}

constexpr const char* kModelColumns =
    "SELECT id, name, description, tags_json, creator, created_at FROM registry_models";

}  // namespace

Registry::Registry(store::Store& store, store::WallClock clock)
    : store_(store), clock_(std::move(clock)) {
  if (!clock_) clock_ = store::system_now_ms;
  store::migrate(store_, registry_schema());
}

Model Registry::create_model(const std::string& name, const std::string& description,
                             const Json& tags, const std::string& actor) {
  if (!valid_model_name(name)) {
    throw RegistryError(RegistryError::Code::Invalid,
                        "invalid model name \"" + name +
                            "\": use letters, digits, '.', '_' and '-' (at most 128), starting "
                            "with a letter or digit");
  }
  require_string_map(tags, "tags");
  const int64_t now = clock_();
  store_.write([&](Transaction& tx) {
    if (detail::find_model_id(tx, name)) {
      throw RegistryError(RegistryError::Code::Conflict, "model \"" + name + "\" already exists");
    }
    auto rows = tx.query(
        "INSERT INTO registry_models (name, description, tags_json, creator, created_at) "
        "VALUES (?, ?, ?, ?, ?) RETURNING id",
        {name, description, tags.dump(), actor, now});
    Event event;
    event.kind = "model_created";
    event.actor = actor;
    event.at_ms = now;
    detail::record_change(tx, rows.at(0).integer(0), name, event);
  });
  return get_model(name);
}

Model Registry::get_model(const std::string& name) {
  return store_.read([&](Transaction& tx) {
    auto rows = tx.query(std::string(kModelColumns) + " WHERE name = ?", {name});
    if (rows.empty()) detail::model_not_found(name);
    const int64_t id = rows.front().integer(0);
    Model model = model_from_row(rows.front());
    auto counts = tx.query(
        "SELECT COUNT(*), COALESCE(MAX(version), 0) FROM registry_versions WHERE model_id = ?",
        {id});
    model.version_count = counts.at(0).integer(0);
    model.latest_version = counts.at(0).integer(1);
    for (const auto& row : tx.query("SELECT a.alias, v.version FROM registry_aliases a "
                                    "JOIN registry_versions v ON v.id = a.version_id "
                                    "WHERE a.model_id = ?",
                                    {id})) {
      model.aliases[row.text(0)] = row.integer(1);
    }
    return model;
  });
}

std::vector<Model> Registry::list_models() {
  return store_.read([&](Transaction& tx) {
    std::map<int64_t, Model> by_id;
    for (const auto& row : tx.query(kModelColumns)) by_id[row.integer(0)] = model_from_row(row);
    for (const auto& row : tx.query("SELECT model_id, COUNT(*), MAX(version) "
                                    "FROM registry_versions GROUP BY model_id")) {
      auto it = by_id.find(row.integer(0));
      if (it == by_id.end()) continue;
      it->second.version_count = row.integer(1);
      it->second.latest_version = row.integer(2);
    }
    for (const auto& row : tx.query("SELECT a.model_id, a.alias, v.version FROM registry_aliases a "
                                    "JOIN registry_versions v ON v.id = a.version_id")) {
      auto it = by_id.find(row.integer(0));
      if (it != by_id.end()) it->second.aliases[row.text(1)] = row.integer(2);
    }
    std::vector<Model> models;
    for (auto& [id, model] : by_id) models.push_back(std::move(model));
    std::sort(models.begin(), models.end(),
              [](const Model& a, const Model& b) { return a.name < b.name; });
    return models;
  });
}

std::vector<Version> Registry::list_versions(const std::string& model, const ListFilter& filter) {
  auto stored = store_.read([&](Transaction& tx) {
    return detail::load_versions(tx, detail::require_model_id(tx, model), model);
  });
  std::vector<Version> versions;
  for (auto& item : stored) {
    const Version& v = item.version;
    if (filter.stage && v.stage != *filter.stage) continue;
    if (filter.tag_key) {
      auto it = v.tags.find(*filter.tag_key);
      if (it == v.tags.end()) continue;
      if (filter.tag_value && !(it->is_string() && it->get<std::string>() == *filter.tag_value)) {
        continue;
      }
    }
    versions.push_back(std::move(item.version));
  }
  return versions;
}

Version Registry::get_version(const VersionRef& ref) {
  return store_.read([&](Transaction& tx) { return detail::resolve(tx, ref).version; });
}

std::vector<Event> Registry::history(const std::string& model, int64_t version) {
  return store_.read([&](Transaction& tx) {
    const int64_t model_id = detail::require_model_id(tx, model);
    std::string sql =
        "SELECT id, version, kind, alias, from_value, to_value, actor, reason, automatic, at "
        "FROM registry_events WHERE model_id = ?";
    store::Params params{model_id};
    if (version != 0) {
      sql += " AND version = ?";
      params.push_back(version);
    }
    sql += " ORDER BY id";
    std::vector<Event> events;
    for (const auto& row : tx.query(sql, params)) {
      Event event;
      event.id = row.integer(0);
      event.model = model;
      event.version = row.integer(1);
      event.kind = row.text(2);
      event.alias = row.text(3);
      event.from = row.text(4);
      event.to = row.text(5);
      event.actor = row.text(6);
      event.reason = row.text(7);
      event.automatic = row.integer(8) != 0;
      event.at_ms = row.integer(9);
      events.push_back(std::move(event));
    }
    return events;
  });
}

VerifyReport Registry::verify(const Version& version, VerifyMode mode) {
  auto stored = store_.read(
      [&](Transaction& tx) { return detail::resolve_number(tx, version.model, version.version); });
  const Version& current = stored.version;
  if (current.stage == Stage::Archived) {
    throw RegistryError(RegistryError::Code::StageRule,
                        current.ref() + " is archived; restore it to candidate before serving");
  }
  if (current.source.kind == SourceKind::Upstream) return {};
  VerifyReport report =
      detail::verify_artifacts_of(current.source.path, current.artifacts, mode, current.ref());
  if (report.mtimes_changed) {
    store_.write([&](Transaction& tx) {
      for (std::size_t i = 0; i < report.current.size(); ++i) {
        const Artifact& seen = report.current[i];
        if (seen.mtime_ns == current.artifacts[i].mtime_ns) continue;
        tx.execute(
            "INSERT INTO registry_artifact_stats (version_id, path, mtime_ns) VALUES (?, ?, ?) "
            "ON CONFLICT (version_id, path) DO UPDATE SET mtime_ns = excluded.mtime_ns",
            {stored.id, seen.path, seen.mtime_ns});
      }
    });
  }
  return report;
}

std::unique_ptr<store::Subscription> Registry::on_change(
    std::function<void(const std::string& model)> callback) {
  return store_.subscribe(detail::kChannel, [callback = std::move(callback)](
                                                const std::string& payload) { callback(payload); });
}

}  // namespace slipway::registry
