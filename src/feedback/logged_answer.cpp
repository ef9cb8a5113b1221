#include "feedback/logged_answer.h"

namespace slipway::feedback {

const char* answer_kind_name(AnswerKind kind) {
  return kind == AnswerKind::Chat ? "chat" : "completion";
}

}  // namespace slipway::feedback
