#include "app/feedback/render.h"

#include <cstdio>
#include <ctime>

#include "app/models/table.h"

namespace slipway::app::feedback {
namespace {

// A record field as text: the record's own, else its summary's or filters' ("-" when none).
const Json* find_field(const Json& record, const char* key) {
  if (!record.is_object()) return nullptr;
  if (auto it = record.find(key); it != record.end() && !it->is_null()) return &*it;
  for (const char* nested : {"summary", "filters"}) {
    auto outer = record.find(nested);
    if (outer == record.end() || !outer->is_object()) continue;
    if (auto it = outer->find(key); it != outer->end() && !it->is_null()) return &*it;
  }
  return nullptr;
}

std::string scalar_text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

std::string field(const Json& record, const char* key) {
  const Json* value = find_field(record, key);
  return value ? scalar_text(*value) : "-";
}

std::string utc_text(int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string percent(const Json& value) {
  if (!value.is_number()) return "-";
  char text[16];
  std::snprintf(text, sizeof text, "%.1f%%", value.get<double>() * 100);
  return text;
}

int64_t number(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<int64_t>() : 0;
}

struct CountLabel {
  const char* key;
  const char* one;
  const char* many;
};

std::string counts_text(const Json& counts, const std::vector<CountLabel>& labels) {
  std::string text;
  for (const auto& label : labels) {
    if (!text.empty()) text += ", ";
    const int64_t n = number(counts, label.key);
    text += std::to_string(n) + " " + (n == 1 ? label.one : label.many);
  }
  return text;
}

}  // namespace

std::string render_filters(const Json& filters) {
  std::string text;
  if (!filters.is_object()) return "-";
  for (const auto& [key, value] : filters.items()) {
    if (key == "format" || value.is_null() ||
        (value.is_string() && value.get<std::string>().empty()) ||
        (value.is_boolean() && !value.get<bool>()))
      continue;
    if (!text.empty()) text += " ";
    if (key == "since_ms" && value.is_number()) {
      text += "since=" + utc_text(value.get<int64_t>());
    } else if (value.is_boolean()) {
      text += key;
    } else {
      text += key + "=" + scalar_text(value);
    }
  }
  return text.empty() ? "-" : text;
}

std::string render_exports_table(const std::vector<Json>& records) {
  std::vector<models::TableRow> rows;
  for (const auto& record : records) {
    const std::string sha = field(record, "sha256");
    const auto filters = record.find("filters");
    rows.push_back({field(record, "id"), field(record, "format"), field(record, "rows"),
                    sha.substr(0, 12), field(record, "created"),
                    filters != record.end() ? render_filters(*filters) : "-"});
  }
  return models::render_table({"ID", "FORMAT", "ROWS", "SHA256", "CREATED", "FILTERS"}, rows);
}

std::string render_export_record(const Json& record) {
  std::string text;
  const auto line = [&text](const std::string& key, const std::string& value) {
    text += key + ": " + value + "\n";
  };
  for (const char* key : {"id", "format", "rows", "sha256", "bytes", "created", "actor"}) {
    line(key, field(record, key));
  }
  if (auto filters = record.find("filters"); filters != record.end()) {
    line("filters", render_filters(*filters));
  }
  if (const Json* message = find_field(record, "message")) line("summary", scalar_text(*message));
  return text;
}

std::string render_export_report(const Json& record) {
  const Json* message = find_field(record, "message");
  const std::string summary = message ? scalar_text(*message) : std::string();
  if (!find_field(record, "id")) {
    return (summary.empty() ? std::string("No rows") : summary) + "; nothing recorded\n";
  }
  const std::string rows = field(record, "rows");
  return "export " + field(record, "id") + ": " + rows + (rows == "1" ? " row" : " rows") +
         ", sha256 " + field(record, "sha256") + "\n" + (summary.empty() ? "" : summary + "\n");
}

std::string render_rates_table(const std::vector<Json>& windows) {
  std::vector<models::TableRow> rows;
  for (const auto& window : windows) {
    std::string completion = percent(window.value("completion_rate", Json()));
    if (completion != "-") {
      completion += " (" + std::to_string(number(window, "completed")) + "/" +
                    std::to_string(number(window, "completion_reports")) + ")";
    }
    rows.push_back({field(window, "route"), field(window, "version"), field(window, "arm"),
                    field(window, "start"), std::to_string(number(window, "answers")),
                    std::to_string(number(window, "thumbs_up")),
                    std::to_string(number(window, "thumbs_down")),
                    percent(window.value("thumbs_up_share", Json())), completion});
  }
  return models::render_table(
      {"ROUTE", "VERSION", "ARM", "START", "ANSWERS", "UP", "DOWN", "UP-SHARE", "COMPLETION"},
      rows);
}

std::string render_forget_counts(const Json& counts) {
  return counts_text(counts, {{"responses", "answer", "answers"},
                              {"bodies", "body", "bodies"},
                              {"ratings", "rating", "ratings"},
                              {"judgments", "judgment", "judgments"}});
}

std::string render_purge_counts(const Json& counts) {
  return counts_text(counts,
                     {{"bodies_expired", "expired body", "expired bodies"},
                      {"bodies_over_cap", "body over the size cap", "bodies over the size cap"},
                      {"responses_expired", "expired answer", "expired answers"},
                      {"ratings_expired", "expired rating", "expired ratings"}});
}

}  // namespace slipway::app::feedback
