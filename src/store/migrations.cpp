#include "store/migrations.h"

#include "store/clock.h"

namespace slipway::store {

namespace {

using Kind = StoreError::Kind;

// pg_advisory_xact_lock key serializing migrations across processes ("slipwaym").
constexpr int64_t kMigrationLockKey = 0x736c69707761796d;

void validate(const Schema& schema) {
  if (schema.module.empty()) throw StoreError(Kind::Other, "a schema needs a module name");
  for (std::size_t i = 0; i < schema.migrations.size(); ++i) {
    const Migration& m = schema.migrations[i];
    if (m.version != static_cast<int>(i) + 1) {
      throw StoreError(Kind::Other, "the \"" + schema.module + "\" schema lists version " +
                                        std::to_string(m.version) + " at position " +
                                        std::to_string(i + 1) +
                                        "; versions must run 1, 2, 3, ... without gaps");
    }
    if (m.sqlite_sql.empty()) {
      throw StoreError(Kind::Other, "the \"" + schema.module + "\" schema's version " +
                                        std::to_string(m.version) + " has no SQL");
    }
  }
}

bool table_exists(Transaction& tx) {
  const char* sql = tx.dialect() == Dialect::Sqlite
                        ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND "
                          "name = 'schema_migrations'"
                        : "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE tablename = "
                          "'schema_migrations' AND schemaname = current_schema()";
  const Rows rows = tx.query(sql);
  return !rows.empty() && rows[0].integer(0) > 0;
}

int version_in(Transaction& tx, const std::string& module) {
  if (!table_exists(tx)) return 0;
  const Rows rows = tx.query(
      "SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE module = ?", {module});
  return rows.empty() ? 0 : static_cast<int>(rows[0].integer(0));
}

void refuse_if_newer(const Schema& schema, int version) {
  const int known = static_cast<int>(schema.migrations.size());
  if (version > known) {
    throw StoreError(Kind::SchemaTooNew, "the database's \"" + schema.module +
                                             "\" schema is at version " + std::to_string(version) +
                                             " but this slipway knows only up to " +
                                             std::to_string(known) + "; upgrade slipway");
  }
}

void lock_migrations(Transaction& tx) {
  if (tx.dialect() == Dialect::Postgres) {
    tx.query("SELECT pg_advisory_xact_lock(?)", {kMigrationLockKey});
  }
}

}  // namespace

int schema_version(Store& store, const std::string& module) {
  return store.read([&](Transaction& tx) { return version_in(tx, module); });
}

int migrate(Store& store, const Schema& schema) {
  validate(schema);
  int version = schema_version(store, schema.module);
  refuse_if_newer(schema, version);
  if (version == static_cast<int>(schema.migrations.size())) return version;

  store.write([&](Transaction& tx) {
    lock_migrations(tx);
    tx.execute_script(
        "CREATE TABLE IF NOT EXISTS schema_migrations(module TEXT NOT NULL, version INTEGER NOT "
        "NULL, description TEXT NOT NULL, applied_at BIGINT NOT NULL, PRIMARY KEY(module, "
        "version))");
  });

  for (const Migration& step : schema.migrations) {
    if (step.version <= version) continue;
    version = store.write([&](Transaction& tx) {
      lock_migrations(tx);
      // Another process may have migrated since we looked: read again under the lock.
      const int current = version_in(tx, schema.module);
      refuse_if_newer(schema, current);
      if (current >= step.version) return current;
      if (current != step.version - 1) {
        throw StoreError(Kind::Other, "the \"" + schema.module + "\" schema is at version " +
                                          std::to_string(current) + ", cannot apply version " +
                                          std::to_string(step.version));
      }
      const std::string& sql = tx.dialect() == Dialect::Postgres && !step.postgres_sql.empty()
                                   ? step.postgres_sql
                                   : step.sqlite_sql;
      tx.execute_script(sql);
      tx.execute(
          "INSERT INTO schema_migrations(module, version, description, applied_at) VALUES (?, "
          "?, ?, ?)",
          {schema.module, static_cast<int64_t>(step.version), step.description, system_now_ms()});
      return step.version;
    });
  }
  return version;
}

}  // namespace slipway::store
