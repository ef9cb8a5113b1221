// Routes, rollouts and events as the admin API and the CLI show them, and the rollout states'
// names.
#include "traffic/route.h"

#include <array>
#include <utility>

#include "traffic/bucketing.h"
#include "traffic/json_fields.h"
#include "traffic/time_text.h"
#include "traffic/traffic_error.h"

namespace slipway::traffic {

namespace {

constexpr std::array<std::pair<RolloutState, const char*>, 5> kStateNames = {{
    {RolloutState::Running, "running"},
    {RolloutState::Paused, "paused"},
    {RolloutState::Completed, "completed"},
    {RolloutState::Aborted, "aborted"},
    {RolloutState::RolledBack, "rolled_back"},
}};

// Empty means "none": null in JSON, so clients need not know the convention.
Json text_or_null(const std::string& text) {
  return text.empty() ? Json(nullptr) : Json(text);
}

// A time as both forms: `<key>_ms` for programs and `<key>` (ISO-8601 UTC) for people.
void put_time(Json& out, const std::string& key, int64_t ms) {
  out[key + "_ms"] = ms;
  out[key] = iso_utc_text(ms);
}

bool name_char(char c, bool first) {
  const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  return alnum || (!first && (c == '.' || c == '_' || c == '-'));
}

}  // namespace

std::string to_string(RolloutState state) {
  for (const auto& [value, name] : kStateNames)
    if (value == state) return name;
  return "unknown";
}

RolloutState rollout_state_from_string(const std::string& text) {
  for (const auto& [value, name] : kStateNames)
    if (text == name) return value;
  throw TrafficError(TrafficError::Code::Invalid,
                     "Unknown rollout state \"" + text +
                         "\" (running, paused, completed, aborted or rolled_back).");
}

bool valid_route_name(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  for (size_t i = 0; i < name.size(); ++i)
    if (!name_char(name[i], i == 0)) return false;
  return true;
}

Json route_to_json(const Route& route) {
  Json out = {{"name", route.name},
              {"stable", route.stable},
              {"canary", text_or_null(route.canary)},
              {"canary_weight_percent", number_json(bp_to_percent(route.canary_weight_bp))},
              {"salt", text_or_null(route.salt)},
              {"shadows", route.shadows},
              {"fallback", text_or_null(route.fallback)},
              {"generation", route.generation}};
  put_time(out, "created", route.created_ms);
  put_time(out, "updated", route.updated_ms);
  return out;
}

Json rollout_to_json(const Rollout& rollout) {
  Json out = {{"id", rollout.id},
              {"route", rollout.route},
              {"stable", rollout.stable},
              {"canary", rollout.canary},
              {"state", to_string(rollout.state)},
              {"step", rollout.step},
              {"plan", plan_to_json(rollout.plan)},
              {"salt", rollout.salt},
              {"reason", rollout.reason},
              {"actor", rollout.actor}};
  put_time(out, "step_started", rollout.step_started_ms);
  put_time(out, "created", rollout.created_ms);
  put_time(out, "updated", rollout.updated_ms);
  return out;
}

Json event_to_json(const TrafficEvent& event) {
  Json out = {{"id", event.id},
              {"route", event.route},
              {"rollout_id", event.rollout_id == 0 ? Json(nullptr) : Json(event.rollout_id)},
              {"kind", event.kind},
              {"actor", event.actor},
              {"reason", event.reason},
              {"detail", event.detail}};
  put_time(out, "at", event.at_ms);
  return out;
}

}  // namespace slipway::traffic
