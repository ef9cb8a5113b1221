#pragma once
// Runtime values of the template language, mirroring @huggingface/jinja's RuntimeValue classes:
// numbers are doubles tagged integer or float, arrays/objects are shared by reference.
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace slipway::text::jinja {

enum class Kind : std::uint8_t {
  Undefined,
  Null,
  Bool,
  Int,
  Float,
  String,
  Array,
  Object,
  Namespace,
  Function
};

class Value;
struct Env;
using EnvPtr = std::shared_ptr<Env>;
using Array = std::vector<Value>;
// Builtins receive positional args, then keyword args as a trailing kwargs object.
using Callable = std::function<Value(std::vector<Value>& args, const EnvPtr& caller)>;

// Insertion-ordered string map (a JS Map); linear lookup suits the small objects templates see.
class Object {
 public:
  const Value* find(std::string_view key) const;
  void set(std::string key, Value value);
  bool erase(std::string_view key);
  // Defined after Value: clang instantiates the vector's constexpr members eagerly.
  std::size_t size() const;
  bool empty() const;
  const std::vector<std::pair<std::string, Value>>& entries() const { return entries_; }
  void clear();

 private:
  std::vector<std::pair<std::string, Value>> entries_;
};

class Value {
 public:
  Value() = default;
  static Value undefined() { return Value(); }
  static Value null() { return Value(Kind::Null, std::monostate{}); }
  static Value boolean(bool b) { return Value(Kind::Bool, b); }
  static Value integer(double n) { return Value(Kind::Int, n); }
  static Value floating(double n) { return Value(Kind::Float, n); }
  static Value string(std::string s) {
    return Value(Kind::String, std::make_shared<const std::string>(std::move(s)));
  }
  static Value array(Array items, bool tuple = false) {
    Value v(Kind::Array, std::make_shared<Array>(std::move(items)));
    v.tagged_ = tuple;
    return v;
  }
  static Value object(Object o, bool kwargs = false) {
    Value v(Kind::Object, std::make_shared<Object>(std::move(o)));
    v.tagged_ = kwargs;
    return v;
  }
  static Value name_space(std::shared_ptr<Object> o) {
    return Value(Kind::Namespace, std::move(o));
  }
  static Value function(Callable f) {
    return Value(Kind::Function, std::make_shared<Callable>(std::move(f)));
  }

  Kind kind() const { return kind_; }
  bool is(Kind k) const { return kind_ == k; }
  bool is_number() const { return kind_ == Kind::Int || kind_ == Kind::Float; }
  bool is_nullish() const { return kind_ == Kind::Undefined || kind_ == Kind::Null; }
  bool is_tuple() const { return kind_ == Kind::Array && tagged_; }
  bool is_kwargs() const { return kind_ == Kind::Object && tagged_; }
  bool is_container() const { return kind_ == Kind::Object || kind_ == Kind::Namespace; }

  bool as_bool() const { return std::get<bool>(data_); }
  double number() const { return std::get<double>(data_); }
  const std::string& str() const { return *std::get<std::shared_ptr<const std::string>>(data_); }
  const Array& arr() const { return *std::get<std::shared_ptr<Array>>(data_); }
  const Object& obj() const { return *std::get<std::shared_ptr<Object>>(data_); }
  Object& mutable_obj() const { return *std::get<std::shared_ptr<Object>>(data_); }
  const Callable& fn() const { return *std::get<std::shared_ptr<Callable>>(data_); }
  const void* identity() const;  // reference identity of arrays/objects/functions
  // The string's bytes, moved out when this value is their only owner (cheap concatenation).
  std::string take_str() &&;

 private:
  using Data =
      std::variant<std::monostate, bool, double, std::shared_ptr<const std::string>,
                   std::shared_ptr<Array>, std::shared_ptr<Object>, std::shared_ptr<Callable>>;
  template <typename T>
  Value(Kind k, T&& d) : kind_(k), data_(std::forward<T>(d)) {}

  Kind kind_ = Kind::Undefined;
  bool tagged_ = false;  // a TupleValue, or a KeywordArgumentsValue
  Data data_;
};

inline std::size_t Object::size() const {
  return entries_.size();
}
inline bool Object::empty() const {
  return entries_.empty();
}
inline void Object::clear() {
  entries_.clear();
}

// The reference's class names, for error messages.
const char* type_name(const Value& v);

bool truthy(const Value& v);            // __bool__
std::string to_output(const Value& v);  // RuntimeValue.toString()
void append_output(std::string& out, const Value& v);
std::string raw_string(const Value& v);             // String(v.value); nullish -> ""
bool loose_equal(const Value& a, const Value& b);   // a.value == b.value
bool strict_equal(const Value& a, const Value& b);  // a.value === b.value
int compare_values(const Value& a, const Value& b, bool case_sensitive);

struct JsonOptions {
  int indent = 0;  // 0: single line
  bool ensure_ascii = false;
  bool sort_keys = false;
  bool has_separators = false;
  std::string item_separator, key_separator;
};
std::string to_json(const Value& v, const JsonOptions& options, bool undefined_to_null = true);

// JSON becomes template values the way JSON.parse + Object.entries would present it:
// integer-like keys first in numeric order, then the rest in the given order.
Value from_json(const nlohmann::json& j);
Value from_json(const nlohmann::ordered_json& j);

}  // namespace slipway::text::jinja
