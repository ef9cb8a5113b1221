#pragma once
// Pairwise judging for shadow comparisons: the judge sees the same prompt with both answers,
// once in each order, and says which is better. Judges prefer what they read first often
// enough that one order is not evidence: only a preference that survives the swap counts, an
// inconsistent pair is a tie.
#include <string>
#include <string_view>

namespace slipway::monitor {

enum class PairChoice { A, B, Tie, Unparsable };

// "[[A]]", "[[B]]", "[[C]]" (tie, MT-Bench style) or "[[tie]]"; JSON {"winner": "A"|"B"|"tie"}
// (also "better", "choice"); a label "Winner: A", "Better response: B", "Verdict: tie"; the
// whole answer being "A", "B", "tie" (case-insensitive, trimmed, an optional trailing ".").
// Anything else, or conflicting choices, is Unparsable.
PairChoice parse_pair_choice(std::string_view answer);

enum class PairVerdict { Primary, Shadow, Tie, Unparsable };

// The first call showed the primary as A and the shadow as B; the second swapped them.
// Both prefer the same answer: that answer. Either unparsable: Unparsable. Otherwise (a tie in
// either order, or opposite choices): Tie.
PairVerdict combine_orders(PairChoice primary_first, PairChoice shadow_first);

const char* pair_verdict_name(PairVerdict verdict);  // "primary", "shadow", "tie", "unparsable"

}  // namespace slipway::monitor
