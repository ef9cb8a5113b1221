#include "feedback/redactor.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <array>
#include <stdexcept>
#include <string_view>

namespace slipway::feedback {

namespace {

std::string pcre2_message(int error) {
  PCRE2_UCHAR message[256];
  pcre2_get_error_message(error, message, sizeof(message));
  return reinterpret_cast<const char*>(message);
}

// pcre2_substitute expands `$name`; a rule's replacement is literal text.
std::string escape_dollars(const std::string& text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char ch : text) {
    if (ch == '$') escaped.push_back('$');
    escaped.push_back(ch);
  }
  return escaped;
}

// Keys whose values name structure (roles, ids, tool names), never personal content.
bool structural_key(std::string_view key) {
  static constexpr std::array<std::string_view, 7> kKeys = {
      "role", "type", "id", "tool_call_id", "name", "model", "finish_reason"};
  for (std::string_view structural : kKeys) {
    if (key == structural) return true;
  }
  return false;
}

}  // namespace

std::vector<RedactionRule> default_redaction_rules() {
  return {
      {"email",
       // Practical RFC 5322: dot-atom local part, dotted domain with a letter TLD.
       R"([A-Za-z0-9!#%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#%&'*+/=?^_`{|}~-]+)*)"
       R"(@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?![A-Za-z0-9-]))",
       "[EMAIL]"},
      {"number",
       // Dates (2026-12-01, 01.12.2026) are skipped whole; otherwise 7+ digits with single
       // spaces, dots or dashes between groups, an optional "+" and "(area code)" before them.
       R"((?<!\d)(?:\d{4}([-.])\d{1,2}\1\d{1,2}|\d{1,2}([-.])\d{1,2}\2\d{4})(?!\d)(*SKIP)(*FAIL))"
       R"(|(?<![\d+])\+?(?:\(\d{1,4}\)[ .-]?)?(?<!\d)\d(?:[ .-]?\d){6,}(?!\d))",
       "[NUMBER]"},
  };
}

struct Redactor::Compiled {
  std::string name;
  std::string replacement;  // `$` escaped for pcre2_substitute
  std::string literal;      // the rule's replacement as given (the fail-closed fallback)
  pcre2_code* code = nullptr;

  Compiled() = default;
  Compiled(const Compiled&) = delete;
  Compiled& operator=(const Compiled&) = delete;
  ~Compiled() { pcre2_code_free(code); }
};

Redactor::Redactor(std::vector<RedactionRule> rules) {
  for (RedactionRule& rule : rules) {
    auto compiled = std::make_unique<Compiled>();
    compiled->name = rule.name;
    int error = 0;
    PCRE2_SIZE offset = 0;
    // MATCH_INVALID_UTF: text with broken UTF-8 is still searched (its valid parts), no error.
    compiled->code =
        pcre2_compile(reinterpret_cast<PCRE2_SPTR>(rule.pattern.data()), rule.pattern.size(),
                      PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &error, &offset, nullptr);
    if (compiled->code == nullptr) {
      throw std::invalid_argument("redaction rule \"" + rule.name +
                                  "\": invalid pattern at offset " + std::to_string(offset) + ": " +
                                  pcre2_message(error));
    }
    // The replacement goes through pcre2_substitute, which refuses invalid UTF-8: check it now.
    pcre2_code* literal =
        pcre2_compile(reinterpret_cast<PCRE2_SPTR>(rule.replacement.data()),
                      rule.replacement.size(), PCRE2_UTF | PCRE2_LITERAL, &error, &offset, nullptr);
    if (literal == nullptr) {
      throw std::invalid_argument("redaction rule \"" + rule.name +
                                  "\": invalid replacement: " + pcre2_message(error));
    }
    pcre2_code_free(literal);
    pcre2_jit_compile(compiled->code, PCRE2_JIT_COMPLETE);  // optional speed-up; may fail
    compiled->replacement = escape_dollars(rule.replacement);
    compiled->literal = std::move(rule.replacement);
    compiled_.push_back(std::move(compiled));
  }
}

Redactor::~Redactor() = default;
Redactor::Redactor(Redactor&&) noexcept = default;
Redactor& Redactor::operator=(Redactor&&) noexcept = default;

bool Redactor::empty() const {
  return compiled_.empty();
}

std::string Redactor::apply(std::string_view text) const {
  std::string current(text);
  std::string output;
  for (const auto& rule : compiled_) {
    const uint32_t options = PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH;
    output.resize(current.size() + current.size() / 2 + 64);
    int rc = 0;
    for (int attempt = 0; attempt < 2; ++attempt) {
      PCRE2_SIZE length = output.size();
      rc = pcre2_substitute(
          rule->code, reinterpret_cast<PCRE2_SPTR>(current.data()), current.size(), 0, options,
          nullptr, nullptr, reinterpret_cast<PCRE2_SPTR>(rule->replacement.data()),
          rule->replacement.size(), reinterpret_cast<PCRE2_UCHAR*>(output.data()), &length);
      if (rc == PCRE2_ERROR_NOMEMORY) {
        output.resize(length);  // OVERFLOW_LENGTH: the size needed, with the terminator
        continue;
      }
      if (rc >= 0) output.resize(length);
      break;
    }
    if (rc < 0) {
      // A match error (e.g. the backtracking limit on hostile input): fail closed, so
      // unredacted text is never stored, and never throw.
      return rule->literal;
    }
    current.swap(output);
  }
  return current;
}

void Redactor::apply_json(Json& document) const {
  if (compiled_.empty()) return;
  if (document.is_string()) {
    document = apply(document.get_ref<const std::string&>());
  } else if (document.is_object()) {
    for (auto it = document.begin(); it != document.end(); ++it) {
      if (!structural_key(it.key())) apply_json(it.value());
    }
  } else if (document.is_array()) {
    for (Json& element : document) apply_json(element);
  }
}

}  // namespace slipway::feedback
