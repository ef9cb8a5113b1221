#pragma once
// The one interface to durable state: SQLite (a file, the default) or PostgreSQL (by URL, for
// several replicas). The store owns connections, transactions, dialect differences, schema
// migrations and change notifications; each module owns its own tables and SQL (DESIGN.md).
//
// SQL is written once with `?` placeholders and the common subset of both dialects (INTEGER /
// BIGINT, DOUBLE PRECISION, TEXT, RETURNING, ON CONFLICT); the PostgreSQL store rewrites `?`
// to `$1..$n` (never inside quoted literals). Where a module needs dialect-specific SQL (DDL,
// triggers) it asks `dialect()`.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "store/store_error.h"
#include "store/value.h"

namespace slipway::store {

enum class Dialect { Sqlite, Postgres };

// One open transaction; valid only inside the function given to Store::read/write.
// A statement that throws ends the transaction on both dialects (PostgreSQL aborts it):
// further statements throw, and a body that catches the error and returns still rolls back
// with that error. Use ON CONFLICT instead of catching Unique inside a body. A read
// transaction refuses statements that write (and notify).
class Transaction {
 public:
  virtual ~Transaction() = default;
  virtual Dialect dialect() const = 0;
  virtual Rows query(std::string_view sql, const Params& params = {}) = 0;
  // Returns the number of rows changed.
  virtual int64_t execute(std::string_view sql, const Params& params = {}) = 0;
  // Several statements separated by `;`, no parameters (migrations).
  virtual void execute_script(std::string_view sql) = 0;
  // Queued with the transaction: subscribers in every process see it only after a commit.
  // Identical channel+payload pairs of one transaction are delivered once (both dialects).
  virtual void notify(std::string_view channel, std::string_view payload) = 0;
};

// A live subscription; destroying it unsubscribes (and waits for a running callback).
class Subscription {
 public:
  virtual ~Subscription() = default;
};

struct StoreOptions {
  int max_connections = 4;                        // pool size
  std::chrono::milliseconds busy_timeout{5'000};  // wait for a lock before Conflict
  int max_retries = 8;                            // whole-transaction retries on Conflict
  std::chrono::milliseconds poll_interval{200};   // SQLite notifications: how often to look
};

class Store {
 public:
  // "postgresql://..." or "postgres://..." opens PostgreSQL (libpq URL syntax); anything else
  // is a SQLite file path (its folder is created; WAL mode, synchronous=FULL). Throws
  // StoreError(Kind::Connection) naming the location (never a password).
  static std::unique_ptr<Store> open(const std::string& location, StoreOptions options = {});
  // The SQLite file `slipway.db` under a data folder.
  static std::unique_ptr<Store> open_data_dir(const std::string& data_dir,
                                              StoreOptions options = {});

  virtual ~Store() = default;
  virtual Dialect dialect() const = 0;
  // The location with any password masked, for logs and errors.
  virtual std::string describe() const = 0;
  // Empty when the database passes its integrity check (SQLite: PRAGMA integrity_check and
  // foreign_key_check; PostgreSQL: every module table readable), else one line per problem.
  virtual std::vector<std::string> integrity_problems() = 0;

  // Runs `body` in one transaction on a pooled connection. A write transaction takes the
  // write lock at its start (SQLite BEGIN IMMEDIATE; PostgreSQL SERIALIZABLE) and is durable
  // when write() returns. On a Conflict the whole body runs again (up to max_retries), so a
  // body must do nothing but SQL that cannot be undone. Any exception rolls back and
  // propagates.
  template <class Body>
  auto write(Body&& body) {
    return run_returning(true, std::forward<Body>(body));
  }
  template <class Body>
  auto read(Body&& body) {
    return run_returning(false, std::forward<Body>(body));
  }

  // Calls `callback(payload)` on a store thread for each notify() on `channel` committed by
  // any process sharing this database, this one included, in commit order per process.
  virtual std::unique_ptr<Subscription> subscribe(
      std::string channel, std::function<void(const std::string& payload)> callback) = 0;

 protected:
  virtual void run_transaction(bool write, const std::function<void(Transaction&)>& body) = 0;

 private:
  template <class Body>
  auto run_returning(bool write, Body&& body) {
    using Result = std::invoke_result_t<Body&, Transaction&>;
    if constexpr (std::is_void_v<Result>) {
      run_transaction(write, [&](Transaction& tx) { body(tx); });
    } else {
      std::optional<Result> result;
      run_transaction(write, [&](Transaction& tx) { result.emplace(body(tx)); });
      return std::move(*result);
    }
  }
};

}  // namespace slipway::store
