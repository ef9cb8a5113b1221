#include "feedback/response_view.h"

#include "feedback/utc_text.h"

namespace slipway::feedback {

namespace {

Json optional_number(const store::Row& row, std::size_t column) {
  if (row.is_null(column)) return nullptr;
  return row.integer(column);
}

Json ms_as_seconds(const store::Row& row, std::size_t column) {
  if (row.is_null(column)) return nullptr;
  return row.real(column) / 1000.0;
}

// A stored JSON text, or null when it does not parse (never throws on a damaged row).
Json parse_or_null(const std::string& text) {
  Json parsed = Json::parse(text, nullptr, false);
  return parsed.is_discarded() ? Json(nullptr) : parsed;
}

StoredRating rating_from_row(const store::Row& row) {
  StoredRating rating;
  rating.response_id = row.text(0);
  rating.choice_index = static_cast<int>(row.integer(1));
  rating.user = row.text(2);
  if (!row.is_null(3)) rating.rating = static_cast<int>(row.integer(3));
  if (!row.is_null(4)) rating.task_completed = row.integer(4) != 0;
  rating.comment = row.optional_text(5);
  rating.created_ms = row.integer(6);
  rating.updated_ms = row.integer(7);
  return rating;
}

}  // namespace

Json rating_to_json(const StoredRating& rating) {
  Json json = Json::object();
  json["id"] = rating.response_id;
  json["choice_index"] = rating.choice_index;
  json["user"] = rating.user;
  json["rating"] = rating.rating ? Json(*rating.rating) : Json(nullptr);
  json["task_completed"] = rating.task_completed ? Json(*rating.task_completed) : Json(nullptr);
  json["comment"] = rating.comment ? Json(*rating.comment) : Json(nullptr);
  json["created"] = iso_utc(rating.created_ms);
  json["updated"] = iso_utc(rating.updated_ms);
  return json;
}

std::optional<Json> get_response(store::Store& store, const std::string& id) {
  return store.read([&](store::Transaction& tx) -> std::optional<Json> {
    const auto choices = tx.query(
        "SELECT choice_index, kind, route, version, arm, primary_id, user_id, prompt_hash, "
        "status, finish_reason, prompt_tokens, completion_tokens, ttft_ms, latency_ms, "
        "created_ms FROM feedback_responses WHERE id = ? ORDER BY choice_index",
        {id});
    if (choices.empty()) return std::nullopt;
    const auto bodies =
        tx.query("SELECT prompt_json, outputs_json FROM feedback_bodies WHERE id = ?", {id});
    const auto ratings = tx.query(
        "SELECT response_id, choice_index, user_id, rating, task_completed, comment, "
        "created_ms, updated_ms FROM feedback_ratings WHERE response_id = ? "
        "ORDER BY choice_index, user_id",
        {id});

    Json prompt = nullptr;
    Json outputs = nullptr;
    if (!bodies.empty()) {
      prompt = parse_or_null(bodies.front().text(0));
      outputs = parse_or_null(bodies.front().text(1));
    }

    // The answer's fields are the same on every choice row; the first one speaks for all.
    const store::Row& first = choices.front();
    Json json = Json::object();
    json["id"] = id;
    json["kind"] = first.text(1);
    json["route"] = first.text(2);
    json["version"] = first.text(3);
    json["arm"] = first.text(4);
    json["primary_id"] = first.text(5);
    json["user"] = first.text(6);
    json["created"] = iso_utc(first.integer(14));
    json["created_ms"] = first.integer(14);
    json["status"] = first.integer(8);
    json["prompt_tokens"] = first.integer(10);
    json["latency_seconds"] = ms_as_seconds(first, 13);
    json["ttft_seconds"] = ms_as_seconds(first, 12);
    json["prompt_hash"] = first.text(7);
    json["has_body"] = !bodies.empty();
    json["choices"] = Json::array();
    for (const auto& row : choices) {
      Json choice = Json::object();
      const int64_t index = row.integer(0);
      choice["index"] = index;
      choice["finish_reason"] = row.text(9);
      choice["completion_tokens"] = optional_number(row, 11);
      if (outputs.is_array() && index < static_cast<int64_t>(outputs.size())) {
        choice["output"] = outputs[index];
      }
      json["choices"].push_back(std::move(choice));
    }
    if (prompt.is_object() && prompt.contains("prompt")) json["prompt"] = prompt["prompt"];
    if (prompt.is_object() && prompt.contains("params")) json["params"] = prompt["params"];
    json["ratings"] = Json::array();
    for (const auto& row : ratings) json["ratings"].push_back(rating_to_json(rating_from_row(row)));
    return json;
  });
}

}  // namespace slipway::feedback
