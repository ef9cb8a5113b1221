// What only the SQLite store does: its file, its pragmas, several real processes on one file.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "store_test_support.h"

namespace slipway::store::test {
namespace {

TEST(StoreSqlite, OpenDataDirCreatesTheFolderAndSlipwayDb) {
  const auto dir = slipway::test::fresh_test_dir("store", "datadir") / "nested" / "data";
  auto store = Store::open_data_dir(dir.string());
  EXPECT_EQ(store->dialect(), Dialect::Sqlite);
  EXPECT_TRUE(std::filesystem::exists(dir / "slipway.db"));
  EXPECT_EQ(store->describe(), (dir / "slipway.db").string());
}

TEST(StoreSqlite, UsesWalAndFullSync) {
  const auto path = fresh_location(Backend::Sqlite);
  auto store = Store::open(path);
  store->read([](Transaction& tx) {
    EXPECT_EQ(tx.query("PRAGMA journal_mode").at(0).text(0), "wal");
    EXPECT_EQ(tx.query("PRAGMA synchronous").at(0).integer(0), 2);  // FULL
    EXPECT_EQ(tx.query("PRAGMA foreign_keys").at(0).integer(0), 1);
  });
}

TEST(StoreSqlite, AnUnopenableLocationIsAConnectionError) {
  const auto dir = slipway::test::fresh_test_dir("store", "unopenable");
  std::filesystem::create_directories(dir / "a-folder.db");  // a folder, not a file
  try {
    Store::open((dir / "a-folder.db").string());
    FAIL() << "opened a folder";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind(), StoreError::Kind::Connection);
    EXPECT_NE(std::string(e.what()).find("a-folder.db"), std::string::npos) << e.what();
  }
}

TEST(StoreSqlite, IntegrityProblemsReportsForeignKeyViolations) {
  const std::string path = fresh_location(Backend::Sqlite);
  {  // A dangling reference only a connection without foreign_keys can write.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE p(id INTEGER PRIMARY KEY);"
                           "CREATE TABLE c(id INTEGER PRIMARY KEY, p INTEGER REFERENCES p(id));"
                           "INSERT INTO c(id, p) VALUES (1, 42)",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  auto store = Store::open(path);
  const auto problems = store->integrity_problems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("foreign key"), std::string::npos) << problems[0];
}

// Several processes write to one file at once: every write lands, nothing is lost.
TEST(StoreSqlite, SeveralProcessesWriteToOneFile) {
  const std::string path = fresh_location(Backend::Sqlite);
  {
    auto store = Store::open(path);
    store->write([](Transaction& tx) {
      tx.execute_script(
          "CREATE TABLE rows_by_process(pid INTEGER, i INTEGER, PRIMARY KEY(pid, i));"
          "CREATE TABLE counter(id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
          "INSERT INTO counter(id, n) VALUES (1, 0)");
    });
  }  // no store (and no store threads) alive across fork()
  constexpr int kProcesses = 4;
  constexpr int kRows = 40;
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int status = 0;
      try {
        auto store = Store::open(path);
        for (int i = 0; i < kRows; ++i) {
          store->write([&](Transaction& tx) {
            tx.execute("INSERT INTO rows_by_process(pid, i) VALUES (?, ?)",
                       {int64_t{p}, int64_t{i}});
            const int64_t n = tx.query("SELECT n FROM counter WHERE id = 1").at(0).integer(0);
            tx.execute("UPDATE counter SET n = ? WHERE id = 1", {n + 1});
          });
        }
      } catch (...) {
        status = 1;
      }
      _exit(status);
    }
    children.push_back(pid);
  }
  for (pid_t child : children) {
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child failed: " << status;
  }
  auto store = Store::open(path);
  const auto [rows, n] = store->read([](Transaction& tx) {
    return std::make_pair(tx.query("SELECT COUNT(*) FROM rows_by_process").at(0).integer(0),
                          tx.query("SELECT n FROM counter WHERE id = 1").at(0).integer(0));
  });
  EXPECT_EQ(rows, kProcesses * kRows);
  EXPECT_EQ(n, kProcesses * kRows);
}

// A notification committed by another process reaches this one.
TEST(StoreSqlite, NotificationsCrossProcesses) {
  const std::string path = fresh_location(Backend::Sqlite);
  StoreOptions options = fast_options();
  auto store = Store::open(path, options);
  Inbox inbox;
  auto subscription = store->subscribe("cross", inbox.callback());
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // The child only uses its own, fresh store (the parent's threads do not exist here).
    int status = 0;
    try {
      auto child = Store::open(path, options);
      child->write([](Transaction& tx) { tx.notify("cross", "hello from a child"); });
    } catch (...) {
      status = 1;
    }
    _exit(status);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(inbox.wait_for(1), (std::vector<std::string>{"hello from a child"}));
}

}  // namespace
}  // namespace slipway::store::test
