// API keys as text: the list, one key in full, a new key with its secret, a revoke.
#include "app/keys_cli/render.h"

#include "app/models/table.h"
#include "app/traffic/json_text.h"

namespace slipway::app::keys_cli {
namespace {

using traffic::field_text;
using traffic::field_time;

// "inference,feedback": the form `keys create --scopes` takes.
std::string scopes_cell(const Json& key) {
  if (!key.is_object() || !key.contains("scopes") || !key["scopes"].is_array()) return "-";
  std::string out;
  for (const Json& scope : key["scopes"]) {
    if (!out.empty()) out += ',';
    out += scope.is_string() ? scope.get<std::string>() : scope.dump();
  }
  return out.empty() ? "-" : out;
}

std::string limit_cell(const Json& key, const std::string& name) {
  const Json limits = key.is_object() && key.contains("limits") ? key["limits"] : Json::object();
  const std::string value = field_text(limits, name);
  return value == "0" ? "default" : value;
}

std::string name_and_id(const Json& key) {
  return field_text(key, "id") + " (" + field_text(key, "name") + ")";
}

}  // namespace

std::string render_keys_table(const Json& list) {
  std::vector<models::TableRow> rows;
  for (const Json& key : traffic::list_rows(list)) {
    rows.push_back({field_text(key, "id"), field_text(key, "name"), field_text(key, "prefix"),
                    scopes_cell(key), field_text(key, "state"),
                    limit_cell(key, "requests_per_minute"), limit_cell(key, "tokens_per_minute"),
                    limit_cell(key, "max_streams"), field_time(key, "created"),
                    field_time(key, "expires"), field_time(key, "last_used")});
  }
  if (rows.empty()) return "No keys.\n";
  return models::render_table({"ID", "NAME", "PREFIX", "SCOPES", "STATE", "RPM", "TPM", "STREAMS",
                               "CREATED (UTC)", "EXPIRES (UTC)", "LAST USED (UTC)"},
                              rows);
}

std::string render_key(const Json& key) {
  std::string out;
  const auto line = [&out](const std::string& label, const std::string& value) {
    out += label + std::string(label.size() < 20 ? 20 - label.size() : 1, ' ') + value + "\n";
  };
  line("key:", field_text(key, "id"));
  line("name:", field_text(key, "name"));
  line("prefix:", field_text(key, "prefix"));
  line("scopes:", scopes_cell(key));
  line("state:", field_text(key, "state"));
  line("requests/minute:", limit_cell(key, "requests_per_minute"));
  line("tokens/minute:", limit_cell(key, "tokens_per_minute"));
  line("streams at once:", limit_cell(key, "max_streams"));
  line("created:", field_time(key, "created") + " by " + field_text(key, "created_by"));
  line("expires:", field_time(key, "expires"));
  line("revoked:", field_text(key, "revoked_ms") == "-"
                       ? "-"
                       : field_time(key, "revoked") + " by " + field_text(key, "revoked_by"));
  line("last used:", field_time(key, "last_used"));
  return out;
}

std::string render_created(const Json& created) {
  std::string out = "Created key " + name_and_id(created) + ":\n\n";
  out += render_key(created);
  out += "\nsecret:\n\n    " + field_text(created, "secret") + "\n\n";
  out +=
      "Store it now; it cannot be shown again (only its hash is kept). Clients send it as\n"
      "`Authorization: Bearer <secret>`.\n";
  return out;
}

std::string render_revoked(const Json& key) {
  return "Revoked key " + name_and_id(key) + " at " + field_time(key, "revoked") + " (UTC) by " +
         field_text(key, "revoked_by") +
         ": servers on this store refuse it from the next request.\n";
}

}  // namespace slipway::app::keys_cli
