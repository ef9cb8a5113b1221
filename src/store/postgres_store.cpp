#include "store/postgres_store.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <set>
#include <thread>

#include "store/notification_hub.h"
#include "store/pool.h"
#include "store/retry.h"
#include "store/sql_text.h"
#include "store/tx_state.h"

namespace slipway::store::detail {

namespace {

using Kind = StoreError::Kind;

// pg_advisory_lock key every write transaction holds ("slipwayw"): writers take turns, as
// with SQLite, so serializable transactions rarely have to be retried.
constexpr int64_t kWriteLockKey = 0x736c697077617977;

// Type oids (catalog/pg_type_d.h, stable across versions).
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

std::string sql_excerpt(std::string_view sql) {
  constexpr std::size_t kMax = 200;
  if (sql.size() <= kMax) return std::string(sql);
  return std::string(sql.substr(0, kMax)) + "...";
}

std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

void ignore_notice(void*, const char*) {}

struct Connection {
  PGconn* conn = nullptr;
  explicit Connection(PGconn* c) : conn(c) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() { PQfinish(conn); }
  bool ok() const { return PQstatus(conn) == CONNECTION_OK; }
};

// The error of a failed result (or of a lost connection when there is none).
StoreError error_of(PGconn* conn, const PGresult* result, std::string_view sql,
                    const std::string& location) {
  if (PQstatus(conn) != CONNECTION_OK) {
    return StoreError(Kind::Connection, "lost the connection to PostgreSQL at " + location + ": " +
                                            trim(PQerrorMessage(conn)));
  }
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const std::string code = state ? state : "";
  const std::string message = primary ? primary : trim(PQerrorMessage(conn));
  if (code == "40001" || code == "40P01" || code == "55P03") {
    return StoreError(Kind::Conflict, "PostgreSQL: " + message + " (SQLSTATE " + code + ")");
  }
  if (code == "23505") return StoreError(Kind::Unique, message);
  if (code.rfind("23", 0) == 0 || code == "P0001") return StoreError(Kind::Constraint, message);
  std::string text = "PostgreSQL: " + message;
  if (!code.empty()) text += " (SQLSTATE " + code + ")";
  return StoreError(Kind::Other, text + " in: " + sql_excerpt(sql));
}

// Runs `sql` (no parameters, possibly several statements); throws on failure.
Result exec_simple(PGconn* conn, std::string_view sql, const std::string& location) {
  const std::string text(sql);
  Result result(PQexec(conn, text.c_str()));
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
    throw error_of(conn, result.get(), sql, location);
  }
  return result;
}

std::unique_ptr<Connection> connect(const std::string& url, const std::string& location,
                                    const StoreOptions& options) {
  auto conn = std::make_unique<Connection>(PQconnectdb(url.c_str()));
  if (!conn->conn || !conn->ok()) {
    const std::string message = conn->conn ? trim(PQerrorMessage(conn->conn)) : "out of memory";
    throw StoreError(Kind::Connection,
                     "cannot connect to PostgreSQL at " + location + ": " + message);
  }
  PQsetNoticeProcessor(conn->conn, ignore_notice, nullptr);
  if (PQsetClientEncoding(conn->conn, "UTF8") != 0) {
    throw StoreError(Kind::Connection,
                     "PostgreSQL at " + location + ": cannot use the UTF8 client encoding");
  }
  try {
    exec_simple(conn->conn,
                "SET lock_timeout = " + std::to_string(options.busy_timeout.count()) +
                    "; SET extra_float_digits = 3",
                location);
  } catch (const StoreError& e) {
    throw StoreError(Kind::Connection,
                     "cannot set up the connection to PostgreSQL at " + location + ": " + e.what());
  }
  return conn;
}

Value cell_value(const PGresult* result, int row, int column) {
  if (PQgetisnull(result, row, column)) return std::monostate{};
  const char* text = PQgetvalue(result, row, column);
  const int length = PQgetlength(result, row, column);
  switch (PQftype(result, column)) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid:
      return static_cast<int64_t>(std::strtoll(text, nullptr, 10));
    case kFloat4Oid:
    case kFloat8Oid:
      return std::strtod(text, nullptr);
    case kNumericOid: {
      // A whole number (SUM of integers) stays an integer, as SQLite returns it.
      bool whole = length > 0 && length < 19;
      for (int i = 0; whole && i < length; ++i) {
        whole = (text[i] >= '0' && text[i] <= '9') || (i == 0 && text[i] == '-');
      }
      if (whole) return static_cast<int64_t>(std::strtoll(text, nullptr, 10));
      return std::strtod(text, nullptr);
    }
    case kBoolOid:
      return static_cast<int64_t>(text[0] == 't' ? 1 : 0);
    default:
      return std::string(text, static_cast<std::size_t>(length));
  }
}

std::string format_double(double value) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  std::string text = buffer;
  if (text == "inf") return "Infinity";
  if (text == "-inf") return "-Infinity";
  if (text == "nan" || text == "-nan") return "NaN";
  return text;
}

class PostgresTransaction : public Transaction {
 public:
  PostgresTransaction(Connection& conn, bool write, const std::string& location)
      : conn_(conn), write_(write), location_(location) {}

  Dialect dialect() const override { return Dialect::Postgres; }

  Rows query(std::string_view sql, const Params& params) override {
    Result result = run(sql, params);
    Rows rows;
    const int row_count = PQntuples(result.get());
    const int columns = PQnfields(result.get());
    rows.reserve(static_cast<std::size_t>(row_count));
    for (int r = 0; r < row_count; ++r) {
      std::vector<Value> cells;
      cells.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) cells.push_back(cell_value(result.get(), r, c));
      rows.emplace_back(std::move(cells));
    }
    return rows;
  }

  int64_t execute(std::string_view sql, const Params& params) override {
    Result result = run(sql, params);
    const char* tuples = PQcmdTuples(result.get());
    return tuples && *tuples ? std::strtoll(tuples, nullptr, 10) : 0;
  }

  void execute_script(std::string_view sql) override {
    state_.check_usable();
    if (!write_) state_.fail(StoreError(Kind::Other, "execute_script needs a write transaction"));
    try {
      exec_simple(conn_.conn, sql, location_);
    } catch (StoreError& e) {
      state_.fail(std::move(e));
    }
  }

  void notify(std::string_view channel, std::string_view payload) override {
    if (!write_) state_.fail(StoreError(Kind::Other, "notify needs a write transaction"));
    query("SELECT pg_notify(?, ?)", {std::string(channel), std::string(payload)});
  }

  const TxState& state() const { return state_; }

 private:
  Result run(std::string_view sql, const Params& params) {
    state_.check_usable();
    try {
      int count = 0;
      const std::string rewritten = rewrite_placeholders(sql, count);
      if (count != static_cast<int>(params.size())) {
        throw StoreError(Kind::Other, "PostgreSQL: the statement has " + std::to_string(count) +
                                          " parameters but " + std::to_string(params.size()) +
                                          " were given (in: " + sql_excerpt(sql) + ")");
      }
      std::vector<std::string> texts(params.size());
      std::vector<const char*> values(params.size(), nullptr);
      std::vector<Oid> types(params.size(), 0);
      for (std::size_t i = 0; i < params.size(); ++i) {
        const Value& value = params[i];
        if (const auto* integer = std::get_if<int64_t>(&value)) {
          texts[i] = std::to_string(*integer);
          types[i] = kInt8Oid;
        } else if (const auto* real = std::get_if<double>(&value)) {
          texts[i] = format_double(*real);
          types[i] = kFloat8Oid;
        } else if (const auto* text = std::get_if<std::string>(&value)) {
          texts[i] = *text;
        } else {
          continue;  // NULL
        }
        values[i] = texts[i].c_str();
      }
      Result result(PQexecParams(conn_.conn, rewritten.c_str(), static_cast<int>(params.size()),
                                 types.data(), values.data(), nullptr, nullptr, 0));
      const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
      if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        throw error_of(conn_.conn, result.get(), sql, location_);
      }
      return result;
    } catch (StoreError& e) {
      state_.fail(std::move(e));
    }
  }

  Connection& conn_;
  bool write_;
  const std::string& location_;
  TxState state_;
};

enum class Failure { None, Conflict, Connection, Other };

Failure classify(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const StoreError& e) {
    if (e.kind() == Kind::Conflict) return Failure::Conflict;
    if (e.kind() == Kind::Connection) return Failure::Connection;
    return Failure::Other;
  } catch (...) {
    return Failure::Other;
  }
}

class PostgresStore : public Store {
 public:
  PostgresStore(std::string url, StoreOptions options)
      : url_(std::move(url)),
        location_(mask_password(url_)),
        options_(options),
        pool_(options.max_connections, [this] { return connect(url_, location_, options_); }) {}

  ~PostgresStore() override {
    stop_ = true;
    wake_listener();
    if (listener_.joinable()) listener_.join();
    if (wake_pipe_[0] >= 0) close(wake_pipe_[0]);
    if (wake_pipe_[1] >= 0) close(wake_pipe_[1]);
  }

  void init() { pool_.add(connect(url_, location_, options_)); }

  Dialect dialect() const override { return Dialect::Postgres; }
  std::string describe() const override { return location_; }

  std::vector<std::string> integrity_problems() override {
    std::vector<std::string> problems;
    try {
      read([&](Transaction& tx) {
        tx.query("SELECT 1");
        const bool migrated = tx.query(
                                    "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE tablename = "
                                    "'schema_migrations' AND schemaname = current_schema()")
                                  .at(0)
                                  .integer(0) > 0;
        if (migrated) tx.query("SELECT COUNT(*) FROM schema_migrations");
      });
    } catch (const std::exception& e) {
      problems.push_back(e.what());
    }
    return problems;
  }

  std::unique_ptr<Subscription> subscribe(
      std::string channel, std::function<void(const std::string& payload)> callback) override {
    {
      std::lock_guard lock(listen_mutex_);
      if (!listen_conn_ || !listen_conn_->ok()) reconnect_listener();  // throws when it cannot
      if (!listening_.count(channel)) {
        exec_simple(listen_conn_->conn, "LISTEN " + quote_identifier(channel), location_);
        listening_.insert(channel);
      }
      if (!listener_.joinable()) {
        if (pipe2(wake_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) {
          throw StoreError(Kind::Other, "cannot create a pipe for the PostgreSQL listener");
        }
        listener_ = std::thread([this] { listen_loop(); });
      }
    }
    auto subscriber = hub_->add(std::move(channel), std::move(callback), -1);
    wake_listener();  // LISTEN may have read notifications: let the listener look
    return std::make_unique<HubSubscription>(hub_, std::move(subscriber));
  }

 protected:
  void run_transaction(bool write, const std::function<void(Transaction&)>& body) override {
    bool reconnected = false;
    for (int attempt = 0;; ++attempt) {
      auto lease = pool_.acquire();
      if (!lease->ok()) {
        // Dropped while idle: replace it once with a fresh connection (which throws
        // Connection when the server cannot be reached).
        lease.discard();
        if (reconnected) {
          throw StoreError(Kind::Connection, "lost the connection to PostgreSQL at " + location_);
        }
        reconnected = true;
        lease.give_back();
        --attempt;
        continue;
      }
      PostgresTransaction tx(*lease, write, location_);
      bool locked = false;
      bool committing = false;
      try {
        if (write) {
          exec_simple(lease->conn, "SELECT pg_advisory_lock(" + std::to_string(kWriteLockKey) + ")",
                      location_);
          locked = true;
          exec_simple(lease->conn, "BEGIN ISOLATION LEVEL SERIALIZABLE", location_);
        } else {
          exec_simple(lease->conn, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", location_);
        }
        body(tx);
        if (const auto& failure = tx.state().failure()) throw *failure;
        committing = true;
        exec_simple(lease->conn, "COMMIT", location_);
        committing = false;
        if (locked) unlock(*lease);
      } catch (...) {
        std::exception_ptr error = std::current_exception();
        if (lease->ok()) {
          try {
            if (PQtransactionStatus(lease->conn) != PQTRANS_IDLE) {
              exec_simple(lease->conn, "ROLLBACK", location_);
            }
            if (locked) unlock(*lease);
          } catch (...) {
            lease.discard();  // closing the session releases its locks
          }
        } else {
          lease.discard();
        }
        Failure failure = classify(error);
        if (failure != Failure::Conflict && tx.state().failure() &&
            tx.state().failure()->kind() == Kind::Conflict) {
          failure = Failure::Conflict;
          error = std::make_exception_ptr(*tx.state().failure());
        }
        if (failure == Failure::Conflict && attempt < options_.max_retries) {
          lease.give_back();
          backoff_sleep(attempt);
          continue;
        }
        // A connection lost before COMMIT: nothing was written, run it again once on a new
        // connection. Lost during COMMIT nobody knows, so the caller hears about it.
        if (failure == Failure::Connection && !committing && !reconnected) {
          reconnected = true;
          lease.discard();
          lease.give_back();
          continue;
        }
        std::rethrow_exception(error);
      }
      return;
    }
  }

 private:
  void unlock(Connection& conn) {
    exec_simple(conn.conn, "SELECT pg_advisory_unlock(" + std::to_string(kWriteLockKey) + ")",
                location_);
  }

  static std::string quote_identifier(const std::string& name) {
    std::string out = "\"";
    for (char ch : name) {
      if (ch == '"') out += '"';
      out += ch;
    }
    return out + "\"";
  }

  void wake_listener() {
    if (wake_pipe_[1] >= 0) {
      const char byte = 1;
      [[maybe_unused]] const auto written = ::write(wake_pipe_[1], &byte, 1);
    }
  }

  // Opens the listener connection and LISTENs to every channel (under listen_mutex_).
  void reconnect_listener() {
    listen_conn_.reset();
    auto conn = connect(url_, location_, options_);
    std::set<std::string> channels = listening_;
    for (const auto& channel : hub_->channels()) channels.insert(channel);
    for (const auto& channel : channels) {
      exec_simple(conn->conn, "LISTEN " + quote_identifier(channel), location_);
    }
    listen_conn_ = std::move(conn);
  }

  void listen_loop() {
    while (!stop_) {
      int socket = -1;
      {
        std::lock_guard lock(listen_mutex_);
        if (listen_conn_ && listen_conn_->ok()) socket = PQsocket(listen_conn_->conn);
      }
      pollfd fds[2] = {{wake_pipe_[0], POLLIN, 0}, {socket, POLLIN, 0}};
      const int ready = poll(fds, socket >= 0 ? 2 : 1, socket >= 0 ? 1000 : 500);
      if (stop_) break;
      if (ready > 0 && (fds[0].revents & POLLIN)) {
        char buffer[64];
        while (::read(wake_pipe_[0], buffer, sizeof buffer) > 0) {
        }
      }
      struct Notification {
        std::string channel;
        std::string payload;
      };
      std::vector<Notification> batch;
      {
        std::lock_guard lock(listen_mutex_);
        try {
          if (!listen_conn_ || !listen_conn_->ok() || !PQconsumeInput(listen_conn_->conn) ||
              !listen_conn_->ok()) {
            reconnect_listener();
          }
          while (PGnotify* n = PQnotifies(listen_conn_->conn)) {
            batch.push_back({n->relname, n->extra ? n->extra : ""});
            PQfreemem(n);
          }
        } catch (...) {
          listen_conn_.reset();  // try again after the next poll timeout
        }
      }
      for (const auto& n : batch) {
        if (stop_) break;
        hub_->deliver(n.channel, n.payload);
      }
    }
  }

  const std::string url_;
  const std::string location_;
  const StoreOptions options_;
  Pool<Connection> pool_;
  std::shared_ptr<NotificationHub> hub_ = std::make_shared<NotificationHub>();

  std::mutex listen_mutex_;
  std::unique_ptr<Connection> listen_conn_;
  std::set<std::string> listening_;
  std::thread listener_;
  int wake_pipe_[2] = {-1, -1};
  std::atomic<bool> stop_{false};
};

}  // namespace

bool is_postgres_location(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::unique_ptr<Store> open_postgres(const std::string& url, StoreOptions options) {
  auto store = std::make_unique<PostgresStore>(url, options);
  store->init();
  return store;
}

}  // namespace slipway::store::detail
