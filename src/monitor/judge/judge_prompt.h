#pragma once
// The judge's instructions: a template with {{prompt}} and {{response}} (pointwise) or
// {{prompt}}, {{response_a}} and {{response_b}} (pairwise), turned into the user message of a
// chat request to the judge model.
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace slipway::monitor {

class TemplateError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// The seed's default: rate the response 0-10 for accuracy, relevance, completeness and fluency,
// answering with "Rating: [[N]]".
const std::string& default_score_template();
// Compare two responses; answer "[[A]]", "[[B]]" or "[[C]]" for a tie.
const std::string& default_pair_template();

enum class TemplateKind { Score, Pair };

class JudgeTemplate {
 public:
  // Checks the placeholders: a score template must contain {{prompt}} and {{response}}; a pair
  // template {{prompt}}, {{response_a}} and {{response_b}}; any other {{name}} is an error
  // naming it. Throws TemplateError.
  JudgeTemplate(std::string text, TemplateKind kind);
  static JudgeTemplate from_file(const std::filesystem::path& file, TemplateKind kind);

  // Substitutes every placeholder in one pass: text inserted for one placeholder is never
  // scanned again (a response that contains "{{prompt}}" stays as it is).
  std::string render_score(std::string_view prompt, std::string_view response) const;
  std::string render_pair(std::string_view prompt, std::string_view response_a,
                          std::string_view response_b) const;

  const std::string& text() const { return text_; }
  TemplateKind kind() const { return kind_; }

 private:
  std::string text_;
  TemplateKind kind_;
};

}  // namespace slipway::monitor
