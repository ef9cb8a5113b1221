#include "app/data_location.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace slipway::app {
namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::string(value) : std::string();
}

std::string home_dir() {
  std::string home = env("HOME");
  if (!home.empty()) return home;
  if (const passwd* pw = getpwuid(geteuid()); pw != nullptr && pw->pw_dir != nullptr) {
    return pw->pw_dir;
  }
  return ".";
}

std::string data_dir_of(const DataLocation& location) {
  if (!location.data_dir.empty()) return location.data_dir;
  if (std::string dir = env("SLIPWAY_DATA"); !dir.empty()) return dir;
  if (std::string xdg = env("XDG_DATA_HOME"); !xdg.empty()) {
    return (std::filesystem::path(xdg) / "slipway").string();
  }
  return (std::filesystem::path(home_dir()) / ".local" / "share" / "slipway").string();
}

}  // namespace

std::string resolve_store_location(const DataLocation& location) {
  if (!location.store.empty()) return location.store;
  return (std::filesystem::path(data_dir_of(location)) / "slipway.db").string();
}

std::unique_ptr<store::Store> open_store(const DataLocation& location) {
  return store::Store::open(resolve_store_location(location));
}

std::string cli_actor() {
  if (const passwd* pw = getpwuid(geteuid()); pw != nullptr && pw->pw_name != nullptr) {
    return std::string("cli:") + pw->pw_name;
  }
  if (std::string user = env("USER"); !user.empty()) return "cli:" + user;
  return "cli:uid" + std::to_string(geteuid());
}

}  // namespace slipway::app
