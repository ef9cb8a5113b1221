#include "registry/record_json.h"

#include "registry/registry_error.h"

namespace slipway::registry {

namespace {

[[noreturn]] void bad_field(const std::string& field, const std::string& why) {
  throw RegistryError(RegistryError::Code::Invalid, "\"" + field + "\": " + why);
}

// Reads typed fields of one JSON object, naming the field (with its parent) on errors.
class Fields {
 public:
  Fields(const Json& json, std::string what) : json_(json), what_(std::move(what)) {
    if (!json_.is_object()) {
      throw RegistryError(RegistryError::Code::Invalid,
                          what_ + ": expected an object, got " + std::string(json_.type_name()));
    }
  }

  std::string text(const char* key, bool required = false) const {
    const Json* value = find(key, required);
    if (value == nullptr) return "";
    if (!value->is_string()) wrong(key, "a string", *value);
    return value->get<std::string>();
  }

  int64_t integer(const char* key, bool required = false) const {
    const Json* value = find(key, required);
    if (value == nullptr) return 0;
    if (!value->is_number_integer()) wrong(key, "an integer", *value);
    return value->get<int64_t>();
  }

  bool boolean(const char* key) const {
    const Json* value = find(key, false);
    if (value == nullptr) return false;
    if (!value->is_boolean()) wrong(key, "true or false", *value);
    return value->get<bool>();
  }

  Json object(const char* key) const {
    const Json* value = find(key, false);
    if (value == nullptr) return Json::object();
    if (!value->is_object()) wrong(key, "an object", *value);
    return *value;
  }

  // An object of string values (tags).
  Json string_map(const char* key) const {
    Json value = object(key);
    for (const auto& item : value.items()) {
      if (!item.value().is_string()) {
        bad_field(name(key) + "." + item.key(),
                  "expected a string, got " + std::string(item.value().type_name()));
      }
    }
    return value;
  }

  const Json* find(const char* key, bool required) const {
    auto it = json_.find(key);
    if (it == json_.end() || it->is_null()) {
      if (required) bad_field(name(key), "missing");
      return nullptr;
    }
    return &*it;
  }

  std::string name(const char* key) const { return what_ + "." + key; }

  [[noreturn]] void wrong(const char* key, const char* expected, const Json& value) const {
    bad_field(name(key), std::string("expected ") + expected + ", got " + value.type_name());
  }

 private:
  const Json& json_;
  std::string what_;
};

Source source_from(const Json& json, const std::string& what) {
  Fields fields(json, what);
  Source source;
  const std::string kind = fields.text("kind", true);
  try {
    source.kind = source_kind_from_string(kind);
  } catch (const RegistryError& e) {
    bad_field(fields.name("kind"), e.what());
  }
  source.path = fields.text("path");
  source.base = fields.text("base");
  source.url = fields.text("url");
  source.upstream_model = fields.text("upstream_model");
  source.api_key_env = fields.text("api_key_env");
  return source;
}

}  // namespace

Json to_json(const Source& source) {
  Json json = Json::object();
  json["kind"] = to_string(source.kind);
  if (!source.path.empty()) json["path"] = source.path.string();
  if (!source.base.empty()) json["base"] = source.base;
  if (!source.url.empty()) json["url"] = source.url;
  if (!source.upstream_model.empty()) json["upstream_model"] = source.upstream_model;
  if (!source.api_key_env.empty()) json["api_key_env"] = source.api_key_env;
  return json;
}

Json to_json(const Artifact& artifact) {
  return Json{{"path", artifact.path}, {"size", artifact.size}, {"sha256", artifact.sha256}};
}

Json to_json(const Version& version) {
  Json artifacts = Json::array();
  for (const auto& artifact : version.artifacts) artifacts.push_back(to_json(artifact));
  Json json = Json::object();
  json["ref"] = version.ref();
  json["model"] = version.model;
  json["version"] = version.version;
  json["label"] = version.label;
  json["stage"] = to_string(version.stage);
  json["aliases"] = version.aliases;
  json["source"] = to_json(version.source);
  json["params"] = version.params;
  json["metrics"] = version.metrics;
  json["tags"] = version.tags;
  json["description"] = version.description;
  json["creator"] = version.creator;
  json["created_at_ms"] = version.created_at_ms;
  json["git_commit"] = version.git_commit;
  json["parent"] = version.parent;
  json["dataset"] = version.dataset;
  json["content_hash"] = version.content_hash;
  json["artifacts"] = artifacts;
  return json;
}

Json to_json(const Model& model) {
  Json aliases = Json::object();
  for (const auto& [alias, version] : model.aliases) aliases[alias] = version;
  Json json = Json::object();
  json["name"] = model.name;
  json["description"] = model.description;
  json["tags"] = model.tags;
  json["creator"] = model.creator;
  json["created_at_ms"] = model.created_at_ms;
  json["version_count"] = model.version_count;
  json["latest_version"] = model.latest_version;
  json["aliases"] = aliases;
  return json;
}

Json to_json(const Event& event) {
  Json json = Json::object();
  json["id"] = event.id;
  json["model"] = event.model;
  json["version"] = event.version;
  json["kind"] = event.kind;
  json["alias"] = event.alias;
  json["from"] = event.from;
  json["to"] = event.to;
  json["actor"] = event.actor;
  json["reason"] = event.reason;
  json["automatic"] = event.automatic;
  json["at_ms"] = event.at_ms;
  return json;
}

Source source_from_json(const Json& json) {
  return source_from(json, "source");
}

Version version_from_json(const Json& json) {
  Fields fields(json, "version");
  Version version;
  version.model = fields.text("model", true);
  version.version = fields.integer("version", true);
  version.label = fields.text("label");
  const std::string stage = fields.text("stage");
  if (!stage.empty()) {
    try {
      version.stage = stage_from_string(stage);
    } catch (const RegistryError& e) {
      bad_field(fields.name("stage"), e.what());
    }
  }
  if (const Json* aliases = fields.find("aliases", false)) {
    if (!aliases->is_array()) fields.wrong("aliases", "an array of strings", *aliases);
    for (const auto& alias : *aliases) {
      if (!alias.is_string()) fields.wrong("aliases", "an array of strings", *aliases);
      version.aliases.push_back(alias.get<std::string>());
    }
  }
  if (const Json* source = fields.find("source", true)) {
    version.source = source_from(*source, "version.source");
  }
  version.params = fields.object("params");
  version.metrics = fields.object("metrics");
  version.tags = fields.string_map("tags");
  version.description = fields.text("description");
  version.creator = fields.text("creator");
  version.created_at_ms = fields.integer("created_at_ms");
  version.git_commit = fields.text("git_commit");
  version.parent = fields.text("parent");
  version.dataset = fields.text("dataset");
  version.content_hash = fields.text("content_hash");
  if (const Json* artifacts = fields.find("artifacts", false)) {
    if (!artifacts->is_array()) fields.wrong("artifacts", "an array", *artifacts);
    for (std::size_t i = 0; i < artifacts->size(); ++i) {
      Fields item((*artifacts)[i], "version.artifacts[" + std::to_string(i) + "]");
      Artifact artifact;
      artifact.path = item.text("path", true);
      artifact.size = item.integer("size", true);
      artifact.sha256 = item.text("sha256", true);
      artifact.mtime_ns = item.integer("mtime_ns");
      version.artifacts.push_back(std::move(artifact));
    }
  }
  return version;
}

Model model_from_json(const Json& json) {
  Fields fields(json, "model");
  Model model;
  model.name = fields.text("name", true);
  model.description = fields.text("description");
  model.tags = fields.string_map("tags");
  model.creator = fields.text("creator");
  model.created_at_ms = fields.integer("created_at_ms");
  model.version_count = fields.integer("version_count");
  model.latest_version = fields.integer("latest_version");
  const Json aliases = fields.object("aliases");
  for (const auto& item : aliases.items()) {
    if (!item.value().is_number_integer()) {
      bad_field("model.aliases." + item.key(),
                "expected a version number, got " + std::string(item.value().type_name()));
    }
    model.aliases[item.key()] = item.value().get<int64_t>();
  }
  return model;
}

Event event_from_json(const Json& json) {
  Fields fields(json, "event");
  Event event;
  event.id = fields.integer("id");
  event.model = fields.text("model", true);
  event.version = fields.integer("version");
  event.kind = fields.text("kind", true);
  event.alias = fields.text("alias");
  event.from = fields.text("from");
  event.to = fields.text("to");
  event.actor = fields.text("actor");
  event.reason = fields.text("reason");
  event.automatic = fields.boolean("automatic");
  event.at_ms = fields.integer("at_ms");
  return event;
}

}  // namespace slipway::registry
