// Finding the judge's score in its answer: a few well-known shapes, tried in
// order; anything uncertain is unparsable rather than a guess.
#include "monitor/judge/score_parser.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>
#include <vector>

#include "monitor/judge/text_scan.h"

namespace slipway::monitor {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string format_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

// A number at the start of `text` ("7", "7.5", "-1"), with how many characters
// it took.
struct Number {
  double value = 0;
  std::size_t length = 0;
};
std::optional<Number> leading_number(std::string_view text) {
  std::size_t end = text.starts_with('-') ? 1 : 0;
  const std::size_t digits_start = end;
  while (end < text.size() && is_digit(text[end])) ++end;
  if (end == digits_start) return std::nullopt;
  if (end + 1 < text.size() && text[end] == '.' && is_digit(text[end + 1])) {
    ++end;
    while (end < text.size() && is_digit(text[end])) ++end;
  }
  Number number;
  number.length = end;
  if (std::from_chars(text.data(), text.data() + end, number.value).ec != std::errc{}) {
    return std::nullopt;
  }
  return number;
}

// One score candidate: a value on its own scale ("85/100": 85 of 100), or why
// it is not one.
struct Candidate {
  double value = 0;
  std::optional<double> out_of;  // the "/M" or "out of M" after the number
  std::string problem;           // set when the text looked like a score but cannot be one
};

// A number with an optional "/M" or "out of M" after it; `rest` is left after
// them.
std::optional<Candidate> scaled_number(std::string_view text, std::string_view* rest = nullptr) {
  const auto number = leading_number(text);
  if (!number) return std::nullopt;
  Candidate candidate{number->value, std::nullopt, {}};
  std::string_view after = text.substr(number->length);
  // "7-8" or "7–8" is a range: no single score.
  for (std::string_view dash : {"-", "\xE2\x80\x93"}) {
    if (after.starts_with(dash) && after.size() > dash.size() && is_digit(after[dash.size()])) {
      candidate.problem = "a range of scores (" + std::string(text.substr(0, number->length + 2)) +
                          "...) is not one score";
    }
  }
  std::string_view scale = trim_front(after);
  bool has_scale = false;
  if (scale.starts_with('/')) {
    scale = trim_front(scale.substr(1));
    has_scale = true;
  } else if (skip_prefix_ignore_case(scale, "out of ") != scale) {
    scale = trim_front(skip_prefix_ignore_case(scale, "out of "));
    has_scale = true;
  }
  if (has_scale) {
    if (const auto bound = leading_number(scale)) {
      candidate.out_of = bound->value;
      after = scale.substr(bound->length);
    }
  }
  if (rest != nullptr) *rest = after;
  return candidate;
}

// A JSON field's value: a number, or a string holding one ("8", "8/10").
Candidate field_candidate(const nlohmann::json& value) {
  if (value.is_number()) return {value.get<double>(), std::nullopt, {}};
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    std::string_view rest;
    if (auto candidate = scaled_number(trim(text), &rest); candidate && trim(rest).empty()) {
      return *candidate;
    }
  }
  return {0, std::nullopt, "the score field is not a number: " + value.dump()};
}

// The score fields of the shallowest level of `json` that has one (a field
// nested in per-criterion objects only counts when the top has none).
std::vector<Candidate> json_fields(const nlohmann::json& json) {
  std::vector<const nlohmann::json*> level{&json};
  while (!level.empty()) {
    std::vector<Candidate> found;
    std::vector<const nlohmann::json*> next;
    for (const nlohmann::json* node : level) {
      for (const char* key : {"score", "rating", "grade"}) {
        if (const nlohmann::json* value = find_key_ignore_case(*node, key)) {
          found.push_back(field_candidate(*value));
        }
      }
      if (node->is_structured()) {
        for (const auto& child : *node) {
          if (child.is_structured()) next.push_back(&child);
        }
      }
    }
    if (!found.empty()) return found;
    level = std::move(next);
  }
  return {};
}

std::vector<Candidate> json_candidates(std::string_view answer) {
  std::vector<Candidate> candidates;
  for (const nlohmann::json& object : json_objects_in(answer)) {
    for (Candidate& candidate : json_fields(object)) candidates.push_back(std::move(candidate));
  }
  return candidates;
}

// [[7]], [[7.5]], [[7/10]]; non-numeric contents ("[[N]]" echoed from the
// prompt) are ignored.
std::vector<Candidate> bracket_candidates(std::string_view answer) {
  std::vector<Candidate> candidates;
  for (std::string_view inside : double_bracket_contents(answer)) {
    std::string_view rest;
    if (auto candidate = scaled_number(trim(inside), &rest); candidate && trim(rest).empty()) {
      candidates.push_back(*candidate);
    }
  }
  return candidates;
}

// "Score: 7", "Rating: [8]/10", "Final rating = 6.5". A label qualified by
// "overall", "final" or "total" outranks plain ones (per-criterion scores often
// come before the overall one).
std::vector<Candidate> label_candidates(std::string_view answer) {
  std::vector<Candidate> plain, overall;
  for (const char* label : {"score", "rating", "grade"}) {
    for (const LabelHit& hit : values_after_label(answer, label)) {
      std::string_view value = hit.value;
      const bool bracketed = value.starts_with('[');
      if (bracketed) value = trim_front(value.substr(1));
      auto candidate = scaled_number(value);
      if (!candidate) continue;  // "Score: N/A", "Rating: see below"
      const bool qualified = equals_ignore_case(hit.qualifier, "overall") ||
                             equals_ignore_case(hit.qualifier, "final") ||
                             equals_ignore_case(hit.qualifier, "total");
      (qualified ? overall : plain).push_back(std::move(*candidate));
    }
  }
  return overall.empty() ? plain : overall;
}

// The whole answer is one number: "7", "7.", "7/10", " 8.5 ".
std::vector<Candidate> whole_answer_candidate(std::string_view answer) {
  std::string_view text = trim(answer);
  if (text.ends_with('.')) text.remove_suffix(1);
  std::string_view rest;
  auto candidate = scaled_number(text, &rest);
  if (!candidate || !trim(rest).empty()) return {};
  return {*candidate};
}

// One candidate list to a score on [min, max], or why not.
ParsedScore decide(const std::vector<Candidate>& candidates, double min, double max) {
  std::set<double> values;
  for (const Candidate& candidate : candidates) {
    if (!candidate.problem.empty()) return {std::nullopt, candidate.problem};
    double value = candidate.value;
    if (candidate.out_of && *candidate.out_of != max) {
      const double bound = *candidate.out_of;
      if (!(bound > 0) || value < 0 || value > bound) {
        return {std::nullopt, "score " + format_number(value) + "/" + format_number(bound) +
                                  " is not a share of its scale"};
      }
      value = min + (max - min) * value / bound;
    }
    if (!std::isfinite(value) || value < min || value > max) {
      return {std::nullopt, "score " + format_number(value) + " is outside " + format_number(min) +
                                "-" + format_number(max)};
    }
    values.insert(value);
  }
  if (values.size() > 1) {
    std::string list;
    for (double value : values) list += (list.empty() ? "" : ", ") + format_number(value);
    return {std::nullopt, "ambiguous: several different scores (" + list + ")"};
  }
  return {*values.begin(), {}};
}

}  // namespace

ParsedScore parse_score(std::string_view answer, double min, double max) {
  if (trim(answer).empty()) return {std::nullopt, "empty answer"};
  for (auto shape :
       {json_candidates, bracket_candidates, label_candidates, whole_answer_candidate}) {
    const std::vector<Candidate> candidates = shape(answer);
    if (!candidates.empty()) return decide(candidates, min, max);
  }
  return {std::nullopt, "no score found"};
}

}  // namespace slipway::monitor
