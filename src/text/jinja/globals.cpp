// Global functions and constants every template sees.
#include <cmath>
#include <ctime>
#include <string>

#include "text/jinja/builtins.h"
#include "text/jinja/error.h"
#include "text/jinja/interpreter.h"
#include "text/jinja/js_format.h"

namespace slipway::text::jinja {
namespace {

// Builtins called with keyword arguments get them as a trailing kwargs object.
Value split_kwargs(std::vector<Value>& args) {
  if (!args.empty() && args.back().is_kwargs()) {
    Value kw = args.back();
    args.pop_back();
    return kw;
  }
  return Value::object(Object{}, true);
}

// namespace(mapping or pairs, **kwargs): a mutable attribute bag.
Value make_namespace(Interpreter& interp, std::vector<Value>& args) {
  Value kwargs = split_kwargs(args);
  if (args.size() > 1) {
    throw Error("namespace expected at most 1 argument, got " + std::to_string(args.size()));
  }
  auto entries = std::make_shared<Object>();
  if (args.size() == 1) {
    const Value& source = args[0];
    if (source.is(Kind::Object)) {
      for (const auto& [k, v] : source.obj().entries()) entries->set(k, v);
    } else if (source.is(Kind::Array)) {
      for (const auto& pair : source.arr()) {
        if (!pair.is(Kind::Array) || pair.arr().size() != 2 || !pair.arr()[0].is(Kind::String)) {
          throw Error("namespace expected an object or an iterable of [key, value] pairs");
        }
        entries->set(pair.arr()[0].str(), pair.arr()[1]);
      }
    } else {
      throw Error(std::string("'") + type_name(source) + "' object is not iterable");
    }
  }
  for (const auto& [k, v] : kwargs.obj().entries()) entries->set(k, v);
  interp.track_namespace(entries);
  return Value::name_space(std::move(entries));
}

// range() receives raw JS values, so non-numbers coerce as in JavaScript (NaN -> empty).
double range_arg(const Value& v) {
  switch (v.kind()) {
    case Kind::Int:
    case Kind::Float:
      return v.number();
    case Kind::Bool:
      return v.as_bool() ? 1 : 0;
    case Kind::Null:
      return 0;
    case Kind::String:
      return js_to_number(v.str());
    default:
      return std::nan("");
  }
}

Value make_range(Interpreter& interp, std::vector<Value> args) {
  if (!args.empty() && args.back().is_kwargs()) throw Error("range() takes no keyword arguments");
  if (args.empty()) return Value::array({});
  double start = 0, stop = 0, step = 1;
  if (args.size() == 1) {
    stop = range_arg(args[0]);
  } else {
    start = range_arg(args[0]);
    stop = range_arg(args[1]);
    if (args.size() > 2) step = range_arg(args[2]);
  }
  if (step == 0) throw Error("range() step must not be zero");
  Array out;
  if (std::isnan(start) || std::isnan(stop) || std::isnan(step)) return Value::array({});
  double count = std::ceil((stop - start) / step);
  if (count > 0) interp.check_items(static_cast<std::size_t>(std::min(count, 1e15)));
  for (double i = start; step > 0 ? i < stop : i > stop; i += step) {
    out.push_back(std::trunc(i) == i ? Value::integer(i) : Value::floating(i));
  }
  return Value::array(std::move(out));
}

std::string strftime_now(const std::string& format) {
  static const char* kMonths[] = {"January",   "February", "March",    "April",
                                  "May",       "June",     "July",     "August",
                                  "September", "October",  "November", "December"};
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  auto pad2 = [](int n) {
    std::string digits = std::to_string(n);
    if (n < 10) digits.insert(digits.begin(), '0');
    return digits;
  };
  std::string out;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%' || i + 1 >= format.size()) {
      out += format[i];
      continue;
    }
    char c = format[i + 1];
    std::string month = kMonths[tm.tm_mon];
    switch (c) {
      case 'Y':
        out += std::to_string(tm.tm_year + 1900);
        break;
      case 'm':
        out += pad2(tm.tm_mon + 1);
        break;
      case 'd':
        out += pad2(tm.tm_mday);
        break;
      case 'b':
        out += month.substr(0, 3);
        break;
      case 'B':
        out += month;
        break;
      case 'H':
        out += pad2(tm.tm_hour);
        break;
      case 'M':
        out += pad2(tm.tm_min);
        break;
      case '%':
        out += '%';
        break;
      default:
        out += '%';
        continue;  // not a directive: keep the '%' and read c normally
    }
    ++i;
  }
  return out;
}

}  // namespace

bool is_global_name(std::string_view name) {
  return name == "namespace" || name == "raise_exception" || name == "range" ||
         name == "strftime_now" || name == "true" || name == "false" || name == "none" ||
         name == "True" || name == "False" || name == "None";
}

void install_globals(Interpreter& interp, Env& env) {
  Interpreter* ip = &interp;
  env.set("namespace", Value::function([ip](std::vector<Value>& args, const EnvPtr&) {
            return make_namespace(*ip, args);
          }));
  env.set("false", Value::boolean(false));
  env.set("true", Value::boolean(true));
  env.set("none", Value::null());
  env.set("raise_exception", Value::function([](std::vector<Value>& args, const EnvPtr&) -> Value {
            std::string message;
            if (!args.empty() && !args[0].is(Kind::Undefined)) {
              message = args[0].is(Kind::Null) ? "null" : raw_string(args[0]);
            }
            throw Error(message);
          }));
  env.set("range", Value::function([ip](std::vector<Value>& args, const EnvPtr&) {
            return make_range(*ip, args);
          }));
  env.set("strftime_now", Value::function([](std::vector<Value>& args, const EnvPtr&) {
            if (args.empty() || !args[0].is(Kind::String)) {
              throw Error("strftime_now expects a format string");
            }
            return Value::string(strftime_now(args[0].str()));
          }));
  env.set("True", Value::boolean(true));
  env.set("False", Value::boolean(false));
  env.set("None", Value::null());
}

}  // namespace slipway::text::jinja
