#include "app/loadgen/runner.h"

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it
// (kept apart from the sorted block below)
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <stdexcept>

#include "app/loadgen/arrival_schedule.h"
#include "app/loadgen/model_list.h"
#include "app/loadgen/prompt_synth.h"
#include "backends/upstream/http_client.h"
#include "backends/upstream/sse_parser.h"
#include "backends/upstream/upstream_errors.h"
#include "backends/upstream/url.h"

namespace slipway::app::loadgen {

namespace asio = boost::asio;
using backends::HttpCall;
using backends::HttpClient;
using backends::HttpError;
using backends::HttpRequest;
using Json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// Runs one coroutine to its end on the io_context (setup calls before the load).
template <class T>
T run_sync(asio::io_context& io, asio::awaitable<T> task) {
  std::optional<T> value;
  std::exception_ptr error;
  asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T v) {
    error = e;
    if (!e) value = std::move(v);
  });
  io.restart();
  io.run();
  if (error) std::rethrow_exception(error);
  return std::move(*value);
}

bool non_empty(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() && !it->get_ref<const std::string&>().empty();
}

// Whether a chunk of either endpoint carries generated output.
// A chunk that carries a generated token: text, or an empty text that is not the closing
// chunk (a token without text of its own yet, e.g. part of a UTF-8 character). A chat
// chunk that only opens the role carries none.
bool has_output(const Json& chunk) {
  const auto choices = chunk.find("choices");
  if (choices == chunk.end() || !choices->is_array() || choices->empty()) return false;
  const auto& choice = choices->front();
  if (!choice.is_object()) return false;
  const auto finish = choice.find("finish_reason");
  const bool closing = finish != choice.end() && !finish->is_null();
  auto carries_token = [&](const Json& holder, const char* key) {
    const auto text = holder.find(key);
    if (text == holder.end() || !text->is_string()) return false;
    return !text->get_ref<const std::string&>().empty() || !closing;
  };
  if (carries_token(choice, "text")) return true;
  const auto delta = choice.find("delta");
  if (delta == choice.end() || !delta->is_object()) return false;
  if (non_empty(*delta, "content") || non_empty(*delta, "reasoning_content")) return true;
  return !delta->contains("role") && carries_token(*delta, "content");
}

class Bench {
 public:
  Bench(BenchOptions options, const std::function<void(const std::string&)>& log)
      : options_(std::move(options)),
        log_(log),
        url_(backends::parse_url(options_.base_url)),
        client_(io_.get_executor(), url_, client_options()) {}

  BenchRun run();

 private:
  backends::HttpClientOptions client_options() const {
    backends::HttpClientOptions out;
    out.connect_timeout = std::chrono::milliseconds(10'000);
    out.read_timeout = timeout();
    out.max_idle_connections = std::max(options_.concurrency, 1);
    out.user_agent = "slipway-bench";
    return out;
  }
  std::chrono::milliseconds timeout() const {
    return std::chrono::milliseconds(static_cast<int64_t>(options_.timeout_seconds * 1000));
  }
  HttpRequest request(std::string method, std::string target, std::string body = {}) const {
    HttpRequest out{std::move(method), std::move(target), {}, std::move(body)};
    if (!options_.api_key.empty())
      out.headers.emplace_back("Authorization", "Bearer " + options_.api_key);
    return out;
  }

  asio::awaitable<std::string> first_model();
  asio::awaitable<double> tokens_per_word();
  asio::awaitable<RequestResult> send_one(std::string body);
  asio::awaitable<void> worker(std::shared_ptr<std::vector<std::string>> bodies,
                               std::vector<double> arrivals, std::vector<RequestResult>* results);
  std::vector<std::string> make_bodies(int count, uint64_t seed, int words);
  void run_load(const std::vector<std::string>& bodies, const std::vector<double>& arrivals,
                std::vector<RequestResult>& results);

  BenchOptions options_;
  std::vector<std::string> models_;  // round-robin over the requests
  const std::function<void(const std::string&)>& log_;
  asio::io_context io_;
  backends::Url url_;
  HttpClient client_;
  // The run in progress.
  std::size_t next_ = 0;
  int in_flight_ = 0;
  int max_in_flight_ = 0;
  Clock::time_point start_;
  Clock::time_point last_end_;
};

asio::awaitable<std::string> Bench::first_model() {
  auto call = std::make_shared<HttpCall>(io_.get_executor());
  const auto response = co_await client_.fetch(request("GET", url_.base_path + "/models"), *call);
  call->finish();
  if (response.status != 200) {
    throw std::runtime_error("GET /models answered HTTP " + std::to_string(response.status) + ": " +
                             backends::upstream_error_message(response.body));
  }
  const auto models = Json::parse(response.body, nullptr, false);
  if (models.is_object() && models.contains("data") && models["data"].is_array() &&
      !models["data"].empty() && models["data"][0].contains("id")) {
    co_return models["data"][0]["id"].get<std::string>();
  }
  throw std::runtime_error("GET /models listed no model; pass --model");
}

// The server's own tokenizer, when it has vLLM's /tokenize, turns words into tokens; without
// it we assume a token per word.
asio::awaitable<double> Bench::tokens_per_word() {
  constexpr int kSampleWords = 200;
  PromptSynth sample(options_.seed ^ 0x5eedf00dULL);
  Json body{{"model", models_.front()}, {"prompt", sample.make(kSampleWords)}};
  auto call = std::make_shared<HttpCall>(io_.get_executor());
  double ratio = 1.0;
  try {
    const auto response =
        co_await client_.fetch(request("POST", url_.root_path() + "/tokenize", body.dump()), *call);
    const auto json = Json::parse(response.body, nullptr, false);
    if (response.status == 200 && json.is_object()) {
      int64_t count = 0;
      if (json.contains("count") && json["count"].is_number_integer()) {
        count = json["count"].get<int64_t>();
      } else if (json.contains("tokens") && json["tokens"].is_array()) {
        count = static_cast<int64_t>(json["tokens"].size());
      }
      if (count > 0) ratio = static_cast<double>(count) / kSampleWords;
    }
  } catch (const HttpError&) {
  }
  call->finish();
  co_return ratio;
}

asio::awaitable<RequestResult> Bench::send_one(std::string body) {
  RequestResult result;
  auto call = std::make_shared<HttpCall>(io_.get_executor());
  call->set_deadline(Clock::now() + timeout());
  const auto target =
      url_.base_path + (options_.endpoint == "chat" ? "/chat/completions" : "/completions");
  backends::SseParser parser;
  int status = 0;
  std::string error_body;
  bool done = false;
  std::optional<int64_t> completion_tokens;
  int64_t output_chunks = 0;
  std::optional<Clock::time_point> last;
  const auto start = Clock::now();
  try {
    co_await client_.send(
        request("POST", target, std::move(body)), *call,
        [&](const backends::HttpResponseHead& head) { status = head.status; },
        [&](std::string_view bytes) {
          if (status != 200) {
            error_body.append(bytes.substr(0, 4096));
            return;
          }
          parser.feed(bytes, [&](backends::SseEvent&& event) {
            if (done) return;
            if (event.data == "[DONE]") {
              done = true;
              return;
            }
            const auto now = Clock::now();
            const auto chunk = Json::parse(event.data, nullptr, false);
            if (chunk.is_discarded() || !chunk.is_object()) {
              throw std::runtime_error("stream event is not JSON");
            }
            if (chunk.contains("error")) {
              throw std::runtime_error("error event: " +
                                       backends::upstream_error_message(event.data));
            }
            if (const auto usage = chunk.find("usage");
                usage != chunk.end() && usage->is_object()) {
              if (usage->contains("prompt_tokens")) {
                result.prompt_tokens = (*usage)["prompt_tokens"].get<int64_t>();
              }
              if (usage->contains("completion_tokens")) {
                completion_tokens = (*usage)["completion_tokens"].get<int64_t>();
              }
            }
            if (has_output(chunk)) {
              if (!last) {
                result.ttft = seconds(now - start);
              } else {
                result.itl.push_back(seconds(now - *last));
              }
              last = now;
              ++output_chunks;
            }
          });
        });
    if (status != 200) {
      result.error =
          "HTTP " + std::to_string(status) + ": " + backends::upstream_error_message(error_body);
    } else if (!done) {
      result.error = "stream ended without [DONE]";
    } else if (!last) {
      result.error = "stream had no output";
    } else {
      result.ok = true;
      result.e2e = seconds(Clock::now() - start);
      result.output_tokens = completion_tokens.value_or(output_chunks);
    }
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  call->finish();
  co_return result;
}

asio::awaitable<void> Bench::worker(std::shared_ptr<std::vector<std::string>> bodies,
                                    std::vector<double> arrivals,
                                    std::vector<RequestResult>* results) {
  asio::steady_timer timer(io_);
  for (;;) {
    const std::size_t i = next_++;
    if (i >= bodies->size()) co_return;
    const auto send_at = start_ + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(arrivals[i]));
    if (send_at > Clock::now()) {
      timer.expires_at(send_at);
      co_await timer.async_wait(asio::use_awaitable);
    }
    max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
    (*results)[i] = co_await send_one(std::move((*bodies)[i]));
    --in_flight_;
    last_end_ = Clock::now();
  }
}

std::vector<std::string> Bench::make_bodies(int count, uint64_t seed, int words) {
  PromptSynth synth(seed);
  std::vector<std::string> bodies;
  for (int i = 0; i < count; ++i) {
    Json body{{"model", model_for_request(models_, static_cast<std::size_t>(i))}};
    const auto prompt = synth.make(words);
    if (options_.endpoint == "chat") {
      body["messages"] = Json::array({Json{{"role", "user"}, {"content", prompt}}});
    } else {
      body["prompt"] = prompt;
    }
    body["max_tokens"] = options_.output_len;
    body["temperature"] = 0.0;
    if (options_.ignore_eos) body["ignore_eos"] = true;
    body["stream"] = true;
    body["stream_options"] = Json{{"include_usage", true}};
    bodies.push_back(body.dump());
  }
  return bodies;
}

void Bench::run_load(const std::vector<std::string>& bodies, const std::vector<double>& arrivals,
                     std::vector<RequestResult>& results) {
  results.assign(bodies.size(), RequestResult{});
  next_ = 0;
  in_flight_ = 0;
  max_in_flight_ = 0;
  start_ = Clock::now();
  last_end_ = start_;
  auto shared = std::make_shared<std::vector<std::string>>(bodies);
  const int workers =
      std::min<int>(std::max(options_.concurrency, 1), static_cast<int>(bodies.size()));
  for (int w = 0; w < workers; ++w) {
    asio::co_spawn(io_, worker(shared, arrivals, &results), asio::detached);
  }
  io_.restart();
  io_.run();
}

BenchRun Bench::run() {
  if (options_.endpoint != "completions" && options_.endpoint != "chat") {
    throw std::invalid_argument("--endpoint must be completions or chat");
  }
  models_ = parse_model_list(options_.model);
  if (models_.empty()) models_.push_back(run_sync(io_, first_model()));
  const double ratio = run_sync(io_, tokens_per_word());
  const int words = PromptSynth::words_for_tokens(options_.input_len, ratio);
  std::string listed;
  for (const auto& model : models_) listed += (listed.empty() ? "" : ",") + model;
  log_((models_.size() > 1 ? "models " : "model ") + listed + ", " + std::to_string(words) +
       " words per prompt (" + std::to_string(ratio).substr(0, 4) + " tokens per word)");

  std::vector<RequestResult> results;
  if (options_.warmup > 0) {
    log_("warming up with " + std::to_string(options_.warmup) + " requests");
    run_load(make_bodies(options_.warmup, options_.seed + 1'000'003, words),
             std::vector<double>(static_cast<std::size_t>(options_.warmup), 0.0), results);
  }
  const auto bodies = make_bodies(options_.num_prompts, options_.seed, words);
  const auto arrivals =
      poisson_arrivals(options_.num_prompts, options_.request_rate, options_.seed);
  log_("sending " + std::to_string(options_.num_prompts) + " requests");
  run_load(bodies, arrivals, results);

  BenchRun run;
  run.report = build_report(results, seconds(last_end_ - start_), max_in_flight_, models_);
  run.config =
      Json{{"base_url", options_.base_url},
           {"model", listed},
           {"endpoint", options_.endpoint},
           {"num_prompts", options_.num_prompts},
           {"concurrency", options_.concurrency},
           {"request_rate",
            std::isfinite(options_.request_rate) ? Json(options_.request_rate) : Json("inf")},
           {"input_len", options_.input_len},
           {"output_len", options_.output_len},
           {"ignore_eos", options_.ignore_eos},
           {"seed", options_.seed},
           {"warmup", options_.warmup},
           {"words_per_prompt", words},
           {"tokens_per_word", ratio}};
  if (models_.size() > 1) run.config["models"] = models_;
  return run;
}

}  // namespace

BenchRun run_bench(BenchOptions options, const std::function<void(const std::string&)>& log) {
  Bench bench(std::move(options), log);
  return bench.run();
}

}  // namespace slipway::app::loadgen
