#pragma once
// Redaction of personal data before bodies are stored: each rule is a PCRE2 pattern (Perl/
// Python syntax, UTF-8) whose every match is replaced. The defaults replace e-mail addresses
// with [EMAIL] and runs of 7 or more digits (phone, card and account numbers, optionally with
// spaces, dots or dashes between groups) with [NUMBER]; short numbers stay, since prompts about
// arithmetic or dates need them.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "feedback/json.h"

namespace slipway::feedback {

struct RedactionRule {
  std::string name;         // for errors and docs: "email", "number", ...
  std::string pattern;      // PCRE2
  std::string replacement;  // literal text, e.g. "[EMAIL]"
};

std::vector<RedactionRule> default_redaction_rules();

class Redactor {
 public:
  // Throws std::invalid_argument naming the rule and PCRE2's message for a bad pattern.
  explicit Redactor(std::vector<RedactionRule> rules);
  ~Redactor();
  Redactor(Redactor&&) noexcept;
  Redactor& operator=(Redactor&&) noexcept;

  // Text with every rule applied in order. Invalid UTF-8 is matched byte-wise, never throws.
  std::string apply(std::string_view text) const;
  // Applies to every string value of a JSON document, except the values of keys that name
  // structure rather than content: role, type, id, tool_call_id, name, model, finish_reason.
  void apply_json(Json& document) const;
  bool empty() const;

 private:
  struct Compiled;
  std::vector<std::unique_ptr<Compiled>> compiled_;
};

}  // namespace slipway::feedback
