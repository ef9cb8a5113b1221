#pragma once
// Reads a judge model's 0-10 score out of its free-text answer. Judges answer in many shapes
// ("7", "[[7]]", "Rating: 7/10", {"score": 7}, a paragraph ending in "Score: 7.5"); an answer
// whose score cannot be found for certain (no number, several different candidate scores, a
// value outside the scale) is unparsable: counted, never guessed.
#include <optional>
#include <string>
#include <string_view>

namespace slipway::monitor {

struct ParsedScore {
  std::optional<double> score;  // in [min, max] when found
  std::string reason;           // why not, when not found (for counts and logs)
};

// Accepted, in this order (the first shape found decides):
//  1. a JSON object (the whole answer, or one inside a ```json fence or braces in the text)
//     with a numeric or numeric-string "score", "rating" or "grade" field;
//  2. double brackets: [[7]], [[7.5]], [[7/10]];
//  3. a label: "Score: 7", "Rating: 7/10", "Overall score - 8", "Final rating = 6.5"
//     (case-insensitive; the last labelled score wins when the same number repeats; different
//     labelled numbers are ambiguous);
//  4. the whole answer (trimmed, optional trailing "/10" or ".") is one number.
// "N/10" means N on the 0-10 scale; "N/M" with another M is rescaled to 0-10 (8/100 -> 0.8).
ParsedScore parse_score(std::string_view answer, double min = 0, double max = 10);

}  // namespace slipway::monitor
