// Names, filters as JSON, and the --since / duration parsers.
#include "feedback/export_format.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace slipway::feedback {
namespace {

// 2026-12-01T00:00:00Z
constexpr int64_t kDec1 = 1796083200000;
constexpr int64_t kHour = 3600 * 1000;

TEST(ExportFormatTest, NamesRoundTrip) {
  for (auto format : {ExportFormat::Dpo, ExportFormat::Kto}) {
    EXPECT_EQ(parse_export_format(export_format_name(format)), format);
  }
  for (auto source : {ExportSource::User, ExportSource::Judge, ExportSource::All}) {
    EXPECT_EQ(parse_export_source(export_source_name(source)), source);
  }
  EXPECT_STREQ(export_format_name(ExportFormat::Kto), "kto");
  EXPECT_STREQ(export_source_name(ExportSource::Judge), "judge");
  EXPECT_FALSE(parse_export_format("DPO"));
  EXPECT_FALSE(parse_export_format("orpo"));
  EXPECT_FALSE(parse_export_source(""));
}

TEST(ExportFormatTest, FiltersJsonRoundTrip) {
  ExportFilters filters;
  filters.format = ExportFormat::Kto;
  filters.source = ExportSource::All;
  filters.route = "support";
  filters.version = "v2";
  filters.since_ms = kDec1;
  filters.with_metadata = true;
  const Json json = filters_to_json(filters);
  EXPECT_EQ(json.dump(), R"({"format":"kto","source":"all","route":"support","version":"v2",)"
                         R"("since_ms":1796083200000,"with_metadata":true})");
  const ExportFilters back = filters_from_json(json);
  EXPECT_EQ(back.format, filters.format);
  EXPECT_EQ(back.source, filters.source);
  EXPECT_EQ(back.route, "support");
  EXPECT_EQ(back.version, "v2");
  EXPECT_EQ(back.since_ms, kDec1);
  EXPECT_TRUE(back.with_metadata);

  const ExportFilters defaults = filters_from_json(filters_to_json(ExportFilters{}));
  EXPECT_EQ(defaults.format, ExportFormat::Dpo);
  EXPECT_EQ(defaults.source, ExportSource::User);
  EXPECT_FALSE(defaults.since_ms);
  EXPECT_EQ(filters_to_json(ExportFilters{})["since_ms"], nullptr);
}

TEST(ExportFormatTest, FiltersFromJsonRejectsBadFields) {
  const auto error_of = [](const char* text) -> std::string {
    try {
      filters_from_json(Json::parse(text));
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(error_of(R"({"format":"orpo"})").find("dpo or kto"), std::string::npos);
  EXPECT_NE(error_of(R"({"source":"robots"})").find("user, judge or all"), std::string::npos);
  EXPECT_NE(error_of(R"({"route":7})").find("route"), std::string::npos);
  EXPECT_NE(error_of(R"({"since_ms":"yesterday"})").find("since_ms"), std::string::npos);
  EXPECT_NE(error_of(R"({"with_metadata":"yes"})").find("with_metadata"), std::string::npos);
  EXPECT_NE(error_of("[1]").find("object"), std::string::npos);
}

struct SinceCase {
  const char* text;
  int64_t expected;
};

TEST(ExportFormatTest, ParseSinceAcceptsDatesTimesAndAges) {
  const int64_t now = kDec1 + 10 * kHour;
  const SinceCase cases[] = {
      {"2026-12-01", kDec1},
      {"2026-12-01T10:00:00Z", kDec1 + 10 * kHour},
      {"2026-12-01T10:00Z", kDec1 + 10 * kHour},
      {"2026-12-01 10:00:00z", kDec1 + 10 * kHour},
      {"2026-12-01T10:00:00.250Z", kDec1 + 10 * kHour + 250},
      {"2026-12-01T12:00:00+02:00", kDec1 + 10 * kHour},
      {"2026-11-30T22:30:00-01:30", kDec1},
      {"2024-02-29", 1709164800000},
      {"1970-01-01T00:00:00Z", 0},
      {"30m", now - 30 * 60 * 1000},
      {"12h", now - 12 * kHour},
      {"7d", now - 7 * 24 * kHour},
      {"2w", now - 14 * 24 * kHour},
      {"90s", now - 90 * 1000},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(parse_since(c.text, now), c.expected) << c.text;
  }
}

TEST(ExportFormatTest, ParseSinceRejectsOtherTextListingTheForms) {
  const char* bad[] = {"",
                       "yesterday",
                       "7",
                       "7y",
                       "-7d",
                       "d",
                       "2026-13-01",
                       "2026-02-30",
                       "2025-02-29",
                       "2026-12-1",
                       "2026-12-01T10:00:00",  // no zone: ambiguous
                       "2026-12-01T25:00:00Z",
                       "2026-12-01T10:00:00+2",
                       "2026-12-01T10:00:00Zjunk",
                       "12/01/2026",
                       "99999999999999999999d"};
  for (const char* text : bad) {
    try {
      parse_since(text, kDec1);
      ADD_FAILURE() << "accepted \"" << text << "\"";
    } catch (const std::invalid_argument& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(std::string("\"") + text + "\""), std::string::npos) << message;
      EXPECT_NE(message.find("2026-12-01T10:00:00Z"), std::string::npos) << message;
      EXPECT_NE(message.find("7d"), std::string::npos) << message;
    }
  }
}

TEST(ExportFormatTest, ParseDuration) {
  EXPECT_EQ(parse_duration_ms("90s"), 90'000);
  EXPECT_EQ(parse_duration_ms("30m"), 1'800'000);
  EXPECT_EQ(parse_duration_ms("12h"), 12 * kHour);
  EXPECT_EQ(parse_duration_ms("7d"), 7 * 24 * kHour);
  EXPECT_EQ(parse_duration_ms("2w"), 14 * 24 * kHour);
  EXPECT_EQ(parse_duration_ms("3600"), kHour);
  for (const char* bad : {"", "0", "0h", "-5m", "1.5h", "h", "5 m", "5y", "999999999999999w"}) {
    EXPECT_THROW(parse_duration_ms(bad), std::invalid_argument) << bad;
  }
}

}  // namespace
}  // namespace slipway::feedback
