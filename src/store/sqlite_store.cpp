#include "store/sqlite_store.h"

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "store/clock.h"
#include "store/notification_hub.h"
#include "store/pool.h"
#include "store/retry.h"
#include "store/tx_state.h"

namespace slipway::store::detail {

namespace {

using Kind = StoreError::Kind;

constexpr int64_t kNotificationMaxAgeMs = 10 * 60 * 1000;
constexpr int64_t kPruneEvery = 64;  // notifications between two prunes
constexpr std::size_t kStatementCacheSize = 128;

std::string sql_excerpt(std::string_view sql) {
  constexpr std::size_t kMax = 200;
  if (sql.size() <= kMax) return std::string(sql);
  return std::string(sql.substr(0, kMax)) + "...";
}

Kind kind_of(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Kind::Conflict;
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Kind::Unique;
      }
      return Kind::Constraint;
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
      return Kind::Connection;
    default:
      return Kind::Other;
  }
}

// The error of a failed call on `db`. Constraint errors keep SQLite's message as it is (a
// trigger's RAISE text reaches the caller unchanged); others say what ran.
StoreError error_of(sqlite3* db, int rc, std::string_view sql) {
  const Kind kind = kind_of(rc);
  const std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (kind == Kind::Unique || kind == Kind::Constraint) return StoreError(kind, message);
  return StoreError(kind, "SQLite: " + message + " (in: " + sql_excerpt(sql) + ")");
}

struct Connection {
  sqlite3* db = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> statements;

  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() {
    for (auto& [sql, stmt] : statements) sqlite3_finalize(stmt);
    sqlite3_close_v2(db);
  }

  // Runs statements without parameters or results.
  void exec(std::string_view sql) {
    const std::string text(sql);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, &err);
    if (err) sqlite3_free(err);
    if (rc != SQLITE_OK) throw error_of(db, sqlite3_extended_errcode(db), sql);
  }

  // A prepared statement for `sql` (one statement), from the cache when possible.
  sqlite3_stmt* prepare(std::string_view sql) {
    std::string key(sql);
    if (auto it = statements.find(key); it != statements.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK) throw error_of(db, rc, sql);
    if (stmt == nullptr) throw StoreError(Kind::Other, "SQLite: empty statement");
    for (const char* p = tail; p && p < sql.data() + sql.size(); ++p) {
      if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r' && *p != ';') {
        sqlite3_finalize(stmt);
        throw StoreError(Kind::Other,
                         "SQLite: several statements in one query (use "
                         "execute_script): " +
                             sql_excerpt(sql));
      }
    }
    if (statements.size() >= kStatementCacheSize) {
      for (auto& [text, cached] : statements) sqlite3_finalize(cached);
      statements.clear();
    }
    statements.emplace(std::move(key), stmt);
    return stmt;
  }
};

std::unique_ptr<Connection> open_connection(const std::string& path, const StoreOptions& options) {
  auto conn = std::make_unique<Connection>();
  const int rc =
      sqlite3_open_v2(path.c_str(), &conn->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = conn->db ? sqlite3_errmsg(conn->db) : sqlite3_errstr(rc);
    throw StoreError(Kind::Connection, "cannot open the SQLite database " + path + ": " + message);
  }
  sqlite3_extended_result_codes(conn->db, 1);
  sqlite3_busy_timeout(conn->db, static_cast<int>(options.busy_timeout.count()));
  try {
    conn->exec("PRAGMA journal_mode=WAL");
    conn->exec("PRAGMA synchronous=FULL");
    conn->exec("PRAGMA foreign_keys=ON");
  } catch (const StoreError& e) {
    throw StoreError(Kind::Connection, "cannot open the SQLite database " + path + ": " + e.what());
  }
  return conn;
}

// Binds `params` to `stmt`, steps through it and resets it (also on errors).
class Cursor {
 public:
  Cursor(sqlite3* db, sqlite3_stmt* stmt, std::string_view sql, const Params& params)
      : db_(db), stmt_(stmt), sql_(sql) {
    const int expected = sqlite3_bind_parameter_count(stmt);
    if (expected != static_cast<int>(params.size())) {
      throw StoreError(Kind::Other, "SQLite: the statement has " + std::to_string(expected) +
                                        " parameters but " + std::to_string(params.size()) +
                                        " were given (in: " + sql_excerpt(sql) + ")");
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      int rc = SQLITE_OK;
      const Value& value = params[i];
      if (std::holds_alternative<std::monostate>(value)) {
        rc = sqlite3_bind_null(stmt, index);
      } else if (const auto* integer = std::get_if<int64_t>(&value)) {
        rc = sqlite3_bind_int64(stmt, index, *integer);
      } else if (const auto* real = std::get_if<double>(&value)) {
        rc = sqlite3_bind_double(stmt, index, *real);
      } else {
        const auto& text = std::get<std::string>(value);
        rc = sqlite3_bind_text64(stmt, index, text.data(), text.size(), SQLITE_TRANSIENT,
                                 SQLITE_UTF8);
      }
      if (rc != SQLITE_OK) {
        finish();
        throw error_of(db, rc, sql);
      }
    }
  }
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  ~Cursor() { finish(); }

  // The next row, or nullopt when done.
  std::optional<Row> next() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_DONE) return std::nullopt;
    if (rc != SQLITE_ROW) throw error_of(db_, rc, sql_);
    const int columns = sqlite3_column_count(stmt_);
    std::vector<Value> cells;
    cells.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      switch (sqlite3_column_type(stmt_, c)) {
        case SQLITE_INTEGER:
          cells.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt_, c)));
          break;
        case SQLITE_FLOAT:
          cells.emplace_back(sqlite3_column_double(stmt_, c));
          break;
        case SQLITE_NULL:
          cells.emplace_back(std::monostate{});
          break;
        default: {  // TEXT and BLOB
          const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, c));
          const int size = sqlite3_column_bytes(stmt_, c);
          cells.emplace_back(std::string(data ? data : "", static_cast<std::size_t>(size)));
        }
      }
    }
    return Row(std::move(cells));
  }

 private:
  void finish() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string_view sql_;
};

// PRAGMAs that only report (journal_mode, ...) do not count as read-only to SQLite.
bool is_pragma(std::string_view sql) {
  const auto start = sql.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || sql.size() - start < 6) return false;
  std::string word(sql.substr(start, 6));
  for (char& ch : word) ch = static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
  return word == "PRAGMA";
}

class SqliteTransaction : public Transaction {
 public:
  SqliteTransaction(Connection& conn, bool write) : conn_(conn), write_(write) {}

  Dialect dialect() const override { return Dialect::Sqlite; }

  Rows query(std::string_view sql, const Params& params) override {
    state_.check_usable();
    try {
      Cursor cursor(conn_.db, prepare(sql), sql, params);
      Rows rows;
      while (auto row = cursor.next()) rows.push_back(std::move(*row));
      return rows;
    } catch (StoreError& e) {
      state_.fail(std::move(e));
    }
  }

  int64_t execute(std::string_view sql, const Params& params) override {
    state_.check_usable();
    try {
      Cursor cursor(conn_.db, prepare(sql), sql, params);
      while (cursor.next()) {
      }
      return sqlite3_changes64(conn_.db);
    } catch (StoreError& e) {
      state_.fail(std::move(e));
    }
  }

  void execute_script(std::string_view sql) override {
    state_.check_usable();
    require_write("execute_script");
    try {
      conn_.exec(sql);
    } catch (StoreError& e) {
      state_.fail(std::move(e));
    }
  }

  void notify(std::string_view channel, std::string_view payload) override {
    require_write("notify");
    // Identical pairs of one transaction are delivered once, as PostgreSQL's NOTIFY does.
    if (!sent_.emplace(std::string(channel), std::string(payload)).second) return;
    execute("INSERT INTO store_notifications(channel, payload, created_at) VALUES (?, ?, ?)",
            {std::string(channel), std::string(payload), system_now_ms()});
    notified_ = true;
    if (sqlite3_last_insert_rowid(conn_.db) % kPruneEvery == 0) {
      execute("DELETE FROM store_notifications WHERE created_at < ?",
              {system_now_ms() - kNotificationMaxAgeMs});
    }
  }

  const TxState& state() const { return state_; }
  bool notified() const { return notified_; }

 private:
  sqlite3_stmt* prepare(std::string_view sql) {
    sqlite3_stmt* stmt = conn_.prepare(sql);
    if (!write_ && !sqlite3_stmt_readonly(stmt) && !is_pragma(sql)) {
      throw StoreError(Kind::Other, "a read transaction cannot run a statement that writes: " +
                                        sql_excerpt(sql));
    }
    return stmt;
  }

  void require_write(const char* what) {
    if (!write_) {
      state_.fail(StoreError(Kind::Other, std::string(what) + " needs a write transaction"));
    }
  }

  Connection& conn_;
  bool write_;
  std::set<std::pair<std::string, std::string>> sent_;  // (channel, payload) this transaction
  bool notified_ = false;
  TxState state_;
};

bool is_conflict(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const StoreError& e) {
    return e.kind() == Kind::Conflict;
  } catch (...) {
    return false;
  }
}

class SqliteStore : public Store {
 public:
  SqliteStore(std::string path, StoreOptions options)
      : path_(std::move(path)),
        options_(options),
        pool_(options.max_connections, [this] { return open_connection(path_, options_); }) {}

  ~SqliteStore() override {
    {
      std::lock_guard lock(wake_mutex_);
      stop_ = true;
    }
    wake_cv_.notify_all();
    if (poller_.joinable()) poller_.join();
  }

  void init() {
    pool_.add(open_connection(path_, options_));
    run_transaction(true, [](Transaction& tx) {
      tx.execute_script(
          "CREATE TABLE IF NOT EXISTS store_notifications("
          "id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, payload TEXT NOT NULL, "
          "created_at BIGINT NOT NULL)");
    });
  }

  Dialect dialect() const override { return Dialect::Sqlite; }
  std::string describe() const override { return path_; }

  std::vector<std::string> integrity_problems() override {
    std::vector<std::string> problems;
    read([&](Transaction& tx) {
      for (const Row& row : tx.query("PRAGMA integrity_check")) {
        if (!row.is_null(0) && row.text(0) != "ok") problems.push_back(row.text(0));
      }
      for (const Row& row : tx.query("PRAGMA foreign_key_check")) {
        // table, rowid, referenced table, foreign key index
        std::string line = "foreign key violation: " + row.text(0);
        if (!row.is_null(1)) line += " row " + std::to_string(row.integer(1));
        line += " references a missing row of " + row.text(2);
        problems.push_back(line);
      }
    });
    return problems;
  }

  std::unique_ptr<Subscription> subscribe(
      std::string channel, std::function<void(const std::string& payload)> callback) override {
    std::lock_guard lock(poll_mutex_);
    if (!poll_conn_) {
      poll_conn_ = open_connection(path_, options_);
    }
    int64_t max_id = 0;
    {
      Cursor cursor(poll_conn_->db,
                    poll_conn_->prepare("SELECT COALESCE(MAX(id), 0) FROM store_notifications"),
                    "max id", {});
      if (auto row = cursor.next()) max_id = row->integer(0);
    }
    if (!poller_.joinable()) {
      last_id_ = max_id;
      last_data_version_ = data_version();
      poller_ = std::thread([this] { poll_loop(); });
    }
    auto subscriber = hub_->add(std::move(channel), std::move(callback), max_id);
    return std::make_unique<HubSubscription>(hub_, std::move(subscriber));
  }

 protected:
  void run_transaction(bool write, const std::function<void(Transaction&)>& body) override {
    for (int attempt = 0;; ++attempt) {
      auto lease = pool_.acquire();
      SqliteTransaction tx(*lease, write);
      try {
        lease->exec(write ? "BEGIN IMMEDIATE" : "BEGIN");
        body(tx);
        if (const auto& failure = tx.state().failure()) throw *failure;
        lease->exec("COMMIT");
      } catch (...) {
        std::exception_ptr error = std::current_exception();
        if (!sqlite3_get_autocommit(lease->db)) {
          if (sqlite3_exec(lease->db, "ROLLBACK", nullptr, nullptr, nullptr) != SQLITE_OK) {
            lease.discard();
          }
        }
        const bool conflict =
            is_conflict(error) ||
            (tx.state().failure() && tx.state().failure()->kind() == StoreError::Kind::Conflict);
        if (conflict && attempt < options_.max_retries) {
          lease.give_back();
          backoff_sleep(attempt);
          continue;
        }
        if (conflict && !is_conflict(error)) throw *tx.state().failure();
        std::rethrow_exception(error);
      }
      lease.give_back();
      if (tx.notified()) kick_poller();
      return;
    }
  }

 private:
  void kick_poller() {
    {
      std::lock_guard lock(wake_mutex_);
      kicked_ = true;
    }
    wake_cv_.notify_all();
  }

  int64_t data_version() {
    Cursor cursor(poll_conn_->db, poll_conn_->prepare("PRAGMA data_version"), "data_version", {});
    auto row = cursor.next();
    return row ? row->integer(0) : 0;
  }

  void poll_loop() {
    std::unique_lock lock(wake_mutex_);
    while (!stop_) {
      wake_cv_.wait_for(lock, options_.poll_interval, [&] { return stop_ || kicked_; });
      if (stop_) break;
      const bool kicked = kicked_;
      kicked_ = false;
      lock.unlock();
      try {
        poll_once(kicked);
      } catch (...) {
        // A busy or briefly unreadable database: look again next time.
      }
      lock.lock();
    }
  }

  void poll_once(bool kicked) {
    struct Notification {
      int64_t id;
      std::string channel;
      std::string payload;
    };
    std::vector<Notification> batch;
    {
      std::lock_guard lock(poll_mutex_);
      const int64_t version = data_version();
      if (version == last_data_version_ && !kicked) return;
      last_data_version_ = version;
      Cursor cursor(poll_conn_->db,
                    poll_conn_->prepare("SELECT id, channel, payload FROM store_notifications "
                                        "WHERE id > ? ORDER BY id"),
                    "notifications", {last_id_});
      while (auto row = cursor.next()) {
        batch.push_back({row->integer(0), row->text(1), row->text(2)});
      }
      if (!batch.empty()) last_id_ = batch.back().id;
    }
    for (const auto& n : batch) {
      if (stop_requested()) return;
      hub_->deliver(n.channel, n.payload, n.id);
    }
  }

  bool stop_requested() {
    std::lock_guard lock(wake_mutex_);
    return stop_;
  }

  const std::string path_;
  const StoreOptions options_;
  Pool<Connection> pool_;
  std::shared_ptr<NotificationHub> hub_ = std::make_shared<NotificationHub>();

  // Notifications: the poller's own connection and position, guarded by poll_mutex_.
  std::mutex poll_mutex_;
  std::unique_ptr<Connection> poll_conn_;
  int64_t last_id_ = 0;
  int64_t last_data_version_ = -1;

  std::mutex wake_mutex_;
  std::condition_variable wake_cv_;
  bool stop_ = false;
  bool kicked_ = false;
  std::thread poller_;
};

}  // namespace

std::unique_ptr<Store> open_sqlite(const std::string& path, StoreOptions options) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      throw StoreError(Kind::Connection, "cannot create the folder " + parent.string() +
                                             " for the SQLite database " + path + ": " +
                                             ec.message());
    }
  }
  auto store = std::make_unique<SqliteStore>(path, options);
  store->init();
  return store;
}

}  // namespace slipway::store::detail
