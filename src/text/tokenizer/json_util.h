#pragma once
// Typed access to tokenizer.json members that reports problems as one-line TokenizerErrors.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "text/tokenizer.h"

namespace slipway::text::json_util {

using Json = nlohmann::json;

// Where we are in the document, e.g. "tokenizer.json: pre_tokenizer.pretokenizers[1]".
struct Context {
  std::string source;
  std::string path;
  Context at(std::string_view member) const;
  Context at(size_t index) const;
  [[noreturn]] void fail(std::string_view problem) const;
};

// Quotes text for an error message (escaping newlines so the message stays on one line).
std::string quote(std::string_view text);

const Json& require(const Json& object, const char* key, const Context& ctx);
std::string get_string(const Json& object, const char* key, const Context& ctx);
std::string get_string_or(const Json& object, const char* key, std::string fallback,
                          const Context& ctx);
bool get_bool_or(const Json& object, const char* key, bool fallback, const Context& ctx);
int64_t get_int(const Json& object, const char* key, const Context& ctx);
void require_object(const Json& value, const Context& ctx);
void require_array(const Json& value, const Context& ctx);

}  // namespace slipway::text::json_util
