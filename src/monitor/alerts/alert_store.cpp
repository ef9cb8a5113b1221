// Alerts in monitor_alerts. Deduplication is the partial unique index monitor_alerts_one_active
// (rule, route, version) WHERE state = 'active': firing refreshes the active alert or inserts
// with ON CONFLICT DO NOTHING, so a replica that loses the race never fails a statement (which
// would abort a PostgreSQL transaction) and returns the winner instead.
#include "monitor/alerts/alert_store.h"

#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>

#include "monitor/alerts/alert_rules.h"

namespace slipway::monitor {

namespace {

const char* const kColumns =
    "id, rule, kind, severity, route, version, state, summary, evidence_json, action, "
    "action_result, fired_ms, last_seen_ms, resolved_ms, resolution, notified_fire, "
    "notified_resolve";

std::string with_columns(const std::string& sql) {
  return sql + kColumns;
}

// Refreshes the active alert of rule/route/version: what the latest evaluation saw.
const std::string kRefresh = with_columns(
    "UPDATE monitor_alerts SET severity = ?, summary = ?, evidence_json = ?, last_seen_ms = ? "
    "WHERE rule = ? AND route = ? AND version = ? AND state = 'active' RETURNING ");

const char* const kInsert =
    "INSERT INTO monitor_alerts (id, rule, kind, severity, route, version, state, summary, "
    "evidence_json, action, fired_ms, last_seen_ms) "
    "VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?) "
    "ON CONFLICT (rule, route, version) WHERE state = 'active' DO NOTHING";

const std::string kResolveByKey = with_columns(
    "UPDATE monitor_alerts SET state = 'resolved', resolved_ms = ?, resolution = ? "
    "WHERE rule = ? AND route = ? AND version = ? AND state = 'active' RETURNING ");

const std::string kResolveById = with_columns(
    "UPDATE monitor_alerts SET state = 'resolved', resolved_ms = ?, resolution = ? "
    "WHERE id = ? AND state = 'active' RETURNING ");

std::string new_alert_id() {
  thread_local std::mt19937_64 bits{(static_cast<uint64_t>(std::random_device{}()) << 32) ^
                                    std::random_device{}()};
  char id[17];
  std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(bits()));
  return std::string("alert-") + id;
}

// Evidence is written by this file, but a row edited by hand must still list.
nlohmann::json parse_evidence(const std::string& text) {
  auto evidence = nlohmann::json::parse(text, nullptr, false);
  if (evidence.is_discarded()) return nlohmann::json{{"unparsable", text}};
  return evidence;
}

AlertRecord alert_from_row(const store::Row& row) {
  AlertRecord alert;
  alert.id = row.text(0);
  alert.rule = row.text(1);
  alert.kind = row.text(2);
  alert.severity = row.text(3);
  alert.route = row.text(4);
  alert.version = row.text(5);
  alert.state = row.text(6);
  alert.summary = row.text(7);
  alert.evidence = parse_evidence(row.text(8));
  alert.action = row.text(9);
  alert.action_result = row.text(10);
  alert.fired_ms = row.integer(11);
  alert.last_seen_ms = row.integer(12);
  alert.resolved_ms = row.optional_integer(13);
  alert.resolution = row.text(14);
  alert.notified_fire = row.integer(15) != 0;
  alert.notified_resolve = row.integer(16) != 0;
  return alert;
}

std::optional<AlertRecord> first_alert(const store::Rows& rows) {
  if (rows.empty()) return std::nullopt;
  return alert_from_row(rows.front());
}

void check_firing(const AlertFiring& firing) {
  const auto fail = [&](const std::string& why) {
    throw std::invalid_argument("cannot fire alert '" + firing.rule + "' on '" + firing.route +
                                "': " + why);
  };
  if (firing.rule.empty()) fail("the rule has no name");
  if (firing.kind.empty()) fail("the alert has no kind");
  if (firing.severity != "warning" && firing.severity != "critical") {
    fail("severity must be warning or critical, got '" + firing.severity + "'");
  }
  if (!parse_alert_action(firing.action)) {
    fail("action must be none, pause_rollout or rollback, got '" + firing.action + "'");
  }
}

}  // namespace

FireOutcome fire_alert(store::Store& store, const AlertFiring& firing, int64_t now_ms) {
  check_firing(firing);
  // Invalid UTF-8 in a figure is replaced rather than failing the alert.
  const std::string evidence =
      firing.evidence.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const store::Params refresh = {firing.severity, firing.summary, evidence,      now_ms,
                                 firing.rule,     firing.route,   firing.version};
  return store.write([&](store::Transaction& tx) {
    if (auto active = first_alert(tx.query(kRefresh, refresh))) return FireOutcome{*active, false};

    AlertRecord alert;
    alert.id = new_alert_id();
    alert.rule = firing.rule;
    alert.kind = firing.kind;
    alert.severity = firing.severity;
    alert.route = firing.route;
    alert.version = firing.version;
    alert.state = "active";
    alert.summary = firing.summary;
    alert.evidence = firing.evidence;
    alert.action = firing.action;
    alert.fired_ms = now_ms;
    alert.last_seen_ms = now_ms;
    const int64_t inserted =
        tx.execute(kInsert, {alert.id, alert.rule, alert.kind, alert.severity, alert.route,
                             alert.version, alert.summary, evidence, alert.action, now_ms, now_ms});
    if (inserted == 1) return FireOutcome{alert, true};

    // Another replica created it between our refresh and insert: theirs is the alert.
    if (auto winner = first_alert(tx.query(kRefresh, refresh))) return FireOutcome{*winner, false};
    throw store::StoreError(store::StoreError::Kind::Conflict,
                            "alert '" + firing.rule + "' on " + firing.route +
                                " neither inserted nor found active; retry");
  });
}

std::optional<AlertRecord> resolve_alert(store::Store& store, const std::string& rule,
                                         const std::string& route, const std::string& version,
                                         const std::string& resolution, int64_t now_ms) {
  return store.write([&](store::Transaction& tx) {
    return first_alert(tx.query(kResolveByKey, {now_ms, resolution, rule, route, version}));
  });
}

std::optional<AlertRecord> resolve_alert_by_id(store::Store& store, const std::string& id,
                                               const std::string& resolution, int64_t now_ms) {
  return store.write([&](store::Transaction& tx) {
    return first_alert(tx.query(kResolveById, {now_ms, resolution, id}));
  });
}

void set_alert_action_result(store::Store& store, const std::string& id,
                             const std::string& result) {
  store.write([&](store::Transaction& tx) {
    tx.execute("UPDATE monitor_alerts SET action_result = ? WHERE id = ?", {result, id});
  });
}

void mark_alert_notified(store::Store& store, const std::string& id, bool resolve_event) {
  const char* const sql = resolve_event
                              ? "UPDATE monitor_alerts SET notified_resolve = 1 WHERE id = ?"
                              : "UPDATE monitor_alerts SET notified_fire = 1 WHERE id = ?";
  store.write([&](store::Transaction& tx) { tx.execute(sql, {id}); });
}

std::vector<AlertRecord> list_alerts(store::Store& store, const AlertFilter& filter) {
  if (!filter.state.empty() && filter.state != "active" && filter.state != "resolved") {
    throw std::invalid_argument("alert state must be active or resolved, got '" + filter.state +
                                "'");
  }
  if (filter.limit < 1) {
    throw std::invalid_argument("the alert list's limit must be at least 1, got " +
                                std::to_string(filter.limit));
  }
  std::string sql = with_columns("SELECT ") + " FROM monitor_alerts WHERE fired_ms >= ?";
  store::Params params = {filter.since_ms};
  const auto match = [&](const char* column, const std::string& value) {
    if (value.empty()) return;
    sql += std::string(" AND ") + column + " = ?";
    params.emplace_back(value);
  };
  match("state", filter.state);
  match("route", filter.route);
  match("version", filter.version);
  match("rule", filter.rule);
  match("kind", filter.kind);
  sql += " ORDER BY fired_ms DESC, id DESC LIMIT ?";
  params.emplace_back(filter.limit);

  return store.read([&](store::Transaction& tx) {
    std::vector<AlertRecord> alerts;
    for (const auto& row : tx.query(sql, params)) alerts.push_back(alert_from_row(row));
    return alerts;
  });
}

std::optional<AlertRecord> get_alert(store::Store& store, const std::string& id) {
  const std::string sql = with_columns("SELECT ") + " FROM monitor_alerts WHERE id = ?";
  return store.read([&](store::Transaction& tx) { return first_alert(tx.query(sql, {id})); });
}

int64_t purge_resolved_alerts(store::Store& store, int64_t before_ms) {
  return store.write([&](store::Transaction& tx) {
    return tx.execute("DELETE FROM monitor_alerts WHERE state = 'resolved' AND resolved_ms < ?",
                      {before_ms});
  });
}

}  // namespace slipway::monitor
