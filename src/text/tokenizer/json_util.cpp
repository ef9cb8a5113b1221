#include "text/tokenizer/json_util.h"

#include "text/tokenizer/unicode.h"

namespace slipway::text::json_util {

Context Context::at(std::string_view member) const {
  return {source, path.empty() ? std::string(member) : path + "." + std::string(member)};
}

Context Context::at(size_t index) const {
  return {source, path + "[" + std::to_string(index) + "]"};
}

void Context::fail(std::string_view problem) const {
  std::string where = path.empty() ? source : source + ": " + path;
  throw TokenizerError(where + ": " + std::string(problem));
}

std::string quote(std::string_view text) {
  std::string out = "'";
  for (char c : unicode::lossy(text.substr(0, 80))) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  return out + (text.size() > 80 ? "...'" : "'");
}

const Json& require(const Json& object, const char* key, const Context& ctx) {
  require_object(object, ctx);
  auto it = object.find(key);
  if (it == object.end()) ctx.fail(std::string("missing member '") + key + "'");
  return *it;
}

std::string get_string(const Json& object, const char* key, const Context& ctx) {
  const Json& v = require(object, key, ctx);
  if (!v.is_string()) ctx.at(key).fail("expected a string, got " + std::string(v.type_name()));
  return v.get<std::string>();
}

std::string get_string_or(const Json& object, const char* key, std::string fallback,
                          const Context& ctx) {
  require_object(object, ctx);
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return fallback;
  if (!it->is_string()) ctx.at(key).fail("expected a string, got " + std::string(it->type_name()));
  return it->get<std::string>();
}

bool get_bool_or(const Json& object, const char* key, bool fallback, const Context& ctx) {
  require_object(object, ctx);
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return fallback;
  if (!it->is_boolean())
    ctx.at(key).fail("expected a boolean, got " + std::string(it->type_name()));
  return it->get<bool>();
}

int64_t get_int(const Json& object, const char* key, const Context& ctx) {
  const Json& v = require(object, key, ctx);
  if (!v.is_number_integer())
    ctx.at(key).fail("expected an integer, got " + std::string(v.type_name()));
  return v.get<int64_t>();
}

void require_object(const Json& value, const Context& ctx) {
  if (!value.is_object()) ctx.fail("expected an object, got " + std::string(value.type_name()));
}

void require_array(const Json& value, const Context& ctx) {
  if (!value.is_array()) ctx.fail("expected an array, got " + std::string(value.type_name()));
}

}  // namespace slipway::text::json_util
