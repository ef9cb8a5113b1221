// The auth module's tables, for both dialects.
#include "auth/auth_schema.h"

#include <string>

#include "store/migrations.h"

namespace slipway::auth {

namespace {

// `integer` is the column type for counts and times. The partial unique index lets a revoked
// key's name be reused while keeping names unique among keys that can still authenticate.
std::string keys_table(const std::string& integer) {
  std::string sql = R"(
CREATE TABLE auth_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  scopes )";
  sql.append(integer).append(R"( NOT NULL CHECK (scopes BETWEEN 1 AND 7),
  requests_per_minute )");
  sql.append(integer).append(R"( NOT NULL DEFAULT 0 CHECK (requests_per_minute >= 0),
  tokens_per_minute )");
  sql.append(integer).append(R"( NOT NULL DEFAULT 0 CHECK (tokens_per_minute >= 0),
  max_streams )");
  sql.append(integer).append(R"( NOT NULL DEFAULT 0 CHECK (max_streams >= 0),
  created_ms )");
  sql.append(integer).append(R"( NOT NULL,
  created_by TEXT NOT NULL DEFAULT '',
  expires_ms )");
  sql.append(integer).append(R"(,
  revoked_ms )");
  sql.append(integer).append(R"(,
  revoked_by TEXT,
  last_used_ms )");
  sql.append(integer).append(R"(
);
CREATE UNIQUE INDEX auth_keys_active_name ON auth_keys (name) WHERE revoked_ms IS NULL;
CREATE INDEX auth_keys_created ON auth_keys (created_ms);
)");
  return sql;
}

}  // namespace

void migrate_auth(store::Store& store) {
  static const store::Schema schema{
      "auth",
      {{1, "auth: API keys (hashed secrets, scopes, per-key limits), never deleted",
        keys_table("INTEGER"), keys_table("BIGINT")}}};
  store::migrate(store, schema);
}

}  // namespace slipway::auth
