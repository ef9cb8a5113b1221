#include "app/serve/yaml_section.h"

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

}  // namespace slipway::app
