// slipway bench: a load generator for any OpenAI-compatible server (Slipway, vLLM, llama.cpp),
// reporting TTFT, TPOT, ITL and end-to-end latency percentiles and throughput, like vLLM's
// serving benchmark.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>

#include "app/commands.h"
#include "app/loadgen/runner.h"

namespace slipway::app {
namespace {

struct BenchFlags {
  loadgen::BenchOptions options;
  std::string request_rate = "inf";
  bool no_ignore_eos = false;
  std::string json_file;
};

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

double parse_rate(const std::string& text) {
  if (text == "inf" || text == "infinity") return std::numeric_limits<double>::infinity();
  std::size_t used = 0;
  double rate = 0;
  try {
    rate = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !(rate > 0)) {
    throw std::invalid_argument("--request-rate must be a positive number or inf");
  }
  return rate;
}

void run(BenchFlags& flags) {
  auto& options = flags.options;
  options.request_rate = parse_rate(flags.request_rate);
  if (flags.no_ignore_eos) options.ignore_eos = false;
  if (options.api_key.empty()) options.api_key = env_or_empty("SLIPWAY_API_KEY");
  if (options.api_key.empty()) options.api_key = env_or_empty("OPENAI_API_KEY");

  const auto result = loadgen::run_bench(
      options, [](const std::string& line) { std::fprintf(stderr, "bench: %s\n", line.c_str()); });
  std::fputs(loadgen::report_table(result.report).c_str(), stdout);
  std::fflush(stdout);
  if (!flags.json_file.empty()) {
    std::ofstream out(flags.json_file);
    out << loadgen::report_json(result.report, result.config).dump(2) << "\n";
    if (!out) throw std::runtime_error("cannot write " + flags.json_file);
  }
  if (result.report.completed == 0) throw std::runtime_error("no request completed");
}

}  // namespace

void register_bench_command(CLI::App& root) {
  auto flags = std::make_shared<BenchFlags>();
  auto& o = flags->options;
  auto* cmd = root.add_subcommand(
      "bench", "Load-test an OpenAI-compatible server: TTFT, TPOT, ITL, latency, throughput");
  cmd->add_option("--base-url", o.base_url, "Server URL up to /v1")->capture_default_str();
  cmd->add_option("--model", o.model,
                  "Model to ask for, or a comma-separated list sent round-robin with per-model "
                  "figures (default: the first of GET /models)");
  cmd->add_option("--api-key", o.api_key,
                  "Bearer key (default: $SLIPWAY_API_KEY, then $OPENAI_API_KEY)");
  cmd->add_option("--endpoint", o.endpoint, "completions or chat")
      ->check(CLI::IsMember({"completions", "chat"}))
      ->capture_default_str();
  cmd->add_option("--num-prompts", o.num_prompts, "Requests to send")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--concurrency", o.concurrency, "Most requests in flight at once")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--request-rate", flags->request_rate,
                  "Poisson arrivals in requests/s, or inf to send all at once")
      ->capture_default_str();
  cmd->add_option("--input-len", o.input_len, "Prompt length in tokens (about)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--output-len", o.output_len, "max_tokens of each request")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_flag("--ignore-eos", o.ignore_eos, "Send ignore_eos so outputs have the full length")
      ->capture_default_str();
  cmd->add_flag("--no-ignore-eos", flags->no_ignore_eos, "Do not send ignore_eos");
  cmd->add_option("--seed", o.seed, "Seed of prompts and arrival times")->capture_default_str();
  cmd->add_option("--warmup", o.warmup, "Requests sent first and not counted")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--json", flags->json_file, "Write the results as JSON to this file");
  cmd->add_option("--timeout", o.timeout_seconds, "Seconds per request")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->callback([flags] { run(*flags); });
}

}  // namespace slipway::app
