#include "app/serve/yaml_section.h"

#include <cstdio>
#include <sstream>

namespace slipway::app {

YamlSection::YamlSection(const YAML::Node& node, std::string where, const std::string& source)
    : node_(node), where_(std::move(where)), source_(source) {
  if (node_ && !node_.IsNull() && !node_.IsMap()) fail(where_ + " must be a mapping");
}

YAML::Node YamlSection::child(const char* key) {
  known_.insert(key);
  return node_ && node_.IsMap() ? node_[key] : YAML::Node();
}

void YamlSection::reject_unknown_keys() const {
  if (!node_ || !node_.IsMap()) return;
  for (const auto& entry : node_) {
    const auto key = entry.first.as<std::string>();
    if (!known_.count(key)) fail("unknown key " + where_ + "." + key, entry.first.Mark());
  }
}

void YamlSection::fail(const std::string& message, const YAML::Mark& mark) const {
  std::ostringstream text;
  text << source_;
  if (!mark.is_null()) text << ":" << mark.line + 1;
  text << ": " << message;
  throw ConfigError(text.str());
}

void YamlSection::fail(const std::string& message) const {
  fail(message, node_ ? node_.Mark() : YAML::Mark::null_mark());
}

void YamlSection::fail_at(const char* key, const std::string& message) const {
  if (node_ && node_.IsMap()) {
    if (const YAML::Node value = node_[key]; value) fail(message, value.Mark());
  }
  fail(message);
}

void read_seconds(YamlSection& section, const char* key, std::chrono::milliseconds& out,
                  double max) {
  double seconds = static_cast<double>(out.count()) / 1000.0;
  section.read(key, seconds);
  if (!(seconds > 0) || seconds > max) {
    section.fail_at(key, section.where() + "." + key +
                             " must be a positive number of seconds up to " +
                             std::to_string(static_cast<int64_t>(max)));
  }
  out = seconds_to_ms(seconds);
}

void read_seconds(YamlSection& section, const char* key, int64_t& out_ms, double max) {
  std::chrono::milliseconds value{out_ms};
  read_seconds(section, key, value, max);
  out_ms = value.count();
}

void read_number(YamlSection& section, const char* key, double& out, double min, double max) {
  section.read(key, out);
  if (!(out >= min && out <= max)) {
    char range[96];
    std::snprintf(range, sizeof range, " must be a number from %g to %g", min, max);
    section.fail_at(key, section.where() + "." + key + range);
  }
}

}  // namespace slipway::app
