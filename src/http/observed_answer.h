#pragma once
// A logged answer as the monitor reads it: the conversation and choice 0 as plain text.
#include "feedback/logged_answer.h"
#include "monitor/observed_answer.h"

namespace slipway::http {

monitor::ObservedAnswer observed_answer(const feedback::LoggedAnswer& answer);

}  // namespace slipway::http
