#include "feedback/export_rows.h"

namespace slipway::feedback::detail {

namespace {

std::optional<Json> parse_json(const store::Row& row, std::size_t column) {
  if (row.is_null(column)) return std::nullopt;
  Json parsed = Json::parse(row.text(column), nullptr, false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

// The assistant message a trainer sees: role, content and tool calls only (refusal and other
// extras dropped); null when it says nothing.
Json assistant_message(const Json& output) {
  if (!output.is_object()) return nullptr;
  const Json content = output.contains("content") ? output["content"] : Json(nullptr);
  const bool has_tool_calls = output.contains("tool_calls") && output["tool_calls"].is_array() &&
                              !output["tool_calls"].empty();
  if (content.is_null() && !has_tool_calls) return nullptr;
  Json message = Json::object();
  message["role"] =
      output.contains("role") && output["role"].is_string() ? output["role"] : Json("assistant");
  // Chat templates concatenate content, so a tool-call-only turn gets "" rather than null.
  message["content"] = content.is_null() ? Json("") : content;
  if (has_tool_calls) message["tool_calls"] = output["tool_calls"];
  return message;
}

Json prompt_messages(const Json& prompt_body) {
  if (!prompt_body.is_object() || !prompt_body.contains("prompt")) return nullptr;
  const Json& prompt = prompt_body["prompt"];
  if (!prompt.is_object() || !prompt.contains("messages")) return nullptr;
  const Json& messages = prompt["messages"];
  if (!messages.is_array() || messages.empty()) return nullptr;
  return messages;
}

}  // namespace

std::string answer_columns(const std::string& response, const std::string& body) {
  const std::string r = response + ".";
  return r + "id, " + r + "choice_index, " + r + "kind, " + r + "route, " + r + "version, " + r +
         "prompt_hash, " + r + "created_ms, " + body + ".prompt_json, " + body + ".outputs_json";
}

ExportAnswer answer_from_row(const store::Row& row, std::size_t first_column) {
  const std::size_t c = first_column;
  ExportAnswer answer;
  answer.id = row.text(c);
  answer.choice = static_cast<int>(row.integer(c + 1));
  answer.kind = row.text(c + 2);
  answer.route = row.text(c + 3);
  answer.version = row.text(c + 4);
  answer.prompt_hash = row.text(c + 5);
  answer.created_ms = row.integer(c + 6);
  if (answer.kind != "chat") {
    answer.usability = Usability::Completion;
    return answer;
  }
  const auto prompt = parse_json(row, c + 7);
  const auto outputs = parse_json(row, c + 8);
  Json messages = prompt ? prompt_messages(*prompt) : Json(nullptr);
  if (messages.is_null() || !outputs || !outputs->is_array() ||
      answer.choice >= static_cast<int>(outputs->size())) {
    answer.usability = Usability::NoBody;
    return answer;
  }
  answer.message = assistant_message((*outputs)[answer.choice]);
  if (answer.message.is_null()) {
    answer.usability = Usability::EmptyOutput;
    return answer;
  }
  answer.prompt_messages = std::move(messages);
  answer.message_key = sorted_dump(answer.message);
  answer.usability = Usability::Usable;
  return answer;
}

std::string answer_filter(const std::string& response, const ExportFilters& filters,
                          store::Params& params) {
  std::string sql;
  if (!filters.route.empty()) {
    sql += " AND " + response + ".route = ?";
    params.push_back(filters.route);
  }
  if (!filters.version.empty()) {
    sql += " AND " + response + ".version = ?";
    params.push_back(filters.version);
  }
  if (filters.since_ms) {
    sql += " AND " + response + ".created_ms >= ?";
    params.push_back(*filters.since_ms);
  }
  return sql;
}

std::string sorted_dump(const Json& value) {
  return nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Json dpo_row(const ExportAnswer& chosen, const ExportAnswer& rejected) {
  Json row = Json::object();
  row["prompt"] = chosen.prompt_messages;
  row["chosen"] = Json::array({chosen.message});
  row["rejected"] = Json::array({rejected.message});
  return row;
}

Json kto_row(const ExportAnswer& answer, bool label) {
  Json row = Json::object();
  row["prompt"] = answer.prompt_messages;
  row["completion"] = Json::array({answer.message});
  row["label"] = label;
  return row;
}

Json dpo_metadata(const ExportAnswer& chosen, const ExportAnswer& rejected, ExportSource source) {
  Json meta = Json::object();
  meta["source"] = export_source_name(source);
  meta["chosen_id"] = chosen.id;
  meta["chosen_choice"] = chosen.choice;
  meta["rejected_id"] = rejected.id;
  meta["rejected_choice"] = rejected.choice;
  meta["route"] = chosen.route;
  meta["chosen_version"] = chosen.version;
  meta["rejected_version"] = rejected.version;
  return meta;
}

Json kto_metadata(const ExportAnswer& answer, ExportSource source) {
  Json meta = Json::object();
  meta["source"] = export_source_name(source);
  meta["id"] = answer.id;
  meta["choice"] = answer.choice;
  meta["route"] = answer.route;
  meta["version"] = answer.version;
  return meta;
}

}  // namespace slipway::feedback::detail
