#include "feedback/export_format.h"

#include <cctype>
#include <ctime>
#include <limits>
#include <stdexcept>

namespace slipway::feedback {

namespace {

constexpr int64_t kSecondMs = 1000;
constexpr int64_t kMinuteMs = 60 * kSecondMs;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr int64_t kDayMs = 24 * kHourMs;
constexpr int64_t kWeekMs = 7 * kDayMs;

constexpr const char* kSinceForms =
    "use a date (2026-12-01), a UTC time (2026-12-01T10:00:00Z, or with an offset such as "
    "2026-12-01T12:00:00+02:00) or an age before now (30m, 12h, 7d, 2w)";
constexpr const char* kDurationForms =
    "use a positive number with a unit (90s, 30m, 12h, 7d, 2w) or plain seconds (3600)";

// Milliseconds per unit letter, 0 when the letter is not a unit.
int64_t unit_ms(char unit) {
  switch (unit) {
    case 's':
      return kSecondMs;
    case 'm':
      return kMinuteMs;
    case 'h':
      return kHourMs;
    case 'd':
      return kDayMs;
    case 'w':
      return kWeekMs;
    default:
      return 0;
  }
}

// "<digits><unit>" (the unit optional when `plain_unit_ms` is given) as milliseconds;
// nullopt when the text has another shape or overflows.
std::optional<int64_t> parse_amount(const std::string& text, int64_t plain_unit_ms) {
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
    ++digits;
  }
  if (digits == 0 || digits > 15) return std::nullopt;
  int64_t per_unit = plain_unit_ms;
  if (digits + 1 == text.size()) {
    per_unit = unit_ms(text.back());
  } else if (digits != text.size()) {
    return std::nullopt;
  }
  if (per_unit == 0) return std::nullopt;
  const int64_t amount = std::stoll(text.substr(0, digits));
  if (amount > std::numeric_limits<int64_t>::max() / per_unit) return std::nullopt;
  return amount * per_unit;
}

// Reads fixed-width ISO-8601 fields from left to right.
class IsoCursor {
 public:
  explicit IsoCursor(const std::string& text) : text_(text) {}
  bool done() const { return at_ == text_.size(); }
  char peek() const { return done() ? '\0' : text_[at_]; }
  bool take(char expected) {
    if (peek() != expected) return false;
    ++at_;
    return true;
  }
  bool number(int width, int& out) {
    if (at_ + width > text_.size()) return false;
    out = 0;
    for (int i = 0; i < width; ++i) {
      const char ch = text_[at_ + i];
      if (!std::isdigit(static_cast<unsigned char>(ch))) return false;
      out = out * 10 + (ch - '0');
    }
    at_ += width;
    return true;
  }
  // ".123456": the first three digits are milliseconds, the rest are dropped.
  bool fraction(int& millis) {
    millis = 0;
    if (!take('.')) return true;
    int digits = 0;
    while (std::isdigit(static_cast<unsigned char>(peek()))) {
      if (digits < 3) millis = millis * 10 + (peek() - '0');
      ++digits;
      ++at_;
    }
    for (int i = digits; i < 3; ++i) millis *= 10;
    return digits > 0;
  }

 private:
  const std::string& text_;
  std::size_t at_ = 0;
};

// A date or a date-time with its zone as ms since the epoch; nullopt for anything else
// (including impossible dates such as 2026-02-30).
std::optional<int64_t> parse_iso_time(const std::string& text) {
  IsoCursor in(text);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  if (!in.number(4, year) || !in.take('-') || !in.number(2, month) || !in.take('-') ||
      !in.number(2, day)) {
    return std::nullopt;
  }
  int64_t offset_ms = 0;
  if (!in.done()) {
    if (!(in.take('T') || in.take('t') || in.take(' '))) return std::nullopt;
    if (!in.number(2, hour) || !in.take(':') || !in.number(2, minute)) return std::nullopt;
    if (in.take(':') && (!in.number(2, second) || !in.fraction(millis))) return std::nullopt;
    if (!(in.take('Z') || in.take('z'))) {
      const char sign = in.peek();
      int zone_hours = 0, zone_minutes = 0;
      if ((sign != '+' && sign != '-') || !in.take(sign) || !in.number(2, zone_hours) ||
          !in.take(':') || !in.number(2, zone_minutes) || zone_hours > 23 || zone_minutes > 59) {
        return std::nullopt;
      }
      offset_ms = (zone_hours * kHourMs + zone_minutes * kMinuteMs) * (sign == '+' ? 1 : -1);
    }
    if (!in.done()) return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  std::tm fields{};
  fields.tm_year = year - 1900;
  fields.tm_mon = month - 1;
  fields.tm_mday = day;
  fields.tm_hour = hour;
  fields.tm_min = minute;
  fields.tm_sec = second;
  const std::time_t seconds = timegm(&fields);
  if (fields.tm_mday != day || fields.tm_mon != month - 1) return std::nullopt;  // normalized
  return static_cast<int64_t>(seconds) * kSecondMs + millis - offset_ms;
}

std::string text_field(const Json& json, const char* key, const std::string& fallback) {
  if (!json.contains(key) || json[key].is_null()) return fallback;
  if (!json[key].is_string()) {
    throw std::invalid_argument(std::string("export filter \"") + key + "\" must be a string");
  }
  return json[key].get<std::string>();
}

}  // namespace

const char* export_format_name(ExportFormat format) {
  return format == ExportFormat::Dpo ? "dpo" : "kto";
}

const char* export_source_name(ExportSource source) {
  switch (source) {
    case ExportSource::User:
      return "user";
    case ExportSource::Judge:
      return "judge";
    case ExportSource::All:
      return "all";
  }
  return "user";
}

std::optional<ExportFormat> parse_export_format(const std::string& text) {
  if (text == "dpo") return ExportFormat::Dpo;
  if (text == "kto") return ExportFormat::Kto;
  return std::nullopt;
}

std::optional<ExportSource> parse_export_source(const std::string& text) {
  if (text == "user") return ExportSource::User;
  if (text == "judge") return ExportSource::Judge;
  if (text == "all") return ExportSource::All;
  return std::nullopt;
}

Json filters_to_json(const ExportFilters& filters) {
  Json json = Json::object();
  json["format"] = export_format_name(filters.format);
  json["source"] = export_source_name(filters.source);
  json["route"] = filters.route;
  json["version"] = filters.version;
  json["since_ms"] = filters.since_ms ? Json(*filters.since_ms) : Json(nullptr);
  json["with_metadata"] = filters.with_metadata;
  return json;
}

ExportFilters filters_from_json(const Json& json) {
  if (!json.is_object()) throw std::invalid_argument("export filters must be a JSON object");
  ExportFilters filters;
  const std::string format = text_field(json, "format", "dpo");
  const std::string source = text_field(json, "source", "user");
  const auto parsed_format = parse_export_format(format);
  if (!parsed_format) {
    throw std::invalid_argument("unknown export format \"" + format + "\": use dpo or kto");
  }
  const auto parsed_source = parse_export_source(source);
  if (!parsed_source) {
    throw std::invalid_argument("unknown export source \"" + source + "\": use user, judge or all");
  }
  filters.format = *parsed_format;
  filters.source = *parsed_source;
  filters.route = text_field(json, "route", "");
  filters.version = text_field(json, "version", "");
  if (json.contains("since_ms") && !json["since_ms"].is_null()) {
    if (!json["since_ms"].is_number_integer()) {
      throw std::invalid_argument("export filter \"since_ms\" must be an integer (ms since epoch)");
    }
    filters.since_ms = json["since_ms"].get<int64_t>();
  }
  if (json.contains("with_metadata") && !json["with_metadata"].is_null()) {
    if (!json["with_metadata"].is_boolean()) {
      throw std::invalid_argument("export filter \"with_metadata\" must be true or false");
    }
    filters.with_metadata = json["with_metadata"].get<bool>();
  }
  return filters;
}

int64_t parse_since(const std::string& text, int64_t now_ms) {
  if (auto age = parse_amount(text, 0)) return now_ms - *age;
  if (auto time = parse_iso_time(text)) return *time;
  throw std::invalid_argument("invalid since \"" + text + "\": " + kSinceForms);
}

int64_t parse_duration_ms(const std::string& text) {
  const auto duration = parse_amount(text, kSecondMs);
  if (!duration || *duration <= 0) {
    throw std::invalid_argument("invalid duration \"" + text + "\": " + kDurationForms);
  }
  return *duration;
}

}  // namespace slipway::feedback
