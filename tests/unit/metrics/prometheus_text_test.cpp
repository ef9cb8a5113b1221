#include "metrics/prometheus_text.h"

#include <gtest/gtest.h>

#include <limits>

namespace slipway::metrics {
namespace {

TEST(PrometheusTextTest, EscapesBackslashQuoteAndNewlineInLabelValues) {
  EXPECT_EQ(escape_label_value("plain/1"), "plain/1");
  EXPECT_EQ(escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(escape_label_value(""), "");
}

TEST(PrometheusTextTest, FormatsWholeNumbersAsIntegers) {
  EXPECT_EQ(format_number(0), "0");
  EXPECT_EQ(format_number(-0.0), "0");
  EXPECT_EQ(format_number(2), "2");
  EXPECT_EQ(format_number(-3), "-3");
  EXPECT_EQ(format_number(123456789012345), "123456789012345");
}

TEST(PrometheusTextTest, FormatsFractionsAsTheShortestExactText) {
  EXPECT_EQ(format_number(0.25), "0.25");
  EXPECT_EQ(format_number(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(format_number(0.123), "0.123");
  EXPECT_EQ(format_number(-2.5), "-2.5");
  EXPECT_EQ(std::stod(format_number(1.0 / 3)), 1.0 / 3);
}

TEST(PrometheusTextTest, NamesNaNAndInfinities) {
  EXPECT_EQ(format_number(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_number(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(PrometheusTextTest, FamilyHeaderHasHelpThenType) {
  EXPECT_EQ(family_header("x_total", "counter", "Things."),
            "# HELP x_total Things.\n# TYPE x_total counter\n");
}

TEST(PrometheusTextTest, SamplesWithAndWithoutLabels) {
  PrometheusText out;
  out.family("x_total", "counter", "Things.")
      .sample("x_total", {}, uint64_t{18446744073709551615u})
      .sample("x_total", {{"route", "a\"b"}, {"arm", "stable"}}, 1.5);
  EXPECT_EQ(out.text(),
            "# HELP x_total Things.\n# TYPE x_total counter\n"
            "x_total 18446744073709551615\n"
            "x_total{route=\"a\\\"b\",arm=\"stable\"} 1.5\n");
}

TEST(PrometheusTextTest, HistogramBucketsAreCumulativeWithInfLast) {
  PrometheusText out;
  out.histogram("h", {{"route", "r"}}, {0.5, 1}, {2, 0, 3}, 4.75, 5);
  EXPECT_EQ(out.text(),
            "h_bucket{route=\"r\",le=\"0.5\"} 2\n"
            "h_bucket{route=\"r\",le=\"1\"} 2\n"
            "h_bucket{route=\"r\",le=\"+Inf\"} 5\n"
            "h_sum{route=\"r\"} 4.75\n"
            "h_count{route=\"r\"} 5\n");
}

TEST(PrometheusTextTest, HistogramWithoutLabelsHasOnlyTheLeLabel) {
  PrometheusText out;
  out.histogram("h", {}, {1}, {1, 1}, 3, 2);
  EXPECT_EQ(out.text(),
            "h_bucket{le=\"1\"} 1\n"
            "h_bucket{le=\"+Inf\"} 2\n"
            "h_sum 3\n"
            "h_count 2\n");
}

TEST(PrometheusTextTest, HistogramWithTooFewCountsDoesNotReadPastThem) {
  PrometheusText out;
  out.histogram("h", {}, {1, 2}, {4}, 1, 4);
  EXPECT_EQ(out.text(),
            "h_bucket{le=\"1\"} 4\n"
            "h_bucket{le=\"2\"} 4\n"
            "h_bucket{le=\"+Inf\"} 4\n"
            "h_sum 1\n"
            "h_count 4\n");
}

}  // namespace
}  // namespace slipway::metrics
