// Pair verdicts: the judge's choice out of its answer, and the two orders
// combined.
#include "monitor/judge/pairwise_verdict.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <vector>

#include "monitor/judge/text_scan.h"

namespace slipway::monitor {

namespace {

// "A", "B", "tie" (and MT-Bench's "C" when `c_is_tie`), case-insensitive,
// trimmed.
std::optional<PairChoice> choice_word(std::string_view word, bool c_is_tie) {
  word = trim(word);
  if (equals_ignore_case(word, "a")) return PairChoice::A;
  if (equals_ignore_case(word, "b")) return PairChoice::B;
  if (equals_ignore_case(word, "tie")) return PairChoice::Tie;
  if (c_is_tie && equals_ignore_case(word, "c")) return PairChoice::Tie;
  return std::nullopt;
}

// One choice when every candidate agrees; Unparsable when they conflict;
// nullopt when none.
std::optional<PairChoice> agreed(const std::vector<PairChoice>& choices) {
  if (choices.empty()) return std::nullopt;
  const std::set<PairChoice> distinct(choices.begin(), choices.end());
  return distinct.size() == 1 ? choices.front() : PairChoice::Unparsable;
}

// {"winner": "A"} (or "better", "choice") in any JSON object of the answer.
std::optional<PairChoice> json_choice(std::string_view answer) {
  std::vector<PairChoice> choices;
  for (const nlohmann::json& object : json_objects_in(answer)) {
    for (const char* key : {"winner", "better", "choice"}) {
      const nlohmann::json* value = find_key_ignore_case(object, key);
      if (value == nullptr) continue;
      const auto choice =
          value->is_string() ? choice_word(value->get<std::string>(), true) : std::nullopt;
      choices.push_back(choice.value_or(PairChoice::Unparsable));
    }
  }
  return agreed(choices);
}

// [[A]], [[B]], [[C]] or [[tie]]; other double-bracket contents are ignored.
std::optional<PairChoice> bracket_choice(std::string_view answer) {
  std::vector<PairChoice> choices;
  for (std::string_view inside : double_bracket_contents(answer)) {
    if (auto choice = choice_word(inside, true)) choices.push_back(*choice);
  }
  return agreed(choices);
}

// "Winner: A", "Better response: B", "Verdict: tie", "**Winner:** Response A".
std::optional<PairChoice> label_choice(std::string_view answer) {
  std::vector<PairChoice> choices;
  for (const char* label : {"winner", "better response", "verdict"}) {
    for (const LabelHit& hit : values_after_label(answer, label)) {
      std::string_view rest = skip_prefix_ignore_case(hit.value, "response ");
      rest = skip_prefix_ignore_case(rest, "assistant ");
      const std::string_view word = leading_word(rest);
      if (auto choice = choice_word(word, true)) choices.push_back(*choice);
    }
  }
  return agreed(choices);
}

}  // namespace

PairChoice parse_pair_choice(std::string_view answer) {
  for (auto shape : {json_choice, bracket_choice, label_choice}) {
    if (auto choice = shape(answer)) return *choice;
  }
  std::string_view whole = trim(answer);
  if (!whole.empty() && whole.back() == '.') whole.remove_suffix(1);
  return choice_word(whole, false).value_or(PairChoice::Unparsable);
}

PairVerdict combine_orders(PairChoice primary_first, PairChoice shadow_first) {
  if (primary_first == PairChoice::Unparsable || shadow_first == PairChoice::Unparsable) {
    return PairVerdict::Unparsable;
  }
  // The first call showed the primary as A; the second showed the shadow as A.
  if (primary_first == PairChoice::A && shadow_first == PairChoice::B) return PairVerdict::Primary;
  if (primary_first == PairChoice::B && shadow_first == PairChoice::A) return PairVerdict::Shadow;
  return PairVerdict::Tie;
}

const char* pair_verdict_name(PairVerdict verdict) {
  switch (verdict) {
    case PairVerdict::Primary:
      return "primary";
    case PairVerdict::Shadow:
      return "shadow";
    case PairVerdict::Tie:
      return "tie";
    case PairVerdict::Unparsable:
      return "unparsable";
  }
  return "unparsable";
}

}  // namespace slipway::monitor
