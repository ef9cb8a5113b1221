// One judge job: render the prompt, call the judge (twice for a pair, once in
// each order), read its answer, record the result and count it. Errors end as a
// failed result, never as an exception out of a worker.
#include <spdlog/spdlog.h>

#include <exception>

#include "monitor/judge/judge_runner_state.h"
#include "monitor/judge/judge_text.h"
#include "monitor/judge/pairwise_verdict.h"
#include "monitor/judge/score_parser.h"

namespace slipway::monitor {

namespace {

// The judge's answer kept with a result.
constexpr std::size_t kDetailBytes = 4'096;

// The judge, or null while it is unavailable (a throwing source counts as
// unavailable).
std::shared_ptr<backends::Backend> judge_backend(const JudgeBackendSource& source) {
  if (!source) return nullptr;
  try {
    return source();
  } catch (const std::exception& e) {
    spdlog::warn("the judge backend is unavailable: {}", e.what());
    return nullptr;
  }
}

PairChoice choice_of(const JudgeReply& reply) {
  return reply.kind == JudgeReply::Kind::Answered ? parse_pair_choice(reply.text)
                                                  : PairChoice::Unparsable;
}

}  // namespace

JudgeReply JudgeRunner::State::ask(backends::Backend& backend, std::string rendered) {
  backends::ApiRequest request;
  request.endpoint = backends::Endpoint::ChatCompletions;
  request.body = {{"model", options.judge_model},
                  {"messages", backends::Json::array({{{"role", "user"}, {"content", rendered}}})},
                  {"max_tokens", options.max_tokens},
                  {"temperature", 0},
                  {"stream", false}};
  request.created = clock() / 1000;
  request.priority = backends::RequestPriority::Judge;
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  request.deadline = deadline;

  auto call = std::make_shared<JudgeCall>();
  uint64_t number = 0;
  {
    std::lock_guard lock(mutex);
    if (stopping) return {JudgeReply::Kind::Failed, "the judge runner stopped", {}};
    number = ++next_call;
    live_calls.emplace(number, call);
  }
  request.request_id = "judge-" + std::to_string(number);
  call->start(backend, std::move(request));
  JudgeReply reply = call->wait(deadline);
  std::lock_guard lock(mutex);
  live_calls.erase(number);
  count_latency(reply.latency);
  return reply;
}

void JudgeRunner::State::judge_score(const ObservedAnswer& answer) {
  JudgeScoreRow row;
  row.response_id = answer.id;
  row.route = answer.route;
  row.version = answer.version;
  row.arm = answer.arm;
  row.judge = options.judge_name;
  row.answered_ms = answer.created_ms;
  row.outcome = JudgeOutcome::Failed;
  row.detail = "judge unavailable";
  if (auto backend = judge_backend(backend_source)) {
    const JudgeReply reply = ask(
        *backend, score_template.render_score(cut_utf8(answer.prompt, options.max_text_bytes),
                                              cut_utf8(answer.response, options.max_text_bytes)));
    row.latency_ms = reply.latency.count();
    row.detail = cut_utf8(reply.text, kDetailBytes);
    if (reply.kind == JudgeReply::Kind::Answered) {
      const ParsedScore parsed = parse_score(reply.text);
      row.score = parsed.score;
      row.outcome = parsed.score ? JudgeOutcome::Scored : JudgeOutcome::Unparsable;
    } else if (reply.kind == JudgeReply::Kind::NoText) {
      row.outcome = JudgeOutcome::Unparsable;
    }
  }
  row.judged_ms = clock();
  {
    // A call cut short by shutdown says nothing about the judge: not recorded, not counted.
    std::lock_guard lock(mutex);
    if (stopping && row.outcome == JudgeOutcome::Failed) return;
  }
  try {
    record_judge_score(store, row);
  } catch (const std::exception& e) {
    spdlog::error("cannot record the judge's result for answer {}: {}", answer.id, e.what());
    row.outcome = JudgeOutcome::Failed;
  }
  std::lock_guard lock(mutex);
  count_score(row);
}

void JudgeRunner::State::judge_pair(const ObservedAnswer& primary, const ObservedAnswer& shadow) {
  JudgePairRow row;
  row.primary_id = primary.id;
  row.shadow_id = shadow.id;
  row.route = primary.route;
  row.primary_version = primary.version;
  row.shadow_version = shadow.version;
  row.judge = options.judge_name;
  row.verdict = "failed";
  row.detail = "judge unavailable";
  row.answered_ms = primary.created_ms;
  if (auto backend = judge_backend(backend_source)) {
    const std::string prompt = cut_utf8(primary.prompt, options.max_text_bytes);
    const std::string primary_text = cut_utf8(primary.response, options.max_text_bytes);
    const std::string shadow_text = cut_utf8(shadow.response, options.max_text_bytes);
    const JudgeReply primary_first =
        ask(*backend, pair_template.render_pair(prompt, primary_text, shadow_text));
    if (primary_first.kind == JudgeReply::Kind::Failed) {
      row.detail = "primary first: " + primary_first.text;
    } else {
      const JudgeReply shadow_first =
          ask(*backend, pair_template.render_pair(prompt, shadow_text, primary_text));
      if (shadow_first.kind == JudgeReply::Kind::Failed) {
        row.detail = "shadow first: " + shadow_first.text;
      } else {
        row.verdict =
            pair_verdict_name(combine_orders(choice_of(primary_first), choice_of(shadow_first)));
        row.detail = "primary first: " + cut_utf8(primary_first.text, kDetailBytes / 2) +
                     "\n\nshadow first: " + cut_utf8(shadow_first.text, kDetailBytes / 2);
      }
    }
  }
  row.judged_ms = clock();
  {
    std::lock_guard lock(mutex);
    if (stopping && row.verdict == "failed") return;
  }
  bool recorded = true;
  try {
    record_judge_pair(store, row);
  } catch (const std::exception& e) {
    spdlog::error("cannot record the judge's verdict on {} and {}: {}", primary.id, shadow.id,
                  e.what());
    recorded = false;
  }
  {
    std::lock_guard lock(mutex);
    count_pair(row.route, recorded ? row.verdict : "failed");
  }
  const bool decisive = row.verdict == "primary" || row.verdict == "shadow";
  if (!recorded || !decisive || !preferences) return;
  const bool primary_won = row.verdict == "primary";
  try {
    preferences({primary_won ? primary.id : shadow.id, primary_won ? shadow.id : primary.id,
                 options.judge_name, row.detail});
  } catch (const std::exception& e) {
    spdlog::error("the judge's pair preference on {} was not taken: {}", primary.id, e.what());
  } catch (...) {
  }
}

}  // namespace slipway::monitor
