#include "registry/version_ref.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "registry/registry_error.h"

namespace slipway::registry {

namespace {

constexpr std::size_t kMaxNameLength = 128;

bool is_alnum(char ch) {
  return std::isalnum(static_cast<unsigned char>(ch)) != 0;
}

bool valid_identifier(std::string_view text) {
  if (text.empty() || text.size() > kMaxNameLength || !is_alnum(text.front())) return false;
  return std::all_of(text.begin(), text.end(),
                     [](char ch) { return is_alnum(ch) || ch == '.' || ch == '_' || ch == '-'; });
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char ch) {
    return std::isdigit(static_cast<unsigned char>(ch)) != 0;
  });
}

[[noreturn]] void invalid_ref(std::string_view text, const std::string& why) {
  throw RegistryError(RegistryError::Code::Invalid,
                      "invalid version reference \"" + std::string(text) + "\": " + why +
                          "; use name/3 (version number), name@alias, name/label or name "
                          "(latest version)");
}

}  // namespace

bool valid_model_name(std::string_view name) {
  return valid_identifier(name);
}

bool valid_alias(std::string_view alias) {
  return valid_identifier(alias);
}

bool valid_label(std::string_view label) {
  return valid_identifier(label) && !all_digits(label);
}

std::string VersionRef::to_string() const {
  if (number) return model + "/" + std::to_string(*number);
  if (alias) return model + "@" + *alias;
  if (label) return model + "/" + *label;
  return model;
}

VersionRef parse_version_ref(std::string_view text) {
  if (text.empty()) invalid_ref(text, "it is empty");
  const auto at = text.find('@');
  const auto slash = text.find('/');
  if (at != std::string_view::npos && slash != std::string_view::npos) {
    invalid_ref(text, "it has both '@' and '/'");
  }
  const auto split = at != std::string_view::npos ? at : slash;
  VersionRef ref;
  const std::string_view model = text.substr(0, split);
  if (!valid_model_name(model)) {
    invalid_ref(text, "\"" + std::string(model) +
                          "\" is not a model name (letters, digits, '.', '_', '-', starting "
                          "with a letter or digit, at most 128)");
  }
  ref.model = std::string(model);
  if (split == std::string_view::npos) return ref;

  const std::string_view rest = text.substr(split + 1);
  if (at != std::string_view::npos) {
    if (!valid_alias(rest)) invalid_ref(text, "\"" + std::string(rest) + "\" is not an alias");
    ref.alias = std::string(rest);
    return ref;
  }
  if (rest.find('/') != std::string_view::npos) invalid_ref(text, "it has more than one '/'");
  if (all_digits(rest)) {
    int64_t number = 0;
    for (char ch : rest) {
      if (number > (INT64_MAX - 9) / 10) invalid_ref(text, "the version number is too large");
      number = number * 10 + (ch - '0');
    }
    if (number < 1) invalid_ref(text, "version numbers start at 1");
    ref.number = number;
    return ref;
  }
  if (!valid_label(rest)) {
    invalid_ref(text, "\"" + std::string(rest) + "\" is neither a version number nor a label");
  }
  ref.label = std::string(rest);
  return ref;
}

bool looks_like_version_ref(std::string_view text) {
  if (text.find('@') == std::string_view::npos && text.find('/') == std::string_view::npos) {
    return false;
  }
  try {
    parse_version_ref(text);
    return true;
  } catch (const RegistryError&) {
    return false;
  }
}

}  // namespace slipway::registry
