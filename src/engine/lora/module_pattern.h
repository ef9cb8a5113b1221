#pragma once
// Python-style regexes over module names, as PEFT uses them in target_modules, rank_pattern and
// alpha_pattern. PCRE2 reads Python's syntax ((?:...), \d, (?P<name>...)), so patterns written
// for PEFT keep their meaning.
#include <memory>
#include <string>
#include <string_view>

namespace slipway::engine {

class ModulePattern {
 public:
  // Throws FormatError "WHERE: invalid regex \"...\" at offset N: reason" when it does not
  // compile; `where` is e.g. "<folder>/adapter_config.json: target_modules".
  ModulePattern(std::string_view pattern, const std::string& where);

  // Python re.fullmatch(pattern, name).
  bool full_match(std::string_view name) const;
  // Python re.match(pattern, name): anchored at the start only.
  bool prefix_match(std::string_view name) const;

  // The regex PEFT builds from a rank_pattern / alpha_pattern key: rf"(.*\.)?({key})$", used
  // with re.match, so a key matches a whole dotted component run at the end of the name.
  static std::string pattern_key_regex(std::string_view key);

 private:
  bool match(std::string_view name, bool to_end) const;

  struct Code;
  std::shared_ptr<const Code> code_;
  std::string where_;
};

}  // namespace slipway::engine
