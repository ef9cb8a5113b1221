#pragma once
// How users name a version: "name/3" (number), "name@production" (alias), "name/my-label"
// (label), or "name" alone (its latest version). Model names: [A-Za-z0-9][A-Za-z0-9._-]{0,127};
// aliases the same; labels the same but not all digits.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace slipway::registry {

struct VersionRef {
  std::string model;
  std::optional<int64_t> number;
  std::optional<std::string> alias;
  std::optional<std::string> label;
  bool latest() const { return !number && !alias && !label; }
  std::string to_string() const;
};

// Throws RegistryError(Invalid) with the accepted forms when text is none of them.
VersionRef parse_version_ref(std::string_view text);
// True when text could only be a registry reference (contains '@' or '/' and parses), so
// `serve --model` can tell refs from folder paths.
bool looks_like_version_ref(std::string_view text);

bool valid_model_name(std::string_view name);
bool valid_alias(std::string_view alias);
bool valid_label(std::string_view label);

}  // namespace slipway::registry
