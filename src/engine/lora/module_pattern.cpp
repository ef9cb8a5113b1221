#include "engine/lora/module_pattern.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "engine/format/format_error.h"
#include "engine/format/format_text.h"

namespace slipway::engine {

struct ModulePattern::Code {
  pcre2_code* code = nullptr;
  Code() = default;
  Code(const Code&) = delete;
  Code& operator=(const Code&) = delete;
  ~Code() { pcre2_code_free(code); }
};

namespace {

std::string pcre2_message(int error) {
  PCRE2_UCHAR message[256];
  pcre2_get_error_message(error, message, sizeof(message));
  return reinterpret_cast<const char*>(message);
}

}  // namespace

ModulePattern::ModulePattern(std::string_view pattern, const std::string& where) : where_(where) {
  auto code = std::make_shared<Code>();
  int error = 0;
  PCRE2_SIZE offset = 0;
  // UTF and UCP: Python's str patterns are Unicode-aware (\d, \w).
  code->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                             PCRE2_UTF | PCRE2_UCP, &error, &offset, nullptr);
  if (code->code == nullptr) {
    throw FormatError(where + ": invalid regex " + format_text::quote_name(pattern) +
                      " at offset " + std::to_string(offset) + ": " + pcre2_message(error));
  }
  code_ = std::move(code);
}

bool ModulePattern::match(std::string_view name, bool to_end) const {
  pcre2_match_data* data = pcre2_match_data_create_from_pattern(code_->code, nullptr);
  if (data == nullptr) throw FormatError(where_ + ": out of memory matching a regex");
  uint32_t options = PCRE2_ANCHORED | (to_end ? PCRE2_ENDANCHORED : 0);
  int rc = pcre2_match(code_->code, reinterpret_cast<PCRE2_SPTR>(name.data()), name.size(), 0,
                       options, data, nullptr);
  pcre2_match_data_free(data);
  if (rc == PCRE2_ERROR_NOMATCH) return false;
  if (rc < 0) {
    throw FormatError(where_ + ": regex match on " + format_text::quote_name(name) +
                      " failed: " + pcre2_message(rc));
  }
  return true;
}

bool ModulePattern::full_match(std::string_view name) const {
  return match(name, true);
}

bool ModulePattern::prefix_match(std::string_view name) const {
  return match(name, false);
}

std::string ModulePattern::pattern_key_regex(std::string_view key) {
  return "(.*\\.)?(" + std::string(key) + ")$";
}

}  // namespace slipway::engine
