#include "app/shadow/shadow_report_text.h"

#include <algorithm>
#include <cstdio>
#include <initializer_list>
#include <string_view>
#include <utility>
#include <vector>

#include "app/models/table.h"

namespace slipway::app::shadow {

namespace {

using ::slipway::feedback::Json;

// Missing or null fields print as "-" rather than failing: the JSON may come from a server.
std::string fixed(const Json& value, int decimals, bool sign = false) {
  if (!value.is_number()) return "-";
  char text[32];
  std::snprintf(text, sizeof text, sign ? "%+.*f" : "%.*f", decimals, value.get<double>());
  return text;
}

std::string text_of(const Json& object, const char* key) {
  if (!object.is_object()) return "-";
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return "-";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

int64_t count_of(const Json& object, const char* key) {
  if (!object.is_object()) return 0;
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<int64_t>() : 0;
}

const Json& member(const Json& object, const char* key) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  const auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

// "stop ×3, length ×1" of {"length": 1, "stop": 3}, most frequent first.
// Appends the parts in order (GCC 12 warns falsely on chains of "literal" + std::string).
void append(std::string& out, std::initializer_list<std::string_view> parts) {
  for (std::string_view part : parts) out.append(part);
}

std::string mix_text(const Json& counts) {
  if (!counts.is_object() || counts.empty()) return "-";
  std::vector<std::pair<std::string, int64_t>> entries;
  for (const auto& [name, count] : counts.items()) {
    entries.emplace_back(name, count.is_number() ? count.get<int64_t>() : 0);
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string text;
  for (const auto& [name, count] : entries) {
    append(text, {text.empty() ? "" : ", ", name, " ×", std::to_string(count)});
  }
  return text;
}

// Rows "<label> mean/p50/p95" of one paired figure; one row saying so when it is null.
void add_figure_rows(std::vector<models::TableRow>& rows, const std::string& label,
                     const Json& figure, int decimals) {
  if (!figure.is_object()) {
    rows.push_back({label, "-", "-", "-", "-", "no pair has it on both sides"});
    return;
  }
  const Json& primary = member(figure, "primary");
  const Json& shadow = member(figure, "shadow");
  const int64_t pair_count = count_of(figure, "pairs");
  std::string pairs = std::to_string(pair_count);
  pairs += pair_count == 1 ? " pair" : " pairs";
  for (const char* p : {"mean", "p50", "p95"}) {
    std::string name = label;
    append(name, {" ", p});
    const bool mean = std::string_view(p) == "mean";
    rows.push_back({name, fixed(member(primary, p), decimals), fixed(member(shadow, p), decimals),
                    mean ? fixed(member(figure, "mean_delta"), decimals, true) : "",
                    mean ? fixed(member(figure, "ratio"), 2) : "", mean ? pairs : ""});
  }
}

std::string share(int64_t part, int64_t whole) {
  char text[48];
  std::snprintf(text, sizeof text, "%lld/%lld", static_cast<long long>(part),
                static_cast<long long>(whole));
  std::string shown = text;
  if (whole > 0) {
    std::snprintf(text, sizeof text, " (%.1f%%)",
                  100.0 * static_cast<double>(part) / static_cast<double>(whole));
    shown += text;
  }
  return shown;
}

std::string version_text(const Json& version) {
  const int64_t pairs = count_of(version, "pairs");
  std::string text;
  append(text, {text_of(version, "version"), ": ", std::to_string(pairs),
                pairs == 1 ? " pair of " : " pairs of ",
                std::to_string(count_of(version, "shadow_answers")), " shadow answers"});
  const Json& primaries = member(version, "primary_versions");
  if (primaries.is_object() && !primaries.empty()) {
    append(text, {"; primaries: ", mix_text(primaries)});
  }
  text += "\n";
  if (pairs == 0) return text;

  std::vector<models::TableRow> rows;
  add_figure_rows(rows, "latency (s)", member(version, "latency_seconds"), 3);
  add_figure_rows(rows, "ttft (s)", member(version, "ttft_seconds"), 3);
  add_figure_rows(rows, "completion tokens", member(version, "completion_tokens"), 1);
  const std::string table =
      models::render_table({"", "PRIMARY", "SHADOW", "DELTA", "RATIO", ""}, rows);
  for (std::size_t start = 0; start < table.size();) {  // indent every line under the version
    const std::size_t end = std::min(table.find('\n', start), table.size());
    append(text, {"  ", std::string_view(table).substr(start, end - start), "\n"});
    start = end + 1;
  }

  const Json& finish = member(version, "finish_reasons");
  append(text, {"  finish reasons: primary ", mix_text(member(finish, "primary")), "; shadow ",
                mix_text(member(finish, "shadow")), "\n"});
  const Json& match = member(version, "match");
  const int64_t with_bodies = count_of(match, "pairs_with_bodies");
  if (with_bodies == 0) {
    text += "  output match: no pair has both bodies (sampled away or purged)\n";
  } else {
    append(text,
           {"  output match: exact ", share(count_of(match, "exact"), with_bodies), ", normalized ",
            share(count_of(match, "normalized"), with_bodies), " of the pairs with both bodies\n"});
  }
  append(text, {"  judge: ", text_of(member(version, "judge"), "summary"), "\n"});
  return text;
}

}  // namespace

std::string render_shadow_report(const Json& report) {
  std::string text;
  append(text, {"Shadow report for route ", text_of(report, "route"), " since ",
                text_of(report, "since")});
  if (const Json& until = member(report, "until"); until.is_string()) {
    append(text, {" until ", until.get<std::string>()});
  }
  const int64_t pairs = count_of(report, "pairs");
  append(text, {": ", std::to_string(pairs), pairs == 1 ? " pair\n" : " pairs\n"});
  if (const Json& message = member(report, "message"); message.is_string()) {
    append(text, {message.get<std::string>(), "\n"});
  }
  for (const Json& version : member(report, "versions")) {
    append(text, {"\n", version_text(version)});
  }
  return text;
}

}  // namespace slipway::app::shadow
