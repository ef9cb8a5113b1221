#pragma once
// Versioned schema migrations, one list per module. Each module's applied version is a row of
// the store's own `schema_migrations` table (module, version, description, applied_at).
// migrate() runs on start: it applies the missing steps in order, each in its own write
// transaction, serialized across processes; it refuses (StoreError Kind::SchemaTooNew, naming
// the module and both versions) when the database is newer than this binary.
#include <string>
#include <vector>

#include "store/store.h"

namespace slipway::store {

struct Migration {
  int version = 0;  // 1, 2, 3, ... without gaps
  std::string description;
  std::string sqlite_sql;    // a script of statements
  std::string postgres_sql;  // the same for PostgreSQL; empty: use sqlite_sql
};

struct Schema {
  std::string module;  // "registry", "feedback", ...
  std::vector<Migration> migrations;
};

// Returns the version the module is at afterwards.
int migrate(Store& store, const Schema& schema);
// The version a module is at (0 when never migrated).
int schema_version(Store& store, const std::string& module);

}  // namespace slipway::store
