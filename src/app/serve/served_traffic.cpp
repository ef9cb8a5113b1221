#include "app/serve/served_traffic.h"

#include <cstdio>

#include "http/shadow_logging.h"

namespace slipway::app {

ServedTraffic::ServedTraffic(store::Store& store, registry::Registry& registry,
                             std::shared_ptr<ServedModels> loader,
                             std::shared_ptr<backends::BackendSet> backends,
                             http::AnswerDestinations shadow_answers,
                             const TrafficSettings& settings)
    : windows(std::make_shared<monitor::WindowRecorder>(store, settings.windows)),
      figures(std::make_unique<StoreGateFigures>(store)),
      versions(std::make_unique<RouteVersions>(std::move(loader), std::move(backends))),
      service(std::make_shared<traffic::TrafficService>(store, registry, versions.get(),
                                                        figures.get(), settings.options)),
      shadow(std::make_shared<traffic::ShadowMirror>(
          settings.shadow, http::shadow_answer_sink(std::move(shadow_answers), windows))) {}

void ServedTraffic::start(const TrafficSettings& settings) {
  for (const RouteSettings& route : settings.routes) {
    if (service->route_store().find_route(route.name)) continue;
    backends::Json body{{"name", route.name}, {"stable", route.stable}, {"reason", "serve config"}};
    if (!route.shadows.empty()) body["shadows"] = route.shadows;
    if (!route.fallback.empty()) body["fallback"] = route.fallback;
    const backends::Json created = service->create_route(body, "config");
    std::fprintf(stderr, "slipway: route %s created: %s\n", route.name.c_str(),
                 created.value("stable", std::string()).c_str());
  }
  service->start();
  for (const traffic::Route& route : service->routes()) {
    std::fprintf(stderr, "slipway: route %s -> %s%s\n", route.name.c_str(), route.stable.c_str(),
                 route.canary.empty() ? "" : (" + canary " + route.canary).c_str());
  }
}

}  // namespace slipway::app
