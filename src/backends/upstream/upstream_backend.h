#pragma once
// An upstream OpenAI-compatible server (vLLM, TGI, llama.cpp, Ollama, HF Inference Endpoints,
// another Slipway) as a Backend: requests go out verbatim (only "model" is rewritten to the
// upstream's name), over HTTP or HTTPS with bearer auth and pooled keep-alive connections;
// streams pass through event by event as they arrive. Failures become 502 (bad answer, refused
// connection) or 504 (timeouts); nothing is retried once a byte was streamed to the client.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "backends/backend.h"

namespace slipway::backends {

struct UpstreamOptions {
  std::string name;            // the model name clients send here
  std::string base_url;        // e.g. "http://10.0.0.5:8000/v1" or "https://host/v1"
  std::string api_key;         // sent as "Authorization: Bearer …" when not empty
  std::string upstream_model;  // the "model" sent upstream; empty: same as name
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds read_timeout{120'000};  // longest silence while reading an answer
  int max_idle_connections = 16;                    // kept-alive connections in the pool
  bool verify_tls = true;
  std::string ca_file;  // extra CA bundle (PEM); empty: the system's
};

class UpstreamBackend : public Backend {
 public:
  UpstreamBackend(boost::asio::io_context& io, UpstreamOptions options);
  ~UpstreamBackend() override;

  const std::string& name() const override;
  Json model_card() const override;
  std::shared_ptr<RequestControl> start(ApiRequest request,
                                        std::shared_ptr<ResponseSink> sink) override;
  void check_health(std::chrono::milliseconds timeout,
                    std::function<void(HealthStatus)> done) override;
  BackendStats stats() const override;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace slipway::backends
