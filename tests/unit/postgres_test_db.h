#pragma once
// A fresh PostgreSQL database per test, on the server the ctest fixture `postgres` runs
// (tests/support/postgres.sh writes its URL to $SLIPWAY_TEST_POSTGRES/url). A missing server
// is an error, never a skip: a PostgreSQL test that silently did not run would let CI pass.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace slipway::test {

// The fixture server's URL (postgresql://user@127.0.0.1:port/postgres).
inline std::string postgres_fixture_url() {
  const char* dir = std::getenv("SLIPWAY_TEST_POSTGRES");
  if (dir == nullptr || *dir == '\0') {
    throw std::runtime_error(
        "SLIPWAY_TEST_POSTGRES is not set: PostgreSQL tests need the ctest fixture `postgres` "
        "(run them through ctest, or start a server with tests/support/postgres.sh start DIR "
        "and set SLIPWAY_TEST_POSTGRES=DIR)");
  }
  std::ifstream in(std::string(dir) + "/url");
  std::string url;
  if (!in || !std::getline(in, url) || url.empty()) {
    throw std::runtime_error(std::string("SLIPWAY_TEST_POSTGRES=") + dir +
                             " has no url file: the ctest fixture `postgres` (test "
                             "postgres_start, tests/support/postgres.sh) did not start a server");
  }
  return url;
}

// Drops and creates the database t_<name + current test>, returns its URL.
inline std::string fresh_postgres_url(const std::string& name) {
  const std::string base = postgres_fixture_url();
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string full = name;
  if (info != nullptr) full += std::string("_") + info->test_suite_name() + "_" + info->name();
  std::string db = "t_";
  for (char ch : full) {
    const bool keep = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
    if (ch >= 'A' && ch <= 'Z') {
      db += static_cast<char>(ch - 'A' + 'a');
    } else {
      db += keep ? ch : '_';
    }
  }
  if (db.size() > 63) {  // PostgreSQL truncates names at 63 bytes: keep them unique
    uint64_t hash = 1469598103934665603ull;
    for (char ch : full) hash = (hash ^ static_cast<unsigned char>(ch)) * 1099511628211ull;
    char suffix[20];
    std::snprintf(suffix, sizeof suffix, "_%016llx", static_cast<unsigned long long>(hash));
    db = db.substr(0, 63 - 17) + suffix;
  }

  PGconn* conn = PQconnectdb(base.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("cannot connect to the fixture PostgreSQL server " + base + ": " +
                             message);
  }
  const std::vector<std::string> statements = {"DROP DATABASE IF EXISTS " + db + " WITH (FORCE)",
                                               "CREATE DATABASE " + db};
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);  // "does not exist, skipping"
  for (const std::string& sql : statements) {
    std::string error;
    for (int attempt = 0; attempt < 5; ++attempt) {
      PGresult* result = PQexec(conn, sql.c_str());
      const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
      error = ok ? "" : PQresultErrorMessage(result);
      PQclear(result);
      if (ok) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100 * (attempt + 1)));
    }
    if (!error.empty()) {
      PQfinish(conn);
      throw std::runtime_error("fixture PostgreSQL: " + sql + ": " + error);
    }
  }
  PQfinish(conn);
  return base.substr(0, base.rfind('/')) + "/" + db;
}

}  // namespace slipway::test
