#include "traffic/time_text.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string_view>

#include "traffic/route.h"
#include "traffic/traffic_error.h"

namespace slipway::traffic {

namespace {

constexpr int64_t kSecondMs = 1000;
constexpr int64_t kMinuteMs = 60 * kSecondMs;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr int64_t kDayMs = 24 * kHourMs;
// A step longer than a year is a typo, and the cap keeps the arithmetic far from overflow.
constexpr int64_t kMaxDurationMs = 365 * kDayMs;

struct Unit {
  std::string_view suffix;
  int64_t ms;
};
// Longest suffix first so "ms" is not read as "m".
constexpr Unit kUnits[] = {
    {"ms", 1}, {"s", kSecondMs}, {"m", kMinuteMs}, {"h", kHourMs}, {"d", kDayMs}};

[[noreturn]] void bad_duration(const std::string& text) {
  throw TrafficError(TrafficError::Code::Invalid,
                     "Invalid duration \"" + text +
                         "\": use seconds or a number with ms, s, m, h or d (\"30s\", \"10m\", "
                         "\"2h\", \"1d\"), at most 365 days.");
}

// Digits with an optional fraction: no sign, exponent, spaces, "inf" or "nan".
bool plain_decimal(std::string_view text) {
  size_t digits = 0;
  bool dot = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '.' && !dot && i > 0 && i + 1 < text.size()) {
      dot = true;
    } else {
      return false;
    }
  }
  return digits > 0;
}

std::string one_decimal(double value, const char* unit) {
  char text[48];
  if (std::fabs(value - std::round(value)) < 0.05) {
    std::snprintf(text, sizeof text, "%.0f %s", value, unit);
  } else {
    std::snprintf(text, sizeof text, "%.1f %s", value, unit);
  }
  return text;
}

}  // namespace

int64_t parse_duration_ms(const std::string& text) {
  std::string_view number = text;
  int64_t unit_ms = kSecondMs;  // plain numbers are seconds
  for (const Unit& unit : kUnits) {
    if (number.size() > unit.suffix.size() && number.ends_with(unit.suffix)) {
      number.remove_suffix(unit.suffix.size());
      unit_ms = unit.ms;
      break;
    }
  }
  if (!plain_decimal(number)) bad_duration(text);
  const double value =
      std::strtod(std::string(number).c_str(), nullptr) * static_cast<double>(unit_ms);
  return seconds_to_duration_ms(value / kSecondMs, text);
}

int64_t seconds_to_duration_ms(double seconds, const std::string& as_written) {
  const double ms = seconds * kSecondMs;
  if (!(ms >= 0 && ms <= static_cast<double>(kMaxDurationMs))) bad_duration(as_written);
  return std::llround(ms);
}

std::string iso_utc_text(int64_t ms_since_epoch) {
  // Floor division, so times before the epoch still land on the right second.
  int64_t seconds = ms_since_epoch / 1000;
  int64_t millis = ms_since_epoch % 1000;
  if (millis < 0) {
    millis += 1000;
    --seconds;
  }
  const std::time_t as_time = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&as_time, &utc);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::string out = text;
  if (millis != 0) {
    std::snprintf(text, sizeof text, ".%03d", static_cast<int>(millis));
    out += text;
  }
  return out + "Z";
}

std::string exact_duration_text(int64_t ms) {
  if (ms == 0) return "0s";
  for (auto unit = std::rbegin(kUnits); unit != std::rend(kUnits); ++unit) {
    if (ms % unit->ms == 0) return std::to_string(ms / unit->ms) + std::string(unit->suffix);
  }
  return std::to_string(ms) + "ms";
}

std::string rough_duration_text(int64_t ms) {
  const double value = static_cast<double>(ms);
  if (ms < kSecondMs) return std::to_string(ms) + " ms";
  if (ms < kMinuteMs) return one_decimal(value / kSecondMs, "s");
  if (ms < kHourMs) return one_decimal(value / kMinuteMs, "min");
  if (ms < kDayMs) return one_decimal(value / kHourMs, "h");
  return one_decimal(value / kDayMs, "d");
}

}  // namespace slipway::traffic
