// Judge templates: the defaults, placeholder checks and single-pass rendering.
#include "monitor/judge/judge_prompt.h"

#include <fstream>
#include <functional>
#include <iterator>
#include <set>
#include <system_error>
#include <vector>

#include "monitor/judge/text_scan.h"

namespace slipway::monitor {

namespace {

const std::set<std::string>& placeholders_of(TemplateKind kind) {
  static const std::set<std::string> score{"prompt", "response"};
  static const std::set<std::string> pair{"prompt", "response_a", "response_b"};
  return kind == TemplateKind::Score ? score : pair;
}

const char* kind_name(TemplateKind kind) {
  return kind == TemplateKind::Score ? "score" : "pair";
}

// Calls `literal(text)` and `placeholder(name)` in order over the template; "{{
// name }}" may have spaces inside the braces. Throws TemplateError for an
// unclosed "{{".
void walk(std::string_view text, const std::function<void(std::string_view)>& literal,
          const std::function<void(std::string_view)>& placeholder) {
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t open = text.find("{{", at);
    if (open == std::string_view::npos) break;
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      throw TemplateError("the judge template has an unclosed \"{{\" at character " +
                          std::to_string(open) + ": placeholders look like {{prompt}}");
    }
    literal(text.substr(at, open - at));
    placeholder(trim(text.substr(open + 2, close - open - 2)));
    at = close + 2;
  }
  literal(text.substr(at));
}

void check_placeholders(const std::string& text, TemplateKind kind) {
  const auto& allowed = placeholders_of(kind);
  std::set<std::string> seen;
  walk(
      text, [](std::string_view) {},
      [&](std::string_view name) {
        if (!allowed.count(std::string(name))) {
          std::string list;
          for (const auto& known : allowed) list += (list.empty() ? "{{" : ", {{") + known + "}}";
          throw TemplateError("the " + std::string(kind_name(kind)) +
                              " judge template has an unknown placeholder {{" + std::string(name) +
                              "}}; it may use " + list);
        }
        seen.insert(std::string(name));
      });
  for (const auto& name : allowed) {
    if (!seen.count(name)) {
      throw TemplateError("the " + std::string(kind_name(kind)) +
                          " judge template lacks the placeholder {{" + name + "}}");
    }
  }
}

// One pass: what a placeholder inserts is never scanned for placeholders again.
std::string render(const std::string& text,
                   const std::function<std::string_view(std::string_view)>& value_of) {
  std::string out;
  walk(
      text, [&](std::string_view literal) { out += literal; },
      [&](std::string_view name) { out += value_of(name); });
  return out;
}

}  // namespace

const std::string& default_score_template() {
  static const std::string text =
      "You are an impartial judge of an AI assistant's answer. Read the user's "
      "request and the "
      "answer below, then judge the answer on four criteria:\n"
      "- accuracy: are its facts, reasoning and code correct?\n"
      "- relevance: does it address what the user asked?\n"
      "- completeness: does it cover everything the request needs?\n"
      "- fluency: is it clear, well organised and well written?\n"
      "Explain your judgement in a few sentences, without letting the answer's "
      "length sway you. "
      "Then give one overall rating from 0 (useless or harmful) to 10 "
      "(excellent) on the last "
      "line, in exactly this format: \"Rating: [[N]]\", for example \"Rating: "
      "[[6]]\".\n\n"
      "[User request]\n{{prompt}}\n[End of user request]\n\n"
      "[Answer]\n{{response}}\n[End of answer]\n";
  return text;
}

const std::string& default_pair_template() {
  static const std::string text =
      "You are an impartial judge comparing two AI assistants' answers to the "
      "same user "
      "request. Judge which answer is better for the user on accuracy, "
      "relevance, completeness "
      "and fluency. The order in which the answers appear and their length "
      "must not influence "
      "you, nor may the assistants' names.\n"
      "Explain your comparison in a few sentences. Then give your verdict on "
      "the last line in "
      "exactly one of these formats: \"[[A]]\" if answer A is better, "
      "\"[[B]]\" if answer B is "
      "better, \"[[C]]\" for a tie.\n\n"
      "[User request]\n{{prompt}}\n[End of user request]\n\n"
      "[Answer A]\n{{response_a}}\n[End of answer A]\n\n"
      "[Answer B]\n{{response_b}}\n[End of answer B]\n";
  return text;
}

JudgeTemplate::JudgeTemplate(std::string text, TemplateKind kind)
    : text_(std::move(text)), kind_(kind) {
  check_placeholders(text_, kind_);
}

JudgeTemplate JudgeTemplate::from_file(const std::filesystem::path& file, TemplateKind kind) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error)) {
    throw TemplateError("the judge template file " + file.string() +
                        " does not exist or is not a file");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw TemplateError("cannot read the judge template file " + file.string());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    return JudgeTemplate(std::move(text), kind);
  } catch (const TemplateError& e) {
    throw TemplateError(file.string() + ": " + e.what());
  }
}

std::string JudgeTemplate::render_score(std::string_view prompt, std::string_view response) const {
  if (kind_ != TemplateKind::Score) {
    throw TemplateError("a pair judge template cannot render a single answer");
  }
  return render(text_, [&](std::string_view name) { return name == "prompt" ? prompt : response; });
}

std::string JudgeTemplate::render_pair(std::string_view prompt, std::string_view response_a,
                                       std::string_view response_b) const {
  if (kind_ != TemplateKind::Pair) {
    throw TemplateError("a score judge template cannot render a pair of answers");
  }
  return render(text_, [&](std::string_view name) {
    if (name == "prompt") return prompt;
    return name == "response_a" ? response_a : response_b;
  });
}

}  // namespace slipway::monitor
