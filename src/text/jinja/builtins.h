#pragma once
// The filters, tests, methods and global functions of @huggingface/jinja.
#include <string_view>
#include <vector>

#include "text/jinja/ast.h"
#include "text/jinja/env.h"
#include "text/jinja/value.h"

namespace slipway::text::jinja {

class Interpreter;

// filter is the Ident or Call node after '|'.
Value apply_filter(Interpreter& interp, const Value& operand, const Node& filter,
                   const EnvPtr& env);

bool has_test(std::string_view name);
// args[0] is the operand; selectattr passes a second value. Unknown names throw.
bool run_test(std::string_view name, const std::vector<Value>& args);

// obj.name for values that are not mappings with that key: string/array/dict methods and
// properties (length). Undefined when there is none.
Value member_builtin(Interpreter& interp, const Value& object, std::string_view name);

// namespace, range, raise_exception, strftime_now, true/false/none (both cases).
void install_globals(Interpreter& interp, Env& env);
bool is_global_name(std::string_view name);

}  // namespace slipway::text::jinja
