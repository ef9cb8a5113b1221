// A chat template and message contents from untrusted bytes: the input splits at NUL bytes
// into the template source and the contents of a fixed conversation (system, user, assistant,
// user, with a tool). Template errors (TemplateError, jinja::Error) are fine; crashes are not.
// Rendering runs with small work limits so that a template loop is an error, not a hang.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "support/fuzz_input.h"
#include "text/chat_template.h"
#include "text/jinja/builtins.h"
#include "text/jinja/env.h"
#include "text/jinja/error.h"
#include "text/jinja/interpreter.h"
#include "text/jinja/lexer.h"
#include "text/jinja/parser.h"
#include "text/jinja/value.h"

namespace {

namespace jinja = slipway::text::jinja;
using nlohmann::json;

// Small enough that a runaway template fails within milliseconds under the sanitizers.
constexpr jinja::Limits kLimits{
    .max_output = 1u << 20, .max_items = 100'000, .max_steps = 200'000, .max_call_depth = 40};

// Message contents come from the input, filled up with defaults; invalid UTF-8 is replaced
// as the HTTP layer would have rejected it.
json conversation(const std::vector<std::string_view>& parts) {
  const char* defaults[] = {"You are helpful.", "Hi <b>there</b>", "Hello! {{ x }}",
                            "What is 2+2?"};
  std::string contents[4];
  for (std::size_t i = 0; i < 4; ++i) {
    contents[i] = i + 1 < parts.size() ? std::string(parts[i + 1]) : defaults[i];
  }
  auto text = [](const std::string& s) {
    return json::parse(json(s).dump(-1, ' ', false, json::error_handler_t::replace));
  };
  json tool_call = {{"id", "call_1"},
                    {"type", "function"},
                    {"function", {{"name", "add"}, {"arguments", {{"a", 2}, {"b", 2}}}}}};
  json messages = json::array({
      {{"role", "system"}, {"content", text(contents[0])}},
      {{"role", "user"}, {"content", text(contents[1])}},
      {{"role", "assistant"}, {"content", text(contents[2])}, {"tool_calls", {tool_call}}},
      {{"role", "tool"}, {"tool_call_id", "call_1"}, {"content", "4"}},
      {{"role", "user"}, {"content", text(contents[3])}},
  });
  json tools =
      json::array({{{"type", "function"},
                    {"function",
                     {{"name", "add"},
                      {"description", "Adds two numbers"},
                      {"parameters",
                       {{"type", "object"},
                        {"properties", {{"a", {{"type", "number"}}}, {"b", {{"type", "number"}}}}},
                        {"required", {"a", "b"}}}}}}}});
  return {{"messages", messages}, {"tools", tools},      {"add_generation_prompt", true},
          {"bos_token", "<s>"},   {"eos_token", "</s>"}, {"enable_thinking", false}};
}

// ChatTemplate's render, with the fuzzing limits.
void render(const jinja::Program& program, const json& context) {
  jinja::Interpreter interpreter(kLimits);
  auto globals = std::make_shared<jinja::Env>();
  jinja::install_globals(interpreter, *globals);
  const jinja::Value values = jinja::from_json(context);
  for (const auto& [key, value] : values.obj().entries()) {
    globals->set(key, value);
  }
  interpreter.run(program, globals);
  globals->vars.clear();  // closures may refer back to this scope
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const auto parts =
      slipway::fuzz::split(slipway::fuzz::as_text(data, size), std::string_view("\0", 1));
  const std::string source(parts[0]);
  try {
    slipway::text::ChatTemplate::parse(source, "fuzz.jinja");
  } catch (const slipway::text::TemplateError&) {
    return 0;  // the parser's documented error: nothing to render
  }
  try {
    render(jinja::parse(jinja::tokenize(source)), conversation(parts));
  } catch (const jinja::Error&) {
  }
  return 0;
}
