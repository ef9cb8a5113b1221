// What a webhook receives: our JSON event, or one line of Slack text with the key figures.
#include <sstream>
#include <string>

#include "monitor/alerts/webhook_notifier.h"

namespace slipway::monitor {

namespace {

constexpr std::size_t kMaxFigures = 6;  // a Slack line stays readable

// Text from the store or a judge may hold invalid UTF-8: replaced, never a throw.
std::string dump(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Slack reads &, < and > as markup (links, mentions); anything else is plain text.
std::string slack_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string upper(std::string text) {
  for (char& ch : text) {
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  }
  return text;
}

std::string figure(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_float()) {
    std::ostringstream out;
    out.precision(4);
    out << value.get<double>();
    return out.str();
  }
  return dump(value);
}

// The evidence's top-level numbers, texts and flags ("psi=0.31, threshold=0.2"): nested
// detail stays in the JSON format.
std::string key_figures(const nlohmann::json& evidence) {
  if (!evidence.is_object()) return "";
  std::string out;
  std::size_t shown = 0;
  for (const auto& [key, value] : evidence.items()) {
    if (!value.is_primitive() || value.is_null()) continue;
    if (shown++ == kMaxFigures) break;
    if (!out.empty()) out += ", ";
    out += key + "=" + figure(value);
  }
  return out;
}

std::string slack_text(const AlertRecord& alert, AlertEvent event) {
  const bool resolved = event == AlertEvent::Resolved;
  const char* emoji = resolved                       ? ":white_check_mark:"
                      : alert.severity == "critical" ? ":rotating_light:"
                                                     : ":warning:";
  std::string text = std::string(emoji) + " [" + upper(alert.severity) + "] " + alert.kind +
                     " on " + alert.route + " (" + alert.version + "): " + alert.summary;
  if (const std::string figures = key_figures(alert.evidence); !figures.empty()) {
    text += "\n" + figures;
  }
  if (alert.action != "none" && !alert.action_result.empty()) {
    text += "\naction " + alert.action + ": " + alert.action_result;
  }
  if (resolved) {
    text += "\nresolved: " + (alert.resolution.empty() ? "condition cleared" : alert.resolution);
  }
  return slack_escape(text);
}

}  // namespace

std::string webhook_body(const AlertRecord& alert, AlertEvent event, WebhookFormat format) {
  if (format == WebhookFormat::Slack) {
    return dump(nlohmann::json{{"text", slack_text(alert, event)}});
  }
  return dump(nlohmann::json{{"event", event == AlertEvent::Fired ? "fired" : "resolved"},
                             {"alert", alert_to_json(alert)}});
}

}  // namespace slipway::monitor
