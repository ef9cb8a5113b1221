#include "registry/stage_rules.h"

namespace slipway::registry {

namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) {
    if (!text.empty()) text += ", ";
    text += name;
  }
  return text;
}

}  // namespace

std::optional<std::string> stage_change_refusal(Stage from, Stage to,
                                                const std::vector<std::string>& aliases) {
  if (from == to) return "it is already " + to_string(to);
  if (to == Stage::Archived) {
    if (aliases.empty()) return std::nullopt;
    return std::string(aliases.size() == 1 ? "alias " : "aliases ") + joined(aliases) +
           (aliases.size() == 1 ? " still points" : " still point") +
           " to it; move or remove them first";
  }
  switch (from) {
    case Stage::Candidate:
      if (to == Stage::Staging) return std::nullopt;
      return std::string("promote it to staging first");
    case Stage::Staging:
      return std::nullopt;  // production, candidate (and archived above) are all allowed
    case Stage::Production:
      if (to == Stage::Staging) return std::nullopt;
      return std::string("demote it to staging first");
    case Stage::Archived:
      if (to == Stage::Candidate) return std::nullopt;
      return std::string("restore it to candidate first");
  }
  return std::string("unknown stage");
}

}  // namespace slipway::registry
