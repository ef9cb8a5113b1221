#include "feedback/utc_text.h"

#include <cstdio>
#include <ctime>

namespace slipway::feedback {

namespace {

// Floor division, so times before the epoch still land on the right second.
std::tm utc_fields(int64_t ms_since_epoch, int* millis) {
  int64_t seconds = ms_since_epoch / 1000;
  int64_t rest = ms_since_epoch % 1000;
  if (rest < 0) {
    rest += 1000;
    --seconds;
  }
  if (millis != nullptr) *millis = static_cast<int>(rest);
  const std::time_t as_time = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&as_time, &utc);
  return utc;
}

}  // namespace

std::string iso_utc(int64_t ms_since_epoch) {
  int millis = 0;
  const std::tm utc = utc_fields(ms_since_epoch, &millis);
  char text[48];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::string result = text;
  if (millis != 0) {
    char fraction[8];
    std::snprintf(fraction, sizeof fraction, ".%03d", millis);
    result += fraction;
  }
  return result + "Z";
}

std::string compact_utc(int64_t ms_since_epoch) {
  const std::tm utc = utc_fields(ms_since_epoch, nullptr);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

}  // namespace slipway::feedback
