#pragma once
// Internal: the PostgreSQL store (Store::open with a postgresql:// or postgres:// URL).
#include <memory>
#include <string>

#include "store/store.h"

namespace slipway::store::detail {

bool is_postgres_location(const std::string& location);
std::unique_ptr<Store> open_postgres(const std::string& url, StoreOptions options);

}  // namespace slipway::store::detail
