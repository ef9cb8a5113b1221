#include "app/loadgen/report.h"

#include <algorithm>
#include <cstdio>

#include "app/loadgen/model_list.h"

namespace slipway::app::loadgen {
namespace {

std::vector<double> in_ms(const std::vector<double>& seconds) {
  std::vector<double> out;
  out.reserve(seconds.size());
  for (double s : seconds) out.push_back(s * 1000.0);
  return out;
}

nlohmann::ordered_json summary_json(const Summary& s) {
  return nlohmann::ordered_json{{"mean", s.mean}, {"p50", s.p50}, {"p95", s.p95}, {"p99", s.p99}};
}

void line(std::string& out, const char* label, const std::string& value) {
  char buffer[160];
  std::snprintf(buffer, sizeof buffer, "%-40s %12s\n", label, value.c_str());
  out += buffer;
}

std::string number(double value, int decimals = 2) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

void header(std::string& out, const std::string& title) {
  std::string text = "--- " + title + " ";
  text.resize(std::max<std::size_t>(text.size(), 54), '-');
  out += text + "\n";
}

void section(std::string& out, const std::string& title, const std::string& name,
             const Summary& s) {
  header(out, title);
  line(out, ("Mean " + name + " (ms):").c_str(), number(s.mean));
  line(out, ("P50 " + name + " (ms):").c_str(), number(s.p50));
  line(out, ("P95 " + name + " (ms):").c_str(), number(s.p95));
  line(out, ("P99 " + name + " (ms):").c_str(), number(s.p99));
}

std::vector<ModelFigures> per_model_figures(const std::vector<RequestResult>& results,
                                            const std::vector<std::string>& models,
                                            double duration_s) {
  const auto names = distinct_models(models);
  std::vector<ModelFigures> out(names.size());
  for (std::size_t m = 0; m < names.size(); ++m) out[m].model = names[m];
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& model = model_for_request(models, i);
    auto& figures = *std::find_if(out.begin(), out.end(),
                                  [&](const ModelFigures& f) { return f.model == model; });
    if (!results[i].ok) {
      ++figures.failed;
      continue;
    }
    ++figures.completed;
    figures.total_output_tokens += results[i].output_tokens;
  }
  if (duration_s > 0) {
    for (auto& figures : out) {
      figures.output_throughput = static_cast<double>(figures.total_output_tokens) / duration_s;
    }
  }
  return out;
}

}  // namespace

BenchReport build_report(const std::vector<RequestResult>& results, double duration_s,
                         int max_concurrency, const std::vector<std::string>& models) {
  BenchReport report;
  report.duration_s = duration_s;
  report.max_concurrency = max_concurrency;
  std::vector<double> ttft;
  std::vector<double> tpot;
  std::vector<double> itl;
  std::vector<double> e2e;
  for (const auto& r : results) {
    if (!r.ok) {
      ++report.failed;
      if (report.errors.size() < kMaxReportedErrors) report.errors.push_back(r.error);
      continue;
    }
    ++report.completed;
    report.total_input_tokens += r.prompt_tokens;
    report.total_output_tokens += r.output_tokens;
    ttft.push_back(r.ttft);
    e2e.push_back(r.e2e);
    if (r.output_tokens > 1) {
      tpot.push_back((r.e2e - r.ttft) / static_cast<double>(r.output_tokens - 1));
    }
    itl.insert(itl.end(), r.itl.begin(), r.itl.end());
  }
  if (duration_s > 0) {
    report.request_throughput = static_cast<double>(report.completed) / duration_s;
    report.output_throughput = static_cast<double>(report.total_output_tokens) / duration_s;
    report.total_token_throughput =
        static_cast<double>(report.total_input_tokens + report.total_output_tokens) / duration_s;
  }
  report.ttft_ms = summarize(in_ms(ttft));
  report.tpot_ms = summarize(in_ms(tpot));
  report.itl_ms = summarize(in_ms(itl));
  report.e2e_ms = summarize(in_ms(e2e));
  if (distinct_models(models).size() > 1) {
    report.per_model = per_model_figures(results, models, duration_s);
  }
  return report;
}

nlohmann::ordered_json report_json(const BenchReport& report,
                                   const nlohmann::ordered_json& config) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  if (!config.is_null()) out["config"] = config;
  out["completed"] = report.completed;
  out["failed"] = report.failed;
  out["errors"] = report.errors;
  out["duration_s"] = report.duration_s;
  out["total_input_tokens"] = report.total_input_tokens;
  out["total_output_tokens"] = report.total_output_tokens;
  out["request_throughput"] = report.request_throughput;
  out["output_throughput"] = report.output_throughput;
  out["total_token_throughput"] = report.total_token_throughput;
  out["max_concurrency"] = report.max_concurrency;
  out["ttft_ms"] = summary_json(report.ttft_ms);
  out["tpot_ms"] = summary_json(report.tpot_ms);
  out["itl_ms"] = summary_json(report.itl_ms);
  out["e2e_latency_ms"] = summary_json(report.e2e_ms);
  if (!report.per_model.empty()) {
    auto& per_model = out["per_model"] = nlohmann::ordered_json::array();
    for (const auto& f : report.per_model) {
      per_model.push_back(nlohmann::ordered_json{{"model", f.model},
                                                 {"completed", f.completed},
                                                 {"failed", f.failed},
                                                 {"total_output_tokens", f.total_output_tokens},
                                                 {"output_throughput", f.output_throughput}});
    }
  }
  return out;
}

std::string report_table(const BenchReport& report) {
  std::string out;
  out += "============== Serving Benchmark Result ==============\n";
  line(out, "Successful requests:", std::to_string(report.completed));
  line(out, "Failed requests:", std::to_string(report.failed));
  line(out, "Maximum concurrency reached:", std::to_string(report.max_concurrency));
  line(out, "Benchmark duration (s):", number(report.duration_s));
  line(out, "Total input tokens:", std::to_string(report.total_input_tokens));
  line(out, "Total generated tokens:", std::to_string(report.total_output_tokens));
  line(out, "Request throughput (req/s):", number(report.request_throughput));
  line(out, "Output token throughput (tok/s):", number(report.output_throughput));
  line(out, "Total token throughput (tok/s):", number(report.total_token_throughput));
  if (!report.per_model.empty()) {
    header(out, "Per Model");
    for (const auto& f : report.per_model) {
      const std::string failed =
          f.failed > 0 ? " (" + std::to_string(f.failed) + " failed)" : std::string();
      line(out, ("Successful requests to " + f.model + ":").c_str(),
           std::to_string(f.completed) + failed);
      line(out, ("Output tok/s of " + f.model + ":").c_str(), number(f.output_throughput));
    }
  }
  section(out, "Time to First Token", "TTFT", report.ttft_ms);
  section(out, "Time per Output Token (excl. 1st token)", "TPOT", report.tpot_ms);
  section(out, "Inter-token Latency", "ITL", report.itl_ms);
  section(out, "End-to-end Latency", "E2EL", report.e2e_ms);
  out += "======================================================\n";
  if (!report.errors.empty()) {
    out += "First errors:\n";
    for (const auto& e : report.errors) out += "  " + e + "\n";
  }
  return out;
}

}  // namespace slipway::app::loadgen
