#pragma once
// Scanning helpers the judge's answer parsers share (scores and pair choices): trimming,
// case-insensitive matching, JSON objects embedded in prose, [[...]] contents and the text
// after a label such as "Rating:".
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

namespace slipway::monitor {

// Without ASCII whitespace or no-break spaces (U+00A0) at either end.
std::string_view trim(std::string_view text);
std::string_view trim_front(std::string_view text);
bool equals_ignore_case(std::string_view a, std::string_view b);
// `text` without `prefix` when it starts with it (case-insensitive), else `text`.
std::string_view skip_prefix_ignore_case(std::string_view text, std::string_view prefix);
// The ASCII letters at the start of `text`.
std::string_view leading_word(std::string_view text);

// JSON objects in an answer: the whole answer when it is one; else those in ``` fences; else
// every balanced {...} of the text that parses as an object.
std::vector<nlohmann::json> json_objects_in(std::string_view answer);
// The member named `key` (case-insensitive) of an object, or null.
const nlohmann::json* find_key_ignore_case(const nlohmann::json& object, std::string_view key);

// The texts between "[[" and "]]" on one line (short ones only: a choice or a number).
std::vector<std::string_view> double_bracket_contents(std::string_view answer);

struct LabelHit {
  std::string_view qualifier;  // the word before the label ("overall" in "Overall score: 8")
  std::string_view value;      // the text after the separator, leading spaces and markup
};
// Each place where `label` (a whole word, case-insensitive) is followed by a separator (":",
// "=", "-", "–", "："), with markdown emphasis and a parenthesised aside such as "(0-10)"
// allowed in between: "**Rating:** 8", "Score (1-10) = 7".
std::vector<LabelHit> values_after_label(std::string_view answer, std::string_view label);

}  // namespace slipway::monitor
