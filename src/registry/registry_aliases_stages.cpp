// Registry::set_alias, remove_alias and set_stage: the mutable pointers at immutable versions,
// each change recorded in the history.
#include <algorithm>
#include <cctype>

#include "registry/registry.h"
#include "registry/registry_internal.h"
#include "registry/stage_rules.h"

namespace slipway::registry {

using store::Transaction;

namespace {

void require_alias_name(const std::string& alias) {
  if (!valid_alias(alias)) {
    throw RegistryError(RegistryError::Code::Invalid,
                        "invalid alias \"" + alias +
                            "\": use letters, digits, '.', '_' and '-' (at most 128), starting "
                            "with a letter or digit");
  }
}

bool blank(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](char ch) { return std::isspace(static_cast<unsigned char>(ch)) != 0; });
}

}  // namespace

Version Registry::set_alias(const std::string& model, const std::string& alias, int64_t version,
                            const std::string& actor, const std::string& reason) {
  require_alias_name(alias);
  const int64_t now = clock_();
  return store_.write([&](Transaction& tx) {
    const detail::StoredVersion target = detail::resolve_number(tx, model, version);
    if (target.version.stage == Stage::Archived) {
      throw RegistryError(RegistryError::Code::StageRule,
                          target.version.ref() +
                              " is archived; restore it to candidate before pointing alias \"" +
                              alias + "\" at it");
    }
    auto previous = tx.query(
        "SELECT v.version FROM registry_aliases a JOIN registry_versions v ON v.id = a.version_id "
        "WHERE a.model_id = ? AND a.alias = ?",
        {target.model_id, alias});
    tx.execute(
        "INSERT INTO registry_aliases (model_id, alias, version_id, updated_at, updated_by) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (model_id, alias) DO UPDATE SET "
        "version_id = excluded.version_id, updated_at = excluded.updated_at, "
        "updated_by = excluded.updated_by",
        {target.model_id, alias, target.id, now, actor});
    Event event;
    event.version = version;
    event.kind = "alias_set";
    event.alias = alias;
    event.from = previous.empty() ? "" : std::to_string(previous.front().integer(0));
    event.to = std::to_string(version);
    event.actor = actor;
    event.reason = reason;
    event.at_ms = now;
    detail::record_change(tx, target.model_id, model, event);
    return detail::load_version(tx, target.model_id, model, target.id).version;
  });
}

void Registry::remove_alias(const std::string& model, const std::string& alias,
                            const std::string& actor, const std::string& reason) {
  const int64_t now = clock_();
  store_.write([&](Transaction& tx) {
    const int64_t model_id = detail::require_model_id(tx, model);
    auto previous = tx.query(
        "SELECT v.version FROM registry_aliases a JOIN registry_versions v ON v.id = a.version_id "
        "WHERE a.model_id = ? AND a.alias = ?",
        {model_id, alias});
    if (previous.empty()) {
      throw RegistryError(RegistryError::Code::NotFound,
                          model + " has no alias \"" + alias + "\" to remove");
    }
    tx.execute("DELETE FROM registry_aliases WHERE model_id = ? AND alias = ?", {model_id, alias});
    Event event;
    event.version = previous.front().integer(0);
    event.kind = "alias_removed";
    event.alias = alias;
    event.from = std::to_string(event.version);
    event.actor = actor;
    event.reason = reason;
    event.at_ms = now;
    detail::record_change(tx, model_id, model, event);
  });
}

Version Registry::set_stage(const std::string& model, int64_t version, Stage stage,
                            const std::string& actor, const std::string& reason, bool automatic) {
  const int64_t now = clock_();
  return store_.write([&](Transaction& tx) {
    const detail::StoredVersion target = detail::resolve_number(tx, model, version);
    const Version& current = target.version;
    if (auto refusal = stage_change_refusal(current.stage, stage, current.aliases)) {
      throw RegistryError(RegistryError::Code::StageRule,
                          "cannot move " + current.ref() + " from " + to_string(current.stage) +
                              " to " + to_string(stage) + ": " + *refusal);
    }
    if (!automatic && blank(reason)) {
      throw RegistryError(RegistryError::Code::Invalid,
                          "moving " + current.ref() + " to " + to_string(stage) +
                              " by hand needs a reason (it goes into the history)");
    }
    tx.execute("UPDATE registry_versions SET stage = ? WHERE id = ?",
               {to_string(stage), target.id});
    Event event;
    event.version = version;
    event.kind = "stage";
    event.from = to_string(current.stage);
    event.to = to_string(stage);
    event.actor = actor;
    event.reason = reason;
    event.automatic = automatic;
    event.at_ms = now;
    detail::record_change(tx, target.model_id, model, event);
    return detail::load_version(tx, target.model_id, model, target.id).version;
  });
}

}  // namespace slipway::registry
