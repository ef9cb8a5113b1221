#include "text/chat_template.h"

#include <algorithm>
#include <new>

#include "text/jinja/builtins.h"
#include "text/jinja/env.h"
#include "text/jinja/error.h"
#include "text/jinja/interpreter.h"
#include "text/jinja/lexer.h"
#include "text/jinja/parser.h"

namespace slipway::text {
namespace {

// "name:line:col: message"; line/column are 1-based, columns count bytes.
std::string located(const std::string& name, const std::string& source, std::uint32_t offset,
                    const std::string& message) {
  std::string where = name;
  if (offset != jinja::kNoOffset) {
    std::size_t end = std::min<std::size_t>(offset, source.size());
    std::size_t line =
        1 + static_cast<std::size_t>(std::count(
                source.begin(), source.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
    std::size_t line_start = source.rfind('\n', end == 0 ? std::string::npos : end - 1);
    std::size_t col = end - (line_start == std::string::npos ? 0 : line_start + 1) + 1;
    where += ':';
    where += std::to_string(line);
    where += ':';
    where += std::to_string(col);
  }
  where += ": ";
  where += message;
  return where;
}

class JinjaChatTemplate final : public ChatTemplate {
 public:
  JinjaChatTemplate(std::string source, std::string name)
      : source_(std::move(source)), name_(std::move(name)) {
    try {
      program_ = jinja::parse(jinja::tokenize(source_));
    } catch (const jinja::Error& e) {
      throw TemplateError(located(name_, source_, e.offset, e.what()));
    }
  }

  std::string render(const nlohmann::json& context) const override { return render_any(context); }
  std::string render_ordered(const nlohmann::ordered_json& context) const override {
    return render_any(context);
  }

 private:
  template <typename Json>
  std::string render_any(const Json& context) const {
    try {
      jinja::Interpreter interp;
      auto globals = std::make_shared<jinja::Env>();
      jinja::install_globals(interp, *globals);
      if (!context.is_null() && !context.is_object()) {
        throw jinja::Error("the render context must be a JSON object");
      }
      if (context.is_object()) {
        jinja::Value values = jinja::from_json(context);
        for (const auto& [key, value] : values.obj().entries()) {
          // The reference declares context variables next to its globals and refuses clashes.
          if (jinja::is_global_name(key)) throw jinja::Error("variable already declared: " + key);
          globals->set(key, value);
        }
      }
      std::string out = interp.run(program_, globals);
      globals->vars.clear();  // drop closures that may refer back to this scope
      return out;
    } catch (const jinja::Error& e) {
      throw TemplateError(located(name_, source_, e.offset, e.what()));
    } catch (const std::bad_alloc&) {
      throw TemplateError(name_ + ": out of memory while rendering");
    }
  }

  std::string source_;
  std::string name_;
  jinja::Program program_;
};

}  // namespace

std::shared_ptr<const ChatTemplate> ChatTemplate::parse(const std::string& source,
                                                        const std::string& source_name) {
  return std::make_shared<JinjaChatTemplate>(source, source_name);
}

}  // namespace slipway::text
