#include "registry/records.h"

#include "registry/registry_error.h"

namespace slipway::registry {

std::string to_string(SourceKind kind) {
  switch (kind) {
    case SourceKind::Embedded:
      return "embedded";
    case SourceKind::Lora:
      return "lora";
    case SourceKind::Upstream:
      return "upstream";
  }
  return "embedded";
}

SourceKind source_kind_from_string(const std::string& text) {
  if (text == "embedded") return SourceKind::Embedded;
  if (text == "lora") return SourceKind::Lora;
  if (text == "upstream") return SourceKind::Upstream;
  throw RegistryError(RegistryError::Code::Invalid,
                      "unknown source kind \"" + text + "\"; use embedded, lora or upstream");
}

std::string to_string(Stage stage) {
  switch (stage) {
    case Stage::Candidate:
      return "candidate";
    case Stage::Staging:
      return "staging";
    case Stage::Production:
      return "production";
    case Stage::Archived:
      return "archived";
  }
  return "candidate";
}

Stage stage_from_string(const std::string& text) {
  if (text == "candidate") return Stage::Candidate;
  if (text == "staging") return Stage::Staging;
  if (text == "production") return Stage::Production;
  if (text == "archived") return Stage::Archived;
  throw RegistryError(
      RegistryError::Code::Invalid,
      "unknown stage \"" + text + "\"; use candidate, staging, production or archived");
}

}  // namespace slipway::registry
