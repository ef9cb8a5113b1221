#pragma once
// Where state lives, shared by `slipway serve` and `slipway models`: `--store URL` (a
// postgresql:// URL, or a SQLite file) wins; else `--data DIR`; else $SLIPWAY_DATA; else
// $XDG_DATA_HOME/slipway; else ~/.local/share/slipway. A data folder holds slipway.db.
#include <memory>
#include <string>

#include "store/store.h"

namespace slipway::app {

struct DataLocation {
  std::string data_dir;  // flag value, may be empty
  std::string store;     // flag value, may be empty
};

// The location Store::open takes (a URL or the SQLite file path).
std::string resolve_store_location(const DataLocation& location);
std::unique_ptr<store::Store> open_store(const DataLocation& location);
// "cli:<os user>" for changes made from the command line.
std::string cli_actor();

}  // namespace slipway::app
