#include "traffic/route_table.h"

#include <utility>

#include "traffic/bucketing.h"

namespace slipway::traffic {

std::shared_ptr<const RouteTable::Snapshot> RouteTable::snapshot() const {
  return std::atomic_load(&snapshot_);
}

void RouteTable::publish(std::shared_ptr<const Snapshot> next) {
  std::atomic_store(&snapshot_, std::move(next));
}

void RouteTable::replace_all(std::vector<Route> routes) {
  auto next = std::make_shared<Snapshot>();
  for (Route& route : routes) {
    std::string name = route.name;
    next->insert_or_assign(std::move(name), std::move(route));
  }
  std::lock_guard lock(writers_);
  publish(std::move(next));
}

void RouteTable::put(Route route) {
  std::lock_guard lock(writers_);
  const auto current = snapshot();
  if (auto held = current->find(route.name);
      held != current->end() && held->second.generation > route.generation) {
    return;  // a notification overtaken by a newer change: keep the newer
  }
  auto next = std::make_shared<Snapshot>(*current);
  std::string name = route.name;
  next->insert_or_assign(std::move(name), std::move(route));
  publish(std::move(next));
}

void RouteTable::erase(const std::string& name) {
  std::lock_guard lock(writers_);
  const auto current = snapshot();
  if (!current->contains(name)) return;
  auto next = std::make_shared<Snapshot>(*current);
  next->erase(name);
  publish(std::move(next));
}

std::optional<Route> RouteTable::get(const std::string& name) const {
  const auto current = snapshot();
  if (auto found = current->find(name); found != current->end()) return found->second;
  return std::nullopt;
}

std::vector<Route> RouteTable::all() const {
  const auto current = snapshot();
  std::vector<Route> routes;
  routes.reserve(current->size());
  for (const auto& [name, route] : *current) routes.push_back(route);
  return routes;
}

std::optional<RoutePick> RouteTable::pick(const std::string& name, const std::string& user) const {
  const auto current = snapshot();
  const auto found = current->find(name);
  if (found == current->end()) return std::nullopt;
  const Route& route = found->second;
  bool canary = false;
  if (!route.canary.empty() && route.canary_weight_bp > 0) {
    const int32_t bucket = user.empty() ? random_bucket() : user_bucket(route.salt, user);
    canary = bucket_in_canary(bucket, route.canary_weight_bp);
  }
  RoutePick pick;
  pick.route = route.name;
  pick.version = canary ? route.canary : route.stable;
  pick.arm = canary ? "canary" : "stable";
  pick.shadows = route.shadows;
  pick.fallback = route.fallback;
  pick.generation = route.generation;
  return pick;
}

}  // namespace slipway::traffic
