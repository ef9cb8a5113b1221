// Keeping what routes need loaded (arms, shadows, fallback and the hot-standby versions),
// health checks, the registry following route switches, and the service's two threads.
#include <algorithm>
#include <cstdio>
#include <memory>

#include "registry/registry_error.h"
#include "traffic/traffic_service_impl.h"

namespace slipway::traffic {

namespace {

// The versions a route keeps loaded: what it serves now, then its most recent previous stable
// versions (hot standby for rollback), newest first.
std::vector<std::string> needed_versions(const Route& route,
                                         const std::vector<StableChange>& history, int standby) {
  std::vector<std::string> out{route.stable};
  auto add = [&](const std::string& version) {
    if (version.empty()) return;
    for (const std::string& have : out)
      if (have == version) return;
    out.push_back(version);
  };
  add(route.canary);
  for (const std::string& shadow : route.shadows) add(shadow);
  add(route.fallback);
  int kept = 0;
  for (const StableChange& change : history) {
    if (kept >= standby) break;
    for (const std::string& version : {change.version, change.previous}) {
      if (version.empty() || version == route.stable || kept >= standby) continue;
      bool seen = false;
      for (const std::string& have : out) seen = seen || have == version;
      if (!seen) {
        out.push_back(version);
        ++kept;
      }
    }
  }
  return out;
}

}  // namespace

void TrafficService::Impl::keep_loaded(const Route& route) {
  if (!versions) return;
  const auto history = routes.stable_history(route.name, 20);
  for (const std::string& version : needed_versions(route, history, options.standby_versions)) {
    if (versions->find(version)) continue;
    try {
      versions->ensure_loaded(version);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "slipway: route %s: cannot load %s: %s\n", route.name.c_str(),
                   version.c_str(), e.what());
    }
  }
}

void TrafficService::Impl::load_now(const std::string& version) {
  if (!versions) {
    throw TrafficError(TrafficError::Code::Unavailable,
                       "No models are served here: run the command against a server (--server).");
  }
  if (!versions->find(version)) versions->ensure_loaded(version);
}

std::string TrafficService::Impl::health_problem(const std::string& version) {
  if (!versions) return "no models are served here, so " + version + " cannot be checked";
  auto backend = versions->find(version);
  if (!backend) return version + " is not loaded";
  struct Answer {
    std::mutex mutex;
    std::condition_variable done;
    std::optional<backends::HealthStatus> status;
  };
  auto answer = std::make_shared<Answer>();
  backend->check_health(options.health_timeout, [answer](backends::HealthStatus status) {
    std::lock_guard lock(answer->mutex);
    if (!answer->status) answer->status = std::move(status);
    answer->done.notify_all();
  });
  std::unique_lock lock(answer->mutex);
  if (!answer->done.wait_for(lock, options.health_timeout,
                             [&] { return answer->status.has_value(); }))
    return version + " did not answer its health check in time";
  if (!answer->status->healthy) return version + " is unhealthy: " + answer->status->detail;
  return {};
}

void TrafficService::Impl::follow_in_registry(const std::string& route, int64_t rollout_id,
                                              const std::string& version,
                                              const std::string& actor) {
  const std::string reason = "route " + route + " serves it";
  try {
    const auto [model, number] = split_version(version);
    // Stages follow traffic: candidate -> staging -> production, one allowed step at a time.
    // They move before the alias, so the alias is the follow's last write: catch_up_in_registry
    // sees a follow cut short by a crash from the alias alone.
    auto current = registry.get_version(registry::parse_version_ref(version));
    if (current.stage == registry::Stage::Candidate)
      current = registry.set_stage(model, number, registry::Stage::Staging, actor, reason, true);
    if (current.stage == registry::Stage::Staging)
      registry.set_stage(model, number, registry::Stage::Production, actor, reason, true);
    registry.set_alias(model, options.production_alias, number, actor, reason);
  } catch (const std::exception& e) {
    TrafficEvent event = make_event("registry_not_followed", actor, e.what(),
                                    {{"version", version}, {"alias", options.production_alias}});
    event.route = route;
    event.rollout_id = rollout_id;
    try {
      routes.record_event(event);
    } catch (const std::exception&) {
      // The route switched; a lost audit line must not fail the switch.
    }
  }
}

void TrafficService::Impl::catch_up_in_registry(const Route& route) {
  try {
    const auto changes = routes.stable_history(route.name, 1);
    if (changes.empty()) return;
    const StableChange& last_change = changes.front();
    const auto [model, number] = split_version(route.stable);
    const auto stable = registry.get_version(registry::parse_version_ref(route.stable));
    const auto& aliases = stable.aliases;
    if (std::find(aliases.begin(), aliases.end(), options.production_alias) != aliases.end())
      return;
    int64_t alias_moved_ms = -1;
    for (const registry::Event& event : registry.history(model)) {
      if (event.alias == options.production_alias) alias_moved_ms = event.at_ms;
    }
    if (alias_moved_ms >= last_change.at_ms) return;
    std::fprintf(stderr, "slipway: route %s: the registry missed its switch to %s; following now\n",
                 route.name.c_str(), route.stable.c_str());
    follow_in_registry(route.name, 0, route.stable, last_change.actor);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "slipway: route %s: checking the registry's %s alias failed: %s\n",
                 route.name.c_str(), options.production_alias.c_str(), e.what());
  }
}

void TrafficService::Impl::queue_upkeep(const std::string& route) {
  if (!versions) return;
  std::lock_guard lock(mutex);
  upkeep_queue.push_back(route);
  wake.notify_all();
}

void TrafficService::Impl::start_threads(TrafficService& service) {
  if (versions) {
    loader = std::thread([this] {
      std::unique_lock lock(mutex);
      while (!stopping) {
        if (upkeep_queue.empty()) {
          wake.wait(lock);
          continue;
        }
        const std::string name = upkeep_queue.front();
        upkeep_queue.pop_front();
        lock.unlock();
        try {
          if (auto route = routes.find_route(name)) {
            keep_loaded(*route);  // a version that cannot load is logged; the route still follows
            table.put(*route);
          } else {
            table.erase(name);
          }
        } catch (const std::exception& e) {
          std::fprintf(stderr, "slipway: route %s: %s\n", name.c_str(), e.what());
        }
        lock.lock();
      }
    });
  }
  if (options.run_controller) {
    controller = std::thread([this, &service] {
      std::unique_lock lock(mutex);
      while (!stopping) {
        wake.wait_for(lock, options.tick_interval, [&] { return stopping; });
        if (stopping) break;
        lock.unlock();
        try {
          service.tick();
        } catch (const std::exception& e) {
          std::fprintf(stderr, "slipway: rollout controller: %s\n", e.what());
        }
        lock.lock();
      }
    });
  }
}

void TrafficService::Impl::stop_threads() {
  subscription.reset();
  {
    std::lock_guard lock(mutex);
    stopping = true;
    wake.notify_all();
  }
  if (controller.joinable()) controller.join();
  if (loader.joinable()) loader.join();
}

}  // namespace slipway::traffic
