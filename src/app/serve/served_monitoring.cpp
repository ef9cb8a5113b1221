#include "app/serve/served_monitoring.h"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "app/serve/backend_factory.h"
#include "feedback/judgments.h"
#include "store/clock.h"

namespace slipway::app {

namespace {

std::optional<traffic::Route> find_route(traffic::TrafficService& service,
                                         const std::string& name) {
  for (traffic::Route& route : service.routes()) {
    if (route.name == name) return std::move(route);
  }
  return std::nullopt;
}

// What a route serves `version` as: "canary", "stable", "shadow" or "" (not at all).
std::string arm_of(const traffic::Route& route, const std::string& version) {
  if (route.canary == version) return "canary";
  if (route.stable == version) return "stable";
  for (const std::string& shadow : route.shadows) {
    if (shadow == version) return "shadow";
  }
  return "";
}

monitor::JudgeTemplate load_template(const std::filesystem::path& file,
                                     monitor::TemplateKind kind) {
  try {
    if (file.empty()) {
      return monitor::JudgeTemplate(kind == monitor::TemplateKind::Score
                                        ? monitor::default_score_template()
                                        : monitor::default_pair_template(),
                                    kind);
    }
    return monitor::JudgeTemplate::from_file(file, kind);
  } catch (const std::exception& e) {
    throw ConfigError(std::string("monitoring.judge: ") + e.what());
  }
}

std::shared_ptr<const monitor::PhraseMatcher> load_phrases(const std::filesystem::path& file) {
  try {
    return std::make_shared<const monitor::PhraseMatcher>(
        file.empty() ? monitor::PhraseLists::defaults() : monitor::PhraseLists::from_file(file));
  } catch (const std::exception& e) {
    throw ConfigError(std::string("monitoring.drift.phrases: ") + e.what());
  }
}

}  // namespace

void RouteAlertActions::bind(std::shared_ptr<traffic::TrafficService> service) {
  std::lock_guard lock(mutex_);
  service_ = service;
}

std::shared_ptr<traffic::TrafficService> RouteAlertActions::service() const {
  std::lock_guard lock(mutex_);
  return service_.lock();
}

std::string RouteAlertActions::pause_rollout(const std::string& route, const std::string& version,
                                             const std::string& reason) {
  const auto traffic = service();
  if (!traffic) throw std::runtime_error("routes are not available");
  const auto current = find_route(*traffic, route);
  if (!current) return "skipped: no route " + route;
  if (current->canary != version) return "skipped: " + version + " is not the route's canary";
  return traffic->pause_rollout(route, "monitor", reason) ? "paused the rollout"
                                                          : "skipped: no rollout running";
}

std::string RouteAlertActions::roll_back(const std::string& route, const std::string& version,
                                         const std::string& reason) {
  const auto traffic = service();
  if (!traffic) throw std::runtime_error("routes are not available");
  const auto current = find_route(*traffic, route);
  if (!current) return "skipped: no route " + route;
  const std::string arm = arm_of(*current, version);
  if (arm.empty()) return "skipped: " + version + " no longer serves " + route;
  if (arm == "shadow") return "skipped: " + version + " is a shadow (it answers nobody)";
  if (arm == "stable" && !current->canary.empty()) {
    return "skipped: " + version + " is the stable arm while a rollout runs";
  }
  traffic->roll_back(route, "monitor", reason);
  const auto after = find_route(*traffic, route);
  return "rolled back to " + (after ? after->stable : std::string("?"));
}

ServedMonitoring::ServedMonitoring(store::Store& store, const MonitorSettings& settings,
                                   std::shared_ptr<backends::BackendSet> backends,
                                   boost::asio::io_context& io) {
  if (!settings.enabled) return;
  monitor::MonitorServiceOptions options = settings.service;
  for (std::size_t i = 0; i < options.webhooks.size(); ++i) {
    const std::string& env = settings.webhook_secret_envs.at(i);
    if (env.empty()) continue;
    const char* secret = std::getenv(env.c_str());
    if (secret == nullptr || *secret == '\0') {
      throw ConfigError("monitoring.alerts.webhooks[" + std::to_string(i) +
                        "].signing_secret_env: $" + env + " is not set");
    }
    options.webhooks[i].signing_secret = secret;
  }
  std::optional<monitor::JudgeSetup> judge;
  if (settings.judge) {
    const JudgeSettings& configured = *settings.judge;
    judge.emplace();
    judge->options = configured.options;
    judge->score_template = load_template(configured.score_template, monitor::TemplateKind::Score);
    judge->pair_template = load_template(configured.pair_template, monitor::TemplateKind::Pair);
    if (configured.upstream) {
      judge_upstream_ = make_upstream_backend("judge", *configured.upstream, io);
    }
    // Resolved at each call, as a client's "model" would be: the route's stable version, a
    // served name or a registered version; null while it is not loaded.
    judge->backend = [upstream = judge_upstream_, backends, actions = actions,
                      name = configured.model]() -> std::shared_ptr<backends::Backend> {
      if (upstream) return upstream;
      if (const auto traffic = actions->service(); traffic && traffic->has_route(name)) {
        const auto routed = traffic->route(name, "");
        if (!routed) return nullptr;
        return routed->primary ? routed->primary : routed->fallback;
      }
      return backends->find(name);
    };
    judge->preferences = [&store](const monitor::PairPreference& preference) {
      feedback::Judgment judgment;
      judgment.chosen_id = preference.chosen_id;
      judgment.rejected_id = preference.rejected_id;
      judgment.judge = preference.judge;
      judgment.detail = preference.detail;
      judgment.created_ms = store::system_now_ms();
      try {
        feedback::record_judgment(store, judgment);
      } catch (const std::invalid_argument&) {
        // One of the answers is not in the response log (sampled out or disabled): the verdict
        // stays in the monitor's own table only.
      }
    };
  }
  service = std::make_shared<monitor::MonitorService>(
      store, std::move(options), load_phrases(settings.phrases), std::move(judge), actions);
}

void ServedMonitoring::start(std::shared_ptr<traffic::TrafficService> traffic) {
  actions->bind(std::move(traffic));
  if (service) service->start();
}

std::string describe_monitoring(const MonitorSettings& settings) {
  if (!settings.enabled) return "off";
  const auto& options = settings.service;
  char text[256];
  std::snprintf(
      text, sizeof text,
      "evaluated every %.0f s, drift over %.0f s windows, %zu alert rule(s), %zu webhook(s)",
      static_cast<double>(options.evaluate_interval_ms) / 1000.0,
      static_cast<double>(options.evaluator.drift.window_ms) / 1000.0,
      options.evaluator.rules.size(), options.webhooks.size());
  std::string line = text;
  if (settings.judge) {
    std::snprintf(text, sizeof text, ", judge %s at %.1f%%",
                  settings.judge->options.judge_name.c_str(),
                  settings.judge->options.sample_rate * 100.0);
    line += text;
  } else {
    line += ", no judge";
  }
  return line;
}

}  // namespace slipway::app
