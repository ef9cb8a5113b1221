#include "registry/registry_schema.h"

#include <string>

namespace slipway::registry {

namespace {

// Everything of a version except its stage is its identity.
const char* const kIdentityColumns[] = {
    "id",          "model_id",     "version",   "label",       "source_kind", "source_json",
    "params_json", "metrics_json", "tags_json", "description", "creator",     "created_at",
    "git_commit",  "parent",       "dataset",   "content_hash"};

const char* const kVersionsMessage =
    "registry versions are immutable: only the stage may change; register a new version instead";

// `integer` is the column type for counts and times, `id` the auto-numbered key.
std::string tables(const std::string& integer, const std::string& id, const std::string& event_id) {
  return R"(
CREATE TABLE registry_models (
  id )" + id +
         R"(,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  tags_json TEXT NOT NULL DEFAULT '{}',
  creator TEXT NOT NULL DEFAULT '',
  created_at )" +
         integer + R"( NOT NULL
);
CREATE TABLE registry_versions (
  id )" + id +
         R"(,
  model_id )" +
         integer + R"( NOT NULL REFERENCES registry_models (id),
  version )" +
         integer + R"( NOT NULL CHECK (version >= 1),
  label TEXT NOT NULL,
  source_kind TEXT NOT NULL CHECK (source_kind IN ('embedded', 'lora', 'upstream')),
  source_json TEXT NOT NULL,
  params_json TEXT NOT NULL DEFAULT '{}',
  metrics_json TEXT NOT NULL DEFAULT '{}',
  tags_json TEXT NOT NULL DEFAULT '{}',
  description TEXT NOT NULL DEFAULT '',
  creator TEXT NOT NULL DEFAULT '',
  created_at )" +
         integer + R"( NOT NULL,
  git_commit TEXT NOT NULL DEFAULT '',
  parent TEXT NOT NULL DEFAULT '',
  dataset TEXT NOT NULL DEFAULT '',
  content_hash TEXT NOT NULL,
  stage TEXT NOT NULL DEFAULT 'candidate'
    CHECK (stage IN ('candidate', 'staging', 'production', 'archived')),
  UNIQUE (model_id, version),
  UNIQUE (model_id, label)
);
CREATE INDEX registry_versions_content ON registry_versions (model_id, content_hash);
CREATE TABLE registry_artifacts (
  version_id )" +
         integer + R"( NOT NULL REFERENCES registry_versions (id),
  path TEXT NOT NULL,
  size )" +
         integer + R"( NOT NULL,
  sha256 TEXT NOT NULL,
  PRIMARY KEY (version_id, path)
);
CREATE TABLE registry_artifact_stats (
  version_id )" +
         integer + R"( NOT NULL,
  path TEXT NOT NULL,
  mtime_ns )" +
         integer + R"( NOT NULL,
  PRIMARY KEY (version_id, path),
  FOREIGN KEY (version_id, path) REFERENCES registry_artifacts (version_id, path)
);
CREATE TABLE registry_aliases (
  model_id )" +
         integer + R"( NOT NULL REFERENCES registry_models (id),
  alias TEXT NOT NULL,
  version_id )" +
         integer + R"( NOT NULL REFERENCES registry_versions (id),
  updated_at )" +
         integer + R"( NOT NULL,
  updated_by TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (model_id, alias)
);
CREATE INDEX registry_aliases_version ON registry_aliases (version_id);
CREATE TABLE registry_events (
  id )" + event_id +
         R"(,
  model_id )" +
         integer + R"( NOT NULL REFERENCES registry_models (id),
  version )" +
         integer + R"( NOT NULL DEFAULT 0,
  kind TEXT NOT NULL,
  alias TEXT NOT NULL DEFAULT '',
  from_value TEXT NOT NULL DEFAULT '',
  to_value TEXT NOT NULL DEFAULT '',
  actor TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  automatic )" +
         integer + R"( NOT NULL DEFAULT 0,
  at )" + integer +
         R"( NOT NULL
);
CREATE INDEX registry_events_model ON registry_events (model_id, version, id);
)";
}

std::string sqlite_sql() {
  std::string changed;
  for (const char* column : kIdentityColumns) {
    if (!changed.empty()) changed += " OR ";
    changed += std::string("NEW.") + column + " IS NOT OLD." + column;
  }
  auto refuse = [](const std::string& name, const std::string& when, const std::string& table,
                   const std::string& message) {
    return "CREATE TRIGGER " + name + " BEFORE " + when + " ON " + table +
           " BEGIN SELECT RAISE(ABORT, '" + message + "'); END;\n";
  };
  std::string sql = tables("INTEGER", "INTEGER PRIMARY KEY", "INTEGER PRIMARY KEY AUTOINCREMENT");
  sql += "CREATE TRIGGER registry_versions_identity BEFORE UPDATE ON registry_versions WHEN " +
         changed + " BEGIN SELECT RAISE(ABORT, '" + kVersionsMessage + "'); END;\n";
  sql += refuse("registry_versions_no_delete", "DELETE", "registry_versions",
                "registry versions are immutable: they cannot be deleted");
  sql += refuse("registry_artifacts_no_update", "UPDATE", "registry_artifacts",
                "registry artifacts are immutable");
  sql += refuse("registry_artifacts_no_delete", "DELETE", "registry_artifacts",
                "registry artifacts are immutable");
  sql += refuse("registry_events_no_update", "UPDATE", "registry_events",
                "the registry history is append-only");
  sql += refuse("registry_events_no_delete", "DELETE", "registry_events",
                "the registry history is append-only");
  return sql;
}

std::string postgres_sql() {
  std::string fresh;
  std::string old;
  for (const char* column : kIdentityColumns) {
    if (!fresh.empty()) {
      fresh += ", ";
      old += ", ";
    }
    fresh += std::string("NEW.") + column;
    old += std::string("OLD.") + column;
  }
  std::string sql = tables("BIGINT", "BIGSERIAL PRIMARY KEY", "BIGSERIAL PRIMARY KEY");
  sql += R"(
CREATE FUNCTION registry_versions_guard() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
    RAISE EXCEPTION 'registry versions are immutable: they cannot be deleted';
  END IF;
  IF ROW()" +
         fresh + R"() IS DISTINCT FROM ROW()" + old + R"() THEN
    RAISE EXCEPTION ')" +
         kVersionsMessage + R"(';
  END IF;
  RETURN NEW;
END
$body$;
CREATE FUNCTION registry_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  IF TG_TABLE_NAME = 'registry_events' THEN
    RAISE EXCEPTION 'the registry history is append-only';
  END IF;
  RAISE EXCEPTION 'registry artifacts are immutable';
END
$body$;
CREATE TRIGGER registry_versions_identity BEFORE UPDATE OR DELETE ON registry_versions
  FOR EACH ROW EXECUTE FUNCTION registry_versions_guard();
CREATE TRIGGER registry_versions_no_truncate BEFORE TRUNCATE ON registry_versions
  FOR EACH STATEMENT EXECUTE FUNCTION registry_versions_guard();
CREATE TRIGGER registry_artifacts_immutable BEFORE UPDATE OR DELETE ON registry_artifacts
  FOR EACH ROW EXECUTE FUNCTION registry_refuse_change();
CREATE TRIGGER registry_artifacts_no_truncate BEFORE TRUNCATE ON registry_artifacts
  FOR EACH STATEMENT EXECUTE FUNCTION registry_refuse_change();
CREATE TRIGGER registry_events_append_only BEFORE UPDATE OR DELETE ON registry_events
  FOR EACH ROW EXECUTE FUNCTION registry_refuse_change();
CREATE TRIGGER registry_events_no_truncate BEFORE TRUNCATE ON registry_events
  FOR EACH STATEMENT EXECUTE FUNCTION registry_refuse_change();
)";
  return sql;
}

}  // namespace

const store::Schema& registry_schema() {
  static const store::Schema schema{
      "registry",
      {store::Migration{1,
                        "registry: models, immutable versions and artifacts, aliases, stages, "
                        "history",
                        sqlite_sql(), postgres_sql()}}};
  return schema;
}

}  // namespace slipway::registry
