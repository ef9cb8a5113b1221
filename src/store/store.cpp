#include "store/store.h"

#include <filesystem>

#include "store/postgres_store.h"
#include "store/sqlite_store.h"

namespace slipway::store {

std::unique_ptr<Store> Store::open(const std::string& location, StoreOptions options) {
  if (detail::is_postgres_location(location)) return detail::open_postgres(location, options);
  if (location.empty()) {
    throw StoreError(StoreError::Kind::Connection, "no database location given");
  }
  return detail::open_sqlite(location, options);
}

std::unique_ptr<Store> Store::open_data_dir(const std::string& data_dir, StoreOptions options) {
  return detail::open_sqlite((std::filesystem::path(data_dir) / "slipway.db").string(), options);
}

}  // namespace slipway::store
