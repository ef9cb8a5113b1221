// TrafficService: its lifecycle, the per-request pick and the route commands.
#include "traffic/traffic_service.h"

#include <cstdio>

#include "registry/registry_error.h"
#include "registry/version_ref.h"
#include "traffic/json_fields.h"
#include "traffic/traffic_service_impl.h"

namespace slipway::traffic {

TrafficEvent make_event(std::string kind, const std::string& actor, std::string reason,
                        Json detail) {
  TrafficEvent event;
  event.kind = std::move(kind);
  event.actor = actor;
  event.reason = std::move(reason);
  event.detail = std::move(detail);
  return event;
}

std::pair<std::string, int64_t> split_version(const std::string& version) {
  const auto ref = registry::parse_version_ref(version);
  if (!ref.number) {
    throw TrafficError(TrafficError::Code::Invalid,
                       "\"" + version + "\" is not a pinned version (model/N).");
  }
  return {ref.model, *ref.number};
}

TrafficService::Impl::Impl(store::Store& store, registry::Registry& registry,
                           VersionBackends* versions, GateFigures* figures, TrafficOptions options,
                           store::WallClock clock)
    : registry(registry),
      versions(versions),
      figures(figures),
      options(std::move(options)),
      clock(clock),
      routes(store, clock) {}

registry::Version TrafficService::Impl::pin(const std::string& ref) {
  return registry.get_version(registry::parse_version_ref(ref));
}

void TrafficService::Impl::refresh(const std::string& name) {
  if (versions) {
    queue_upkeep(name);  // the loader publishes the route once its versions are loaded
    return;
  }
  publish_stored(name);
}

void TrafficService::Impl::publish_stored(const std::string& name) {
  if (auto route = routes.find_route(name)) {
    table.put(*route);
  } else {
    table.erase(name);
  }
}

Route TrafficService::Impl::require_route(const std::string& name) {
  auto route = routes.find_route(name);
  if (!route) throw TrafficError(TrafficError::Code::NotFound, "No route named \"" + name + "\".");
  return *route;
}

TrafficService::TrafficService(store::Store& store, registry::Registry& registry,
                               VersionBackends* versions, GateFigures* figures,
                               TrafficOptions options, store::WallClock clock)
    : impl_(std::make_unique<Impl>(store, registry, versions, figures, std::move(options), clock)) {
}

TrafficService::~TrafficService() {
  impl_->stop_threads();
}

RouteStore& TrafficService::route_store() {
  return impl_->routes;
}

void TrafficService::start() {
  auto routes = impl_->routes.list_routes();
  impl_->table.replace_all(routes);
  for (const Route& route : routes) {
    impl_->catch_up_in_registry(route);
    impl_->keep_loaded(route);
  }
  impl_->subscription = impl_->routes.on_change([impl = impl_.get()](const std::string& name) {
    try {
      impl->refresh(name);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "slipway: traffic: reading route %s failed: %s\n", name.c_str(),
                   e.what());
    }
  });
  impl_->start_threads(*this);
}

std::optional<RoutedRequest> TrafficService::route(const std::string& name,
                                                   const std::string& user) const {
  auto pick = impl_->table.pick(name, user);
  if (!pick) return std::nullopt;
  RoutedRequest routed;
  routed.pick = std::move(*pick);
  if (auto* versions = impl_->versions) {
    routed.primary = versions->find(routed.pick.version);
    if (!routed.pick.fallback.empty()) routed.fallback = versions->find(routed.pick.fallback);
    for (const std::string& shadow : routed.pick.shadows)
      routed.shadows.push_back({shadow, versions->find(shadow)});
  }
  return routed;
}

bool TrafficService::has_route(const std::string& name) const {
  return impl_->table.get(name).has_value();
}

std::vector<Route> TrafficService::routes() const {
  return impl_->table.all();
}

Json TrafficService::list_routes() {
  Json out = Json::array();
  for (const Route& route : impl_->routes.list_routes()) {
    Json entry = route_to_json(route);
    if (auto rollout = impl_->routes.active_rollout(route.name))
      entry["rollout"] = rollout_to_json(*rollout);
    out.push_back(std::move(entry));
  }
  return {{"object", "list"}, {"data", std::move(out)}};
}

Json TrafficService::show_route(const std::string& name) {
  const Route route = impl_->require_route(name);
  Json out = route_to_json(route);
  if (auto rollout = impl_->routes.active_rollout(name))
    out["rollout"] = impl_->status_json(*rollout);
  Json history = Json::array();
  for (const StableChange& change : impl_->routes.stable_history(name, 20)) {
    history.push_back({{"seq", change.seq},
                       {"version", change.version},
                       {"previous", change.previous},
                       {"actor", change.actor},
                       {"reason", change.reason},
                       {"at_ms", change.at_ms}});
  }
  out["stable_history"] = std::move(history);
  return out;
}

Json TrafficService::create_route(const Json& body, const std::string& actor) {
  require_object(body, "The body");
  refuse_unknown_fields(body, {"name", "stable", "shadows", "fallback", "reason"}, "the body");
  Route route;
  route.name = optional_text_field(body, "name");
  if (!valid_route_name(route.name)) {
    throw TrafficError(TrafficError::Code::Invalid,
                       "\"name\" must be a route name: letters, digits, '.', '_', '-'.");
  }
  const std::string stable = optional_text_field(body, "stable");
  if (stable.empty()) throw TrafficError(TrafficError::Code::Invalid, "\"stable\" is required.");
  route.stable = impl_->pin(stable).ref();
  if (auto it = body.find("shadows"); it != body.end() && !it->is_null()) {
    for (const std::string& ref : text_list_field(*it, "shadows"))
      route.shadows.push_back(impl_->pin(ref).ref());
  }
  if (const std::string fallback = optional_text_field(body, "fallback"); !fallback.empty())
    route.fallback = impl_->pin(fallback).ref();
  if (impl_->routes.find_route(route.name)) {
    throw TrafficError(TrafficError::Code::Conflict,
                       "A route named \"" + route.name + "\" exists already.");
  }
  if (impl_->versions) {
    // Loaded before the route exists, so its first request finds them; one that cannot be
    // loaded refuses the route with the reason.
    impl_->load_now(route.stable);
    for (const std::string& shadow : route.shadows) impl_->load_now(shadow);
    if (!route.fallback.empty()) impl_->load_now(route.fallback);
  }
  Route created = impl_->routes.create_route(route, actor, optional_text_field(body, "reason"));
  impl_->publish(created);
  impl_->follow_in_registry(created.name, 0, created.stable, actor);
  impl_->queue_upkeep(created.name);
  return route_to_json(created);
}

Json TrafficService::update_route(const std::string& name, const Json& body,
                                  const std::string& actor) {
  require_object(body, "The body");
  refuse_unknown_fields(body, {"shadows", "fallback", "reason"}, "the body");
  impl_->require_route(name);
  std::optional<std::vector<std::string>> shadows;
  if (auto it = body.find("shadows"); it != body.end()) {
    shadows.emplace();
    if (!it->is_null()) {
      for (const std::string& ref : text_list_field(*it, "shadows"))
        shadows->push_back(impl_->pin(ref).ref());
    }
  }
  std::optional<std::string> fallback;
  if (body.contains("fallback")) {
    const std::string text = optional_text_field(body, "fallback");
    fallback = text.empty() ? std::string() : impl_->pin(text).ref();
  }
  if (impl_->versions) {
    for (const std::string& shadow : shadows.value_or(std::vector<std::string>{}))
      impl_->load_now(shadow);
    if (fallback && !fallback->empty()) impl_->load_now(*fallback);
  }
  Json detail = Json::object();
  if (shadows) detail["shadows"] = *shadows;
  if (fallback) detail["fallback"] = *fallback;
  Route updated = impl_->routes.update_route(
      name,
      [&](Route& route) {
        if (shadows) route.shadows = *shadows;
        if (fallback) route.fallback = *fallback;
      },
      make_event("route_updated", actor, optional_text_field(body, "reason"), detail));
  impl_->publish(updated);
  impl_->queue_upkeep(name);
  return route_to_json(updated);
}

void TrafficService::delete_route(const std::string& name, const std::string& actor) {
  impl_->routes.delete_route(name, actor, "");
  impl_->table.erase(name);
}

Json TrafficService::events(const std::string& route, int limit) {
  impl_->require_route(route);
  Json out = Json::array();
  for (const TrafficEvent& event : impl_->routes.events(route, 0, limit))
    out.push_back(event_to_json(event));
  return {{"object", "list"}, {"data", std::move(out)}};
}

}  // namespace slipway::traffic
