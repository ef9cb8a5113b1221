// Statements, values and transactions on both dialects.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <thread>

#include "store/store.h"
#include "store_test_support.h"

namespace slipway::store::test {
namespace {

using Kind = StoreError::Kind;

class StoreSqlTest : public StoreTest {};

template <class F>
StoreError store_error_of(F&& f) {
  try {
    f();
  } catch (const StoreError& e) {
    return e;
  }
  ADD_FAILURE() << "no StoreError thrown";
  return StoreError(Kind::Other, "none");
}

TEST_P(StoreSqlTest, RoundTripsEveryValueKind) {
  store_->write([](Transaction& tx) {
    tx.execute_script(
        "CREATE TABLE v(k INTEGER PRIMARY KEY, i BIGINT, d DOUBLE PRECISION, s TEXT, n TEXT)");
  });
  const int64_t big = std::numeric_limits<int64_t>::max();
  const int64_t small = std::numeric_limits<int64_t>::min();
  const double third = 1.0 / 3.0;
  const std::string unicode = "héllo ✓ 𝄞 日本語 \"quoted\" 'single' ? $1 \\ back";
  store_->write([&](Transaction& tx) {
    tx.execute("INSERT INTO v(k, i, d, s, n) VALUES (?, ?, ?, ?, ?)",
               {int64_t{1}, big, third, unicode, null_value()});
    tx.execute("INSERT INTO v(k, i, d, s, n) VALUES (?, ?, ?, ?, ?)",
               {int64_t{2}, small, 1e300, std::string(), std::string("x")});
    tx.execute("INSERT INTO v(k, i, d, s, n) VALUES (?, ?, ?, ?, ?)",
               {int64_t{3}, int64_t{0}, -2.5e-300, std::string("0"), null_value()});
  });
  const Rows rows = store_->read(
      [](Transaction& tx) { return tx.query("SELECT k, i, d, s, n FROM v ORDER BY k"); });
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].integer(1), big);
  EXPECT_EQ(rows[0].real(2), third);  // exact: doubles travel with full precision
  EXPECT_EQ(rows[0].text(3), unicode);
  EXPECT_TRUE(rows[0].is_null(4));
  EXPECT_FALSE(rows[0].optional_text(4).has_value());
  EXPECT_EQ(rows[1].integer(1), small);
  EXPECT_EQ(rows[1].real(2), 1e300);
  EXPECT_EQ(rows[1].text(3), "");
  EXPECT_FALSE(rows[1].is_null(3));
  EXPECT_EQ(rows[1].optional_text(4), "x");
  EXPECT_EQ(rows[2].integer(1), 0);
  EXPECT_EQ(rows[2].real(2), -2.5e-300);
  EXPECT_EQ(rows[2].text(3), "0");
  // Cells come back as their kind: integers as int64, doubles as double.
  EXPECT_TRUE(std::holds_alternative<int64_t>(rows[0][1]));
  EXPECT_TRUE(std::holds_alternative<double>(rows[0][2]));
  EXPECT_TRUE(std::holds_alternative<std::string>(rows[0][3]));
  EXPECT_EQ(store_error_of([&] { (void)rows[0].integer(3); }).kind(), Kind::Type);
}

TEST_P(StoreSqlTest, ParametersAsValuesAndExpressions) {
  const Rows rows = store_->read([](Transaction& tx) {
    return tx.query("SELECT ? + 1, ? * 2, COUNT(*) FROM (SELECT 1 AS one) AS t",
                    {int64_t{41}, 1.25});
  });
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].integer(0), 42);
  EXPECT_EQ(rows[0].real(1), 2.5);
  EXPECT_EQ(rows[0].integer(2), 1);
}

TEST_P(StoreSqlTest, QuestionMarksInsideLiteralsAndCommentsAreNotParameters) {
  store_->write([](Transaction& tx) {
    tx.execute_script("CREATE TABLE q(\"a?b\" TEXT, c TEXT)");
    tx.execute(
        "INSERT INTO q(\"a?b\", c) -- a comment? yes ?\n"
        "VALUES (?, /* also ? here */ 'it''s ? and ?')",
        {std::string("first")});
  });
  const Rows rows = store_->read([](Transaction& tx) {
    return tx.query("SELECT \"a?b\", c, '?' || ? FROM q WHERE \"a?b\" = ?",
                    {std::string("!"), std::string("first")});
  });
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].text(0), "first");
  EXPECT_EQ(rows[0].text(1), "it's ? and ?");
  EXPECT_EQ(rows[0].text(2), "?!");
}

TEST_P(StoreSqlTest, WrongParameterCountIsAnError) {
  const auto error = store_error_of(
      [&] { store_->read([](Transaction& tx) { return tx.query("SELECT ?, ?", {int64_t{1}}); }); });
  EXPECT_EQ(error.kind(), Kind::Other);
}

TEST_P(StoreSqlTest, InsertReturning) {
  store_->write([](Transaction& tx) {
    tx.execute_script(postgres_dialect(tx)
                          ? "CREATE TABLE r(id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL)"
                          : "CREATE TABLE r(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT "
                            "NOT NULL)");
  });
  const auto ids = store_->write([](Transaction& tx) {
    std::vector<int64_t> out;
    for (const char* name : {"a", "b", "c"}) {
      const Rows rows =
          tx.query("INSERT INTO r(name) VALUES (?) RETURNING id, name", {std::string(name)});
      EXPECT_EQ(rows.size(), 1u);
      EXPECT_EQ(rows[0].text(1), name);
      out.push_back(rows[0].integer(0));
    }
    return out;
  });
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_LT(ids[0], ids[1]);
  EXPECT_LT(ids[1], ids[2]);
}

TEST_P(StoreSqlTest, OnConflictDoUpdateAndDoNothing) {
  store_->write([](Transaction& tx) {
    tx.execute_script("CREATE TABLE c(k TEXT PRIMARY KEY, n BIGINT NOT NULL)");
  });
  const char* upsert =
      "INSERT INTO c(k, n) VALUES (?, 1) ON CONFLICT (k) DO UPDATE SET n = c.n + 1";
  for (int i = 0; i < 3; ++i) {
    store_->write([&](Transaction& tx) { tx.execute(upsert, {std::string("x")}); });
  }
  const int64_t ignored = store_->write([](Transaction& tx) {
    return tx.execute("INSERT INTO c(k, n) VALUES (?, 100) ON CONFLICT DO NOTHING",
                      {std::string("x")});
  });
  EXPECT_EQ(ignored, 0);
  const int64_t n = store_->read([](Transaction& tx) {
    return tx.query("SELECT n FROM c WHERE k = ?", {std::string("x")}).at(0).integer(0);
  });
  EXPECT_EQ(n, 3);
}

TEST_P(StoreSqlTest, ExecuteReturnsChangedRows) {
  store_->write([](Transaction& tx) {
    tx.execute_script("CREATE TABLE e(k INTEGER PRIMARY KEY, flag INTEGER NOT NULL)");
    for (int64_t k = 1; k <= 5; ++k) tx.execute("INSERT INTO e(k, flag) VALUES (?, 0)", {k});
  });
  const int64_t changed = store_->write([](Transaction& tx) {
    return tx.execute("UPDATE e SET flag = 1 WHERE k > ?", {int64_t{2}});
  });
  EXPECT_EQ(changed, 3);
}

TEST_P(StoreSqlTest, UniqueViolationIsUnique) {
  store_->write([](Transaction& tx) {
    tx.execute_script(
        "CREATE TABLE u(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
        "INSERT INTO u(id, name) VALUES (1, 'a')");
  });
  EXPECT_EQ(store_error_of([&] {
              store_->write([](Transaction& tx) {
                tx.execute("INSERT INTO u(id, name) VALUES (2, ?)", {std::string("a")});
              });
            }).kind(),
            Kind::Unique);
  EXPECT_EQ(store_error_of([&] {
              store_->write([](Transaction& tx) {
                tx.execute("INSERT INTO u(id, name) VALUES (1, ?)", {std::string("b")});
              });
            }).kind(),
            Kind::Unique);
}

TEST_P(StoreSqlTest, CheckAndForeignKeyViolationsAreConstraint) {
  store_->write([](Transaction& tx) {
    tx.execute_script(
        "CREATE TABLE parent(id INTEGER PRIMARY KEY);"
        "CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES "
        "parent(id), n INTEGER NOT NULL CHECK (n > 0))");
  });
  EXPECT_EQ(store_error_of([&] {
              store_->write([](Transaction& tx) {
                tx.execute("INSERT INTO child(id, parent_id, n) VALUES (1, 99, 1)");
              });
            }).kind(),
            Kind::Constraint);
  EXPECT_EQ(store_error_of([&] {
              store_->write([](Transaction& tx) {
                tx.execute("INSERT INTO parent(id) VALUES (1)");
                tx.execute("INSERT INTO child(id, parent_id, n) VALUES (1, 1, 0)");
              });
            }).kind(),
            Kind::Constraint);
}

TEST_P(StoreSqlTest, TriggerRaiseIsConstraintWithItsMessage) {
  store_->write([](Transaction& tx) {
    if (postgres_dialect(tx)) {
      tx.execute_script(
          "CREATE TABLE frozen(id INTEGER PRIMARY KEY, v TEXT);"
          "CREATE FUNCTION frozen_guard() RETURNS trigger AS $$ BEGIN "
          "RAISE EXCEPTION 'frozen rows are immutable'; END; $$ LANGUAGE plpgsql;"
          "CREATE TRIGGER frozen_no_update BEFORE UPDATE ON frozen FOR EACH ROW "
          "EXECUTE FUNCTION frozen_guard();"
          "INSERT INTO frozen(id, v) VALUES (1, 'a')");
    } else {
      tx.execute_script(
          "CREATE TABLE frozen(id INTEGER PRIMARY KEY, v TEXT);"
          "CREATE TRIGGER frozen_no_update BEFORE UPDATE ON frozen BEGIN "
          "SELECT RAISE(ABORT, 'frozen rows are immutable'); END;"
          "INSERT INTO frozen(id, v) VALUES (1, 'a')");
    }
  });
  const auto error = store_error_of([&] {
    store_->write([](Transaction& tx) { tx.execute("UPDATE frozen SET v = 'b' WHERE id = 1"); });
  });
  EXPECT_EQ(error.kind(), Kind::Constraint);
  EXPECT_NE(std::string(error.what()).find("frozen rows are immutable"), std::string::npos)
      << error.what();
}

TEST_P(StoreSqlTest, AnExceptionRollsBackEverything) {
  store_->write([](Transaction& tx) { tx.execute_script("CREATE TABLE rb(k INTEGER)"); });
  EXPECT_THROW(store_->write([](Transaction& tx) {
    tx.execute("INSERT INTO rb(k) VALUES (1)");
    tx.execute("INSERT INTO rb(k) VALUES (2)");
    throw std::runtime_error("changed my mind");
  }),
               std::runtime_error);
  const int64_t count = store_->read(
      [](Transaction& tx) { return tx.query("SELECT COUNT(*) FROM rb").at(0).integer(0); });
  EXPECT_EQ(count, 0);
}

TEST_P(StoreSqlTest, AFailedStatementEndsTheTransactionEvenWhenCaught) {
  store_->write([](Transaction& tx) {
    tx.execute_script("CREATE TABLE f(k INTEGER PRIMARY KEY); INSERT INTO f(k) VALUES (1)");
  });
  const auto error = store_error_of([&] {
    store_->write([](Transaction& tx) {
      tx.execute("INSERT INTO f(k) VALUES (2)");
      try {
        tx.execute("INSERT INTO f(k) VALUES (1)");
      } catch (const StoreError&) {
        // swallowed: the transaction must still not commit
      }
    });
  });
  EXPECT_EQ(error.kind(), Kind::Unique);
  const int64_t count = store_->read(
      [](Transaction& tx) { return tx.query("SELECT COUNT(*) FROM f").at(0).integer(0); });
  EXPECT_EQ(count, 1);
}

TEST_P(StoreSqlTest, WriteAndReadReturnTheBodysValue) {
  store_->write([](Transaction& tx) { tx.execute_script("CREATE TABLE w(k INTEGER)"); });
  const auto pair = store_->write([](Transaction& tx) {
    tx.execute("INSERT INTO w(k) VALUES (7)");
    return std::make_pair(std::string("seven"), int64_t{7});
  });
  EXPECT_EQ(pair.first, "seven");
  EXPECT_EQ(pair.second, 7);
  const std::string text = store_->read(
      [](Transaction& tx) { return std::to_string(tx.query("SELECT k FROM w").at(0).integer(0)); });
  EXPECT_EQ(text, "7");
}

TEST_P(StoreSqlTest, AReadTransactionRefusesWrites) {
  store_->write([](Transaction& tx) { tx.execute_script("CREATE TABLE ro(k INTEGER)"); });
  EXPECT_THROW(store_->read([](Transaction& tx) { tx.execute("INSERT INTO ro(k) VALUES (1)"); }),
               StoreError);
  const int64_t count = store_->read(
      [](Transaction& tx) { return tx.query("SELECT COUNT(*) FROM ro").at(0).integer(0); });
  EXPECT_EQ(count, 0);
}

TEST_P(StoreSqlTest, ConcurrentReadModifyWriteFromEightThreadsLosesNothing) {
  store_->write([](Transaction& tx) {
    tx.execute_script(
        "CREATE TABLE counter(id INTEGER PRIMARY KEY, n BIGINT NOT NULL);"
        "INSERT INTO counter(id, n) VALUES (1, 0)");
  });
  constexpr int kThreads = 8;
  constexpr int kIncrements = 25;
  // Half the threads share the test's store (its pool), half open their own (like replicas).
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::unique_ptr<Store> own;
      Store* store = store_.get();
      try {
        if (t % 2 == 1) {
          own = open_again();
          store = own.get();
        }
        for (int i = 0; i < kIncrements; ++i) {
          store->write([](Transaction& tx) {
            const int64_t n = tx.query("SELECT n FROM counter WHERE id = 1").at(0).integer(0);
            tx.execute("UPDATE counter SET n = ? WHERE id = 1", {n + 1});
          });
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  const int64_t n = store_->read([](Transaction& tx) {
    return tx.query("SELECT n FROM counter WHERE id = 1").at(0).integer(0);
  });
  EXPECT_EQ(n, kThreads * kIncrements);
}

TEST_P(StoreSqlTest, CommittedDataSurvivesClosingAndReopening) {
  store_->write([](Transaction& tx) {
    tx.execute_script("CREATE TABLE d(k INTEGER PRIMARY KEY, v TEXT)");
    tx.execute("INSERT INTO d(k, v) VALUES (1, ?)", {std::string("kept")});
  });
  store_.reset();
  auto reopened = open_again();
  const std::string v = reopened->read(
      [](Transaction& tx) { return tx.query("SELECT v FROM d WHERE k = 1").at(0).text(0); });
  EXPECT_EQ(v, "kept");
}

TEST_P(StoreSqlTest, IntegrityProblemsIsEmptyOnAGoodDatabase) {
  store_->write([](Transaction& tx) {
    tx.execute_script(
        "CREATE TABLE p(id INTEGER PRIMARY KEY);"
        "CREATE TABLE ch(id INTEGER PRIMARY KEY, p INTEGER REFERENCES p(id));"
        "INSERT INTO p(id) VALUES (1); INSERT INTO ch(id, p) VALUES (1, 1)");
  });
  EXPECT_TRUE(store_->integrity_problems().empty());
}

TEST_P(StoreSqlTest, DialectAndDescribe) {
  EXPECT_EQ(store_->dialect(), postgres() ? Dialect::Postgres : Dialect::Sqlite);
  store_->read([&](Transaction& tx) { EXPECT_EQ(tx.dialect(), store_->dialect()); });
  EXPECT_FALSE(store_->describe().empty());
}

INSTANTIATE_TEST_SUITE_P(Store, StoreSqlTest, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::store::test
