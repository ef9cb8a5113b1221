// API keys in table auth_keys: every change one transaction that notifies channel "auth".
#include "auth/key_store.h"

#include <ctime>
#include <string_view>

#include "auth/auth_schema.h"
#include "auth/key_request_check.h"
#include "auth/key_secret.h"

namespace slipway::auth {

namespace {

constexpr std::string_view kChannel = "auth";
constexpr std::size_t kPrefixLength = 12;

// The columns of an ApiKeyRecord, in the order record_from() reads them.
constexpr std::string_view kColumns =
    "id, name, prefix, scopes, requests_per_minute, tokens_per_minute, max_streams, created_ms, "
    "created_by, expires_ms, revoked_ms, revoked_by, last_used_ms";

std::string select_keys(std::string_view tail) {
  std::string sql = "SELECT ";
  sql.append(kColumns).append(" FROM auth_keys ").append(tail);
  return sql;
}

ApiKeyRecord record_from(const store::Row& row, std::size_t first = 0) {
  ApiKeyRecord key;
  key.id = row.text(first);
  key.name = row.text(first + 1);
  key.prefix = row.text(first + 2);
  key.scopes = static_cast<Scopes>(row.integer(first + 3));
  key.limits.requests_per_minute = row.integer(first + 4);
  key.limits.tokens_per_minute = row.integer(first + 5);
  key.limits.max_streams = row.integer(first + 6);
  key.created_ms = row.integer(first + 7);
  key.created_by = row.text(first + 8);
  key.expires_ms = row.optional_integer(first + 9);
  key.revoked_ms = row.optional_integer(first + 10);
  key.revoked_by = row.optional_text(first + 11).value_or("");
  key.last_used_ms = row.optional_integer(first + 12);
  return key;
}

// By id first, then by the name of a key that is not revoked (names are unique among those).
std::optional<ApiKeyRecord> find_key(store::Transaction& tx, const std::string& id_or_name) {
  for (std::string_view where : {"WHERE id = ?", "WHERE name = ? AND revoked_ms IS NULL"}) {
    const store::Rows rows = tx.query(select_keys(where), {id_or_name});
    if (!rows.empty()) return record_from(rows.front());
  }
  return std::nullopt;
}

ApiKeyRecord require_key(store::Transaction& tx, const std::string& id_or_name) {
  auto key = find_key(tx, id_or_name);
  if (!key) {
    std::string message = "no API key with id or name \"";
    message.append(id_or_name).append("\"");
    throw KeyError(KeyError::Kind::NotFound, message);
  }
  return std::move(*key);
}

// "2026-12-01T10:00:00Z", for messages.
std::string utc_text(int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

KeyError name_taken(const std::string& name) {
  std::string message = "an active key named \"";
  message.append(name).append("\" exists: revoke it first or choose another name");
  return KeyError(KeyError::Kind::Conflict, message);
}

store::Value optional_value(const std::optional<int64_t>& value) {
  return value ? store::Value(*value) : store::null_value();
}

}  // namespace

KeyStore::KeyStore(store::Store& store, store::WallClock clock)
    : store_(store), clock_(std::move(clock)) {
  migrate_auth(store_);
}

CreatedKey KeyStore::create(const KeyRequest& request, const std::string& actor) {
  const int64_t now_ms = clock_();
  check_key_request(request, now_ms);

  CreatedKey created;
  created.secret = generate_secret();
  ApiKeyRecord& key = created.record;
  key.id = generate_key_id();
  key.name = request.name;
  key.prefix = created.secret.substr(0, kPrefixLength);
  key.scopes = request.scopes;
  key.limits = request.limits;
  key.created_ms = now_ms;
  key.created_by = actor;
  key.expires_ms = request.expires_ms;
  const std::string secret_hash = hash_secret(created.secret);

  store_.write([&](store::Transaction& tx) {
    const store::Rows taken =
        tx.query("SELECT id FROM auth_keys WHERE name = ? AND revoked_ms IS NULL", {key.name});
    if (!taken.empty()) throw name_taken(key.name);
    // A concurrent create of the same name (PostgreSQL) inserts nothing here.
    const int64_t inserted = tx.execute(
        "INSERT INTO auth_keys (id, name, secret_hash, prefix, scopes, requests_per_minute, "
        "tokens_per_minute, max_streams, created_ms, created_by, expires_ms) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        {key.id, key.name, secret_hash, key.prefix, static_cast<int64_t>(key.scopes),
         key.limits.requests_per_minute, key.limits.tokens_per_minute, key.limits.max_streams,
         key.created_ms, key.created_by, optional_value(key.expires_ms)});
    if (inserted == 0) throw name_taken(key.name);
    tx.notify(kChannel, key.id);
  });
  return created;
}

std::vector<ApiKeyRecord> KeyStore::list(bool include_revoked) const {
  const std::string sql =
      select_keys(include_revoked ? "ORDER BY created_ms DESC, id DESC"
                                  : "WHERE revoked_ms IS NULL ORDER BY created_ms DESC, id DESC");
  return store_.read([&](store::Transaction& tx) {
    std::vector<ApiKeyRecord> keys;
    for (const store::Row& row : tx.query(sql)) keys.push_back(record_from(row));
    return keys;
  });
}

ApiKeyRecord KeyStore::get(const std::string& id_or_name) const {
  return store_.read([&](store::Transaction& tx) { return require_key(tx, id_or_name); });
}

ApiKeyRecord KeyStore::revoke(const std::string& id_or_name, const std::string& actor) {
  const int64_t now_ms = clock_();
  return store_.write([&](store::Transaction& tx) {
    ApiKeyRecord key = require_key(tx, id_or_name);
    if (key.revoked_ms) {
      std::string message = "API key ";
      message.append(key.id)
          .append(" (\"")
          .append(key.name)
          .append("\") was already revoked at ")
          .append(utc_text(*key.revoked_ms))
          .append(" by ")
          .append(key.revoked_by.empty() ? "an unknown actor" : key.revoked_by);
      throw KeyError(KeyError::Kind::Conflict, message);
    }
    tx.execute("UPDATE auth_keys SET revoked_ms = ?, revoked_by = ? WHERE id = ?",
               {now_ms, actor, key.id});
    tx.notify(kChannel, key.id);
    key.revoked_ms = now_ms;
    key.revoked_by = actor;
    return key;
  });
}

std::optional<ApiKeyRecord> KeyStore::find_by_hash(const std::string& secret_hash) const {
  return store_.read([&](store::Transaction& tx) -> std::optional<ApiKeyRecord> {
    const store::Rows rows = tx.query(select_keys("WHERE secret_hash = ?"), {secret_hash});
    if (rows.empty()) return std::nullopt;
    return record_from(rows.front());
  });
}

std::vector<std::pair<std::string, ApiKeyRecord>> KeyStore::all_with_hashes() const {
  std::string sql = "SELECT secret_hash, ";
  sql.append(kColumns).append(" FROM auth_keys");
  return store_.read([&](store::Transaction& tx) {
    std::vector<std::pair<std::string, ApiKeyRecord>> keys;
    for (const store::Row& row : tx.query(sql)) keys.emplace_back(row.text(0), record_from(row, 1));
    return keys;
  });
}

// Usage is not a key change: no notification, or every replica would reload every minute.
void KeyStore::touch(const std::string& id, int64_t now_ms) noexcept {
  try {
    store_.write([&](store::Transaction& tx) {
      tx.execute(
          "UPDATE auth_keys SET last_used_ms = ? WHERE id = ? AND "
          "(last_used_ms IS NULL OR last_used_ms < ?)",
          {now_ms, id, now_ms});
    });
  } catch (...) {  // best effort: a busy or unreachable store must not fail a request
  }
}

}  // namespace slipway::auth
