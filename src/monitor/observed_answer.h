#pragma once
// One answer as the monitor sees it, handed over by the HTTP layer after the client got it
// (primary answers and shadow copies alike): the texts the judge and the drift signals read,
// and where the answer came from. Plain strings, so the monitor needs no request formats.
#include <cstdint>
#include <string>

namespace slipway::monitor {

struct ObservedAnswer {
  std::string id;          // the OpenAI "id" the client got (shadow copies: their own id)
  std::string route;       // the model name the client asked for
  std::string version;     // what answered ("model/N" on routes, else the served name)
  std::string arm;         // "stable", "canary", "shadow"
  std::string primary_id;  // shadow copies: the primary's id; else empty
  // The conversation as text: a chat's single user message as it is, several messages as
  // "role: content" lines; a completion's prompt.
  std::string prompt;
  std::string response;           // choice 0's text (a chat message's content)
  std::string finish_reason;      // choice 0's: stop, length, tool_calls, ...
  int64_t completion_tokens = 0;  // choice 0's, or the answer's when choices are not counted apart
  int64_t created_ms = 0;         // when the request arrived (ms since the Unix epoch)
};

}  // namespace slipway::monitor
