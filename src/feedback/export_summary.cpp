#include "feedback/export_summary.h"

#include <cstdio>
#include <vector>

#include "feedback/utc_text.h"

namespace slipway::feedback {

namespace {

// "1 rated answer" / "3 rated answers".
std::string count(int64_t n, const std::string& singular, const std::string& plural) {
  return std::to_string(n) + " " + (n == 1 ? singular : plural);
}

// Up to `decimals` decimals, without trailing zeros: 2.5, 2.08, 3.
std::string decimal(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  std::string result = text;
  if (result.find('.') != std::string::npos) {
    while (result.back() == '0') result.pop_back();
    if (result.back() == '.') result.pop_back();
  }
  return result;
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string result;
  for (const auto& part : parts) {
    if (part.empty()) continue;
    if (!result.empty()) result += separator;
    result += part;
  }
  return result;
}

std::string describe_filters(const ExportFilters& filters) {
  return "route=" + (filters.route.empty() ? std::string("any") : filters.route) +
         ", version=" + (filters.version.empty() ? std::string("any") : filters.version) +
         ", since=" + (filters.since_ms ? iso_utc(*filters.since_ms) : std::string("any"));
}

// TRL's KTOTrainer advice: desirable_weight*D : undesirable_weight*U within 1:1 to 4:3. The
// suggested weight puts the ratio at 1.2, inside the band.
std::string kto_balance(int64_t desirable, int64_t undesirable) {
  std::string text =
      "desirable " + std::to_string(desirable) + " / undesirable " + std::to_string(undesirable);
  if (desirable == 0 || undesirable == 0) {
    return text + "; KTO learns from both labels: add " +
           (desirable == 0 ? std::string("liked") : std::string("disliked")) + " answers";
  }
  const double ratio = static_cast<double>(desirable) / static_cast<double>(undesirable);
  text += ratio >= 1 ? " (" + decimal(ratio, 1) + ":1)" : " (1:" + decimal(1 / ratio, 1) + ")";
  text +=
      "; TRL's KTO advice: keep desirable_weight*desirable : undesirable_weight*undesirable "
      "between 1:1 and 4:3; ";
  constexpr double kTarget = 1.2;
  if (ratio >= 1 && ratio <= 4.0 / 3.0) return text + "the default weights (1.0) fit";
  if (ratio > 4.0 / 3.0) return text + "e.g. undesirable_weight=" + decimal(ratio / kTarget, 2);
  return text + "e.g. desirable_weight=" + decimal(kTarget / ratio, 2);
}

std::string skipped_notes(const ExportSummary& summary) {
  std::vector<std::string> notes;
  if (summary.skipped_no_body > 0) {
    notes.push_back(count(summary.skipped_no_body, "rated answer", "rated answers") +
                    " had no kept body");
  }
  if (summary.skipped_completions > 0) {
    notes.push_back(
        count(summary.skipped_completions, "rated legacy completion", "rated legacy completions") +
        " not exported (TRL's conversational formats take chat messages)");
  }
  if (summary.duplicates > 0) {
    notes.push_back(count(summary.duplicates, "exact repeat", "exact repeats") + " dropped");
  }
  return join(notes, "; ");
}

std::string written_message(const ExportFilters& filters, const ExportSummary& summary) {
  const bool dpo = filters.format == ExportFormat::Dpo;
  std::string text = count(summary.rows, dpo ? "pair" : "row", dpo ? "pairs" : "rows") + " over " +
                     count(summary.prompts, "prompt", "prompts") + " (user " +
                     std::to_string(summary.user_rows) + ", judge " +
                     std::to_string(summary.judge_rows) + ")";
  if (!dpo) text += ": " + kto_balance(summary.desirable, summary.undesirable);
  return join({text, skipped_notes(summary)}, "; ");
}

std::string empty_user_part(const ExportFilters& filters, const ExportSummary& summary,
                            const detail::ExportTally& tally, const std::string& where) {
  if (summary.rated_answers == 0) return "0 rated chat answers match " + where;
  if (tally.liked + tally.disliked == 0) {
    std::string reasons = join(
        {summary.skipped_no_body > 0 ? std::to_string(summary.skipped_no_body) + " had no kept body"
                                     : "",
         summary.skipped_completions > 0
             ? std::to_string(summary.skipped_completions) + " were legacy completions"
             : ""},
        ", ");
    return count(summary.rated_answers, "rated answer matches ", "rated answers match ") + where +
           " but none is a chat answer with a kept, non-empty output" +
           (reasons.empty() ? "" : " (" + reasons + ")");
  }
  std::string text = std::to_string(tally.liked) + " liked and " + std::to_string(tally.disliked) +
                     " disliked chat answers match " + where;
  if (filters.format == ExportFormat::Dpo) {
    text +=
        ": DPO needs a liked and a disliked answer with different outputs to the same prompt; "
        "try --format kto";
  }
  return text;
}

std::string empty_judge_part(const detail::ExportTally& tally, const std::string& where) {
  if (tally.judgments == 0) return "0 judge verdicts match " + where;
  return count(tally.judgments, "judge verdict matches ", "judge verdicts match ") + where +
         " but none compares two chat answers with kept, different outputs";
}

}  // namespace

Json summary_to_json(const ExportSummary& summary) {
  Json json = Json::object();
  json["rows"] = summary.rows;
  json["prompts"] = summary.prompts;
  json["user_rows"] = summary.user_rows;
  json["judge_rows"] = summary.judge_rows;
  json["desirable"] = summary.desirable;
  json["undesirable"] = summary.undesirable;
  json["rated_answers"] = summary.rated_answers;
  json["skipped_no_body"] = summary.skipped_no_body;
  json["skipped_completions"] = summary.skipped_completions;
  json["duplicates"] = summary.duplicates;
  json["message"] = summary.message;
  return json;
}

namespace detail {

ExportSummary summary_from_json(const Json& json) {
  ExportSummary summary;
  if (!json.is_object()) return summary;
  const auto number = [&](const char* key) -> int64_t {
    return json.contains(key) && json[key].is_number_integer() ? json[key].get<int64_t>() : 0;
  };
  summary.rows = number("rows");
  summary.prompts = number("prompts");
  summary.user_rows = number("user_rows");
  summary.judge_rows = number("judge_rows");
  summary.desirable = number("desirable");
  summary.undesirable = number("undesirable");
  summary.rated_answers = number("rated_answers");
  summary.skipped_no_body = number("skipped_no_body");
  summary.skipped_completions = number("skipped_completions");
  summary.duplicates = number("duplicates");
  if (json.contains("message") && json["message"].is_string()) {
    summary.message = json["message"].get<std::string>();
  }
  return summary;
}

std::string export_message(const ExportFilters& filters, const ExportSummary& summary,
                           const ExportTally& tally) {
  if (summary.rows > 0) return written_message(filters, summary);
  const std::string where = describe_filters(filters);
  std::vector<std::string> parts;
  if (filters.source != ExportSource::Judge) {
    parts.push_back(empty_user_part(filters, summary, tally, where));
  }
  if (filters.source != ExportSource::User) {
    parts.push_back(empty_judge_part(tally, parts.empty() ? where : "the same filters"));
  }
  return "No rows: " + join(parts, "; ");
}

}  // namespace detail

}  // namespace slipway::feedback
