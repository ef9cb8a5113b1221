// The Prometheus text exposition format (version 0.0.4).
#include "metrics/prometheus_text.h"

#include <charconv>
#include <cmath>
#include <system_error>

namespace slipway::metrics {

namespace {

// `name="value",...` without braces; "" for no labels.
std::string label_list(const Labels& labels) {
  std::string out;
  for (const auto& [name, value] : labels) {
    if (!out.empty()) out += ',';
    out += name;
    out += "=\"";
    out += escape_label_value(value);
    out += '"';
  }
  return out;
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Below 1e15 every whole double converts to int64 exactly.
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<int64_t>(value));
  }
  char text[32];
  const auto [end, error] = std::to_chars(text, text + sizeof text, value);
  if (error != std::errc()) return "NaN";  // cannot happen: 32 bytes hold any double
  return std::string(text, end);
}

std::string family_header(std::string_view name, std::string_view type, std::string_view help) {
  std::string out = "# HELP ";
  out.append(name).append(" ").append(help).append("\n# TYPE ");
  out.append(name).append(" ").append(type).append("\n");
  return out;
}

PrometheusText& PrometheusText::family(std::string_view name, std::string_view type,
                                       std::string_view help) {
  text_ += family_header(name, type, help);
  return *this;
}

PrometheusText& PrometheusText::sample(std::string_view name, const Labels& labels, double value) {
  line(name, label_list(labels), format_number(value));
  return *this;
}

PrometheusText& PrometheusText::sample(std::string_view name, const Labels& labels,
                                       uint64_t value) {
  line(name, label_list(labels), std::to_string(value));
  return *this;
}

PrometheusText& PrometheusText::histogram(std::string_view name, const Labels& labels,
                                          const std::vector<double>& bounds,
                                          const std::vector<uint64_t>& counts, double sum,
                                          uint64_t count) {
  const std::string base = label_list(labels);
  const std::string bucket = std::string(name) + "_bucket";
  const std::string prefix = base.empty() ? "" : base + ",";
  uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= bounds.size(); ++i) {
    if (i < counts.size()) cumulative += counts[i];
    const std::string le = i < bounds.size() ? format_number(bounds[i]) : "+Inf";
    line(bucket, prefix + "le=\"" + le + "\"", std::to_string(cumulative));
  }
  line(std::string(name) + "_sum", base, format_number(sum));
  line(std::string(name) + "_count", base, std::to_string(count));
  return *this;
}

void PrometheusText::line(std::string_view name, std::string_view labels, std::string_view value) {
  text_.append(name);
  if (!labels.empty()) text_.append("{").append(labels).append("}");
  text_.append(" ").append(value).append("\n");
}

}  // namespace slipway::metrics
