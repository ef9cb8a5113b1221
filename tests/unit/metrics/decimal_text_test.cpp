#include "metrics/decimal_text.h"

#include <gtest/gtest.h>

namespace slipway::metrics {
namespace {

TEST(DecimalTextTest, DropsTrailingZerosAndTheLonelyPoint) {
  EXPECT_EQ(trimmed_decimal(0.7, 2), "0.7");
  EXPECT_EQ(trimmed_decimal(2.156, 2), "2.16");
  EXPECT_EQ(trimmed_decimal(90, 2), "90");
  EXPECT_EQ(trimmed_decimal(100, 0), "100");
}

TEST(DecimalTextTest, NeverWritesNegativeZero) {
  EXPECT_EQ(trimmed_decimal(-0.0001, 2), "0");
  EXPECT_EQ(trimmed_decimal(-1.5, 1), "-1.5");
}

}  // namespace
}  // namespace slipway::metrics
