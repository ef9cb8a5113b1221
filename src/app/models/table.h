#pragma once
// Aligned text tables for `slipway models list` and `history`: a header row, columns two
// spaces apart, each as wide as its widest cell (counted in characters, not bytes), no padding
// after the last column.
#include <string>
#include <vector>

namespace slipway::app::models {

using TableRow = std::vector<std::string>;

std::string render_table(const TableRow& header, const std::vector<TableRow>& rows);

// Characters (UTF-8 code points) in text.
std::size_t display_width(const std::string& text);

}  // namespace slipway::app::models
