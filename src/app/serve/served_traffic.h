#pragma once
// The traffic part as `slipway serve` wires it: metric windows in the store, gate figures read
// back from them, the feedback rates and the judge's scores, routes over the loaded models,
// shadow copies logged in the response log and shown to the monitor. Members are destroyed in
// reverse order: shadow copies stop first, the metric windows flush last.
#include <memory>

#include "app/serve/model_loader.h"
#include "app/serve/route_versions.h"
#include "app/serve/serve_config.h"
#include "app/serve/store_gate_figures.h"
#include "http/answer_logging.h"
#include "monitor/traffic_windows.h"
#include "traffic/shadow_mirror.h"
#include "traffic/traffic_service.h"

namespace slipway::app {

struct ServedTraffic {
  ServedTraffic(store::Store& store, registry::Registry& registry,
                std::shared_ptr<ServedModels> loader,
                std::shared_ptr<backends::BackendSet> backends,
                http::AnswerDestinations shadow_answers, const TrafficSettings& settings);

  // Creates the configured routes the store does not have (the store's win), then starts the
  // service: the routes' versions load, the controller runs. Call once models are loaded.
  void start(const TrafficSettings& settings);

  std::shared_ptr<monitor::WindowRecorder> windows;
  std::unique_ptr<StoreGateFigures> figures;
  std::unique_ptr<RouteVersions> versions;
  std::shared_ptr<traffic::TrafficService> service;
  std::shared_ptr<traffic::ShadowMirror> shadow;
};

}  // namespace slipway::app
