#pragma once
// Internal: the SQLite store (Store::open with a file path).
#include <memory>
#include <string>

#include "store/store.h"

namespace slipway::store::detail {

std::unique_ptr<Store> open_sqlite(const std::string& path, StoreOptions options);

}  // namespace slipway::store::detail
