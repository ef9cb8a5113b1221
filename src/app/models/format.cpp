#include "app/models/format.h"

#include <cstdio>
#include <ctime>

namespace slipway::app::models {

std::string format_bytes(int64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static const char* const kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = static_cast<double>(bytes);
  int unit = -1;
  while (value >= 1024.0 && unit < 4) {
    value /= 1024.0;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  return text;
}

std::string format_time(int64_t ms_since_epoch) {
  std::time_t seconds = static_cast<std::time_t>(ms_since_epoch / 1000);
  if (ms_since_epoch < 0 && ms_since_epoch % 1000 != 0) --seconds;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string format_value(const registry::Json& value) {
  if (value.is_null()) return "(none)";
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    return text.empty() ? std::string("\"\"") : text;
  }
  return value.dump();
}

std::string describe_source(const registry::Source& source) {
  switch (source.kind) {
    case registry::SourceKind::Embedded:
      return "embedded " + source.path.string();
    case registry::SourceKind::Lora:
      return "lora " + source.path.string() + " (base " + source.base + ")";
    case registry::SourceKind::Upstream: {
      std::string text = "upstream " + source.url;
      std::string details;
      if (!source.upstream_model.empty()) details = "model " + source.upstream_model;
      if (!source.api_key_env.empty()) {
        if (!details.empty()) details += ", ";
        details += "key from $" + source.api_key_env;
      }
      if (!details.empty()) text += " (" + details + ")";
      return text;
    }
  }
  return {};
}

std::string short_hash(const std::string& sha256) {
  return sha256.substr(0, 12);
}

int64_t total_size(const registry::Version& version) {
  int64_t total = 0;
  for (const auto& artifact : version.artifacts) total += artifact.size;
  return total;
}

}  // namespace slipway::app::models
