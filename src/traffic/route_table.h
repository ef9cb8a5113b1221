#pragma once
// The routes as requests see them: an immutable snapshot swapped whole on every change, so a
// request's pick takes one atomic load and never touches the store or a lock other requests
// hold. A request keeps the snapshot (and so the versions) it picked from to its end.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "traffic/route.h"

namespace slipway::traffic {

struct RoutePick {
  std::string route;
  std::string version;  // "model/N" that answers
  std::string arm;      // "stable" or "canary"
  std::vector<std::string> shadows;
  std::string fallback;
  int64_t generation = 0;
};

class RouteTable {
 public:
  void replace_all(std::vector<Route> routes);
  void put(Route route);  // ignored when the table holds a newer generation of it
  void erase(const std::string& name);
  std::optional<Route> get(const std::string& name) const;
  std::vector<Route> all() const;

  // The arm for a request: with a user id, its bucket under the route's salt; without one, a
  // random bucket. nullopt when no route has that name.
  std::optional<RoutePick> pick(const std::string& name, const std::string& user) const;

 private:
  using Snapshot = std::map<std::string, Route>;
  std::shared_ptr<const Snapshot> snapshot() const;
  void publish(std::shared_ptr<const Snapshot> next);

  std::shared_ptr<const Snapshot> snapshot_ = std::make_shared<const Snapshot>();  // atomic ops
  std::mutex writers_;  // one change at a time, so none is lost; readers never take it
};

}  // namespace slipway::traffic
