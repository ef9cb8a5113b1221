#pragma once
// Reads typed fields from one mapping of the serve YAML and rejects keys nobody reads, with the
// file and line in every error (ConfigError). Shared by the readers of each config section.
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <set>
#include <string>

#include "app/serve/serve_config.h"

namespace slipway::app {

class YamlSection {
 public:
  // `where` names the mapping in errors ("server", "models[2].upstream"); `source` the file.
  YamlSection(const YAML::Node& node, std::string where, const std::string& source);

  // Leaves `out` alone when the key is absent or null.
  template <typename T>
  void read(const char* key, T& out) {
    known_.insert(key);
    if (!node_ || node_.IsNull()) return;
    const YAML::Node value = node_[key];
    if (!value || value.IsNull()) return;
    try {
      out = value.as<T>();
    } catch (const YAML::Exception&) {
      fail(where_ + "." + key + " has the wrong type", value.Mark());
    }
  }

  YAML::Node child(const char* key);
  // Call after every read(): any other key is a typo or a field from another version.
  void reject_unknown_keys() const;

  [[noreturn]] void fail(const std::string& message, const YAML::Mark& mark) const;
  [[noreturn]] void fail(const std::string& message) const;  // at the mapping itself
  // The line of `key`'s value when present, else the mapping's: for range errors.
  [[noreturn]] void fail_at(const char* key, const std::string& message) const;

  const std::string& where() const { return where_; }
  const std::string& source() const { return source_; }

 private:
  YAML::Node node_;
  std::string where_;
  const std::string& source_;
  std::set<std::string> known_;
};

// A positive number of seconds no larger than `max`, read into milliseconds.
void read_seconds(YamlSection& section, const char* key, std::chrono::milliseconds& out,
                  double max);
void read_seconds(YamlSection& section, const char* key, int64_t& out_ms, double max);

// An integer in [min, max].
template <class Int>
void read_range(YamlSection& section, const char* key, Int& out, int64_t min, int64_t max) {
  int64_t value = static_cast<int64_t>(out);
  section.read(key, value);
  if (value < min || value > max) {
    section.fail_at(key, section.where() + "." + key + " must be " + std::to_string(min) + "-" +
                             std::to_string(max));
  }
  out = static_cast<Int>(value);
}

// A number in [min, max].
void read_number(YamlSection& section, const char* key, double& out, double min, double max);

}  // namespace slipway::app
