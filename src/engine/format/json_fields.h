#pragma once
// Typed reads of the keys of one JSON config object; a wrong type is a FormatError naming the
// file and the key (private to engine/format). Absent keys and null values read as nullopt.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slipway::engine {

class JsonFields {
 public:
  // Parses text that must be a JSON object.
  static JsonFields parse(const std::string& text, const std::filesystem::path& source);
  JsonFields(const nlohmann::json& object, const std::filesystem::path& source,
             std::string key_prefix = {});

  const nlohmann::json* find(std::string_view key) const;  // nullptr when absent or null
  std::optional<int64_t> integer(std::string_view key) const;
  std::optional<double> number(std::string_view key) const;  // integers accepted
  std::optional<bool> boolean(std::string_view key) const;
  std::optional<std::string> string(std::string_view key) const;
  std::vector<int64_t> integer_or_list(std::string_view key) const;  // empty when absent

  // Required positive integer, at most 2^31-1 so products of dimensions stay in int64.
  int64_t dimension(std::string_view key) const;
  [[noreturn]] void fail(std::string_view key, std::string_view problem) const;
  const std::filesystem::path& source() const { return source_; }
  const nlohmann::json& object() const { return *object_; }

 private:
  std::shared_ptr<const nlohmann::json> owned_;
  const nlohmann::json* object_;
  std::filesystem::path source_;
  std::string key_prefix_;  // "rope_scaling." for nested objects
};

}  // namespace slipway::engine
