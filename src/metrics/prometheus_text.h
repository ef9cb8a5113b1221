#pragma once
// The Prometheus text exposition format, shared by every part that renders its own /metrics
// figures: label escaping, number text, family headers, samples and histograms.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slipway::metrics {

// Label names and values, in the order they are written.
using Labels = std::vector<std::pair<std::string, std::string>>;

// A label value with backslash, double quote and newline escaped.
std::string escape_label_value(std::string_view value);

// NaN, +Inf and -Inf by name; whole numbers as integers ("2", not "2.0"); anything else as the
// shortest text that reads back as the same double.
std::string format_number(double value);

// The "# HELP" and "# TYPE" lines that open a family.
std::string family_header(std::string_view name, std::string_view type, std::string_view help);

// Builds one exposition text, family by family.
class PrometheusText {
 public:
  PrometheusText& family(std::string_view name, std::string_view type, std::string_view help);
  PrometheusText& sample(std::string_view name, const Labels& labels, double value);
  // Counters are written exactly, whatever their size.
  PrometheusText& sample(std::string_view name, const Labels& labels, uint64_t value);
  // A histogram's cumulative `_bucket` lines (one per bound, then +Inf), `_sum` and `_count`.
  // `counts` holds one count per bucket, not cumulative: bounds.size() + 1 of them.
  PrometheusText& histogram(std::string_view name, const Labels& labels,
                            const std::vector<double>& bounds, const std::vector<uint64_t>& counts,
                            double sum, uint64_t count);

  const std::string& text() const& { return text_; }
  std::string text() && { return std::move(text_); }

 private:
  void line(std::string_view name, std::string_view labels, std::string_view value);

  std::string text_;
};

}  // namespace slipway::metrics
