#include "feedback/logged_answer.h"

namespace slipway::feedback {

const char* answer_kind_name(AnswerKind kind) {
  return kind == AnswerKind::Chat ? "chat" : "completion";
}

std::optional<AnswerKind> parse_answer_kind(const std::string& name) {
  if (name == "chat") return AnswerKind::Chat;
  if (name == "completion") return AnswerKind::Completion;
  return std::nullopt;
}

}  // namespace slipway::feedback
