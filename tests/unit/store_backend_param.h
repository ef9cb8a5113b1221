#pragma once
// The database a store-backed suite runs on: every such suite runs once on SQLite and once on
// a real PostgreSQL server (the ctest fixture "postgres").
#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace slipway::test {

enum class Backend { Sqlite, Postgres };

inline const char* to_string(Backend backend) {
  return backend == Backend::Sqlite ? "Sqlite" : "Postgres";
}
// Test names end in /Sqlite or /Postgres, and ctest lists the parameter by name.
inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return to_string(info.param);
}
inline void PrintTo(Backend backend, std::ostream* out) {
  *out << to_string(backend);
}

inline const auto kBothBackends = ::testing::Values(Backend::Sqlite, Backend::Postgres);

}  // namespace slipway::test
