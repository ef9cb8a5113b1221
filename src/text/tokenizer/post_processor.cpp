#include "text/tokenizer/post_processor.h"

namespace slipway::text {
namespace {

using json_util::Context;
using json_util::Json;

// Wraps the sequence in fixed ids: prefix + ids + suffix.
class Wrap final : public PostProcessor {
 public:
  Wrap(std::vector<int32_t> prefix, std::vector<int32_t> suffix)
      : prefix_(std::move(prefix)), suffix_(std::move(suffix)) {}
  void process(std::vector<int32_t>& ids) const override {
    ids.insert(ids.begin(), prefix_.begin(), prefix_.end());
    ids.insert(ids.end(), suffix_.begin(), suffix_.end());
  }

 private:
  std::vector<int32_t> prefix_, suffix_;
};

class Noop final : public PostProcessor {
 public:
  void process(std::vector<int32_t>&) const override {}
};

class Sequence final : public PostProcessor {
 public:
  explicit Sequence(std::vector<std::unique_ptr<PostProcessor>> parts) : parts_(std::move(parts)) {}
  void process(std::vector<int32_t>& ids) const override {
    for (const auto& p : parts_) p->process(ids);
  }

 private:
  std::vector<std::unique_ptr<PostProcessor>> parts_;
};

std::unique_ptr<PostProcessor> make_template(const Json& config, const Context& ctx) {
  const Json& single = json_util::require(config, "single", ctx);
  Context sctx = ctx.at("single");
  json_util::require_array(single, sctx);
  const Json& specials = json_util::require(config, "special_tokens", ctx);
  json_util::require_object(specials, ctx.at("special_tokens"));
  std::vector<int32_t> prefix, suffix;
  bool seen_sequence = false;
  for (size_t i = 0; i < single.size(); ++i) {
    Context ictx = sctx.at(i);
    const Json& piece = single[i];
    json_util::require_object(piece, ictx);
    if (piece.contains("Sequence")) {
      std::string which = json_util::get_string(piece["Sequence"], "id", ictx.at("Sequence"));
      if (which != "A") ictx.fail("a single template can only hold sequence A");
      if (seen_sequence) ictx.fail("sequence A appears twice");
      seen_sequence = true;
      continue;
    }
    if (!piece.contains("SpecialToken")) ictx.fail("expected Sequence or SpecialToken");
    std::string name = json_util::get_string(piece["SpecialToken"], "id", ictx.at("SpecialToken"));
    auto it = specials.find(name);
    if (it == specials.end())
      ictx.fail("special token " + json_util::quote(name) + " is not defined");
    Context tctx = ctx.at("special_tokens").at(name);
    const Json& ids = json_util::require(*it, "ids", tctx);
    json_util::require_array(ids, tctx.at("ids"));
    for (const Json& id : ids) {
      if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() > (1 << 30)) {
        tctx.at("ids").fail("expected non-negative integer ids");
      }
      (seen_sequence ? suffix : prefix).push_back(id.get<int32_t>());
    }
  }
  if (!seen_sequence) sctx.fail("template has no sequence A");
  return std::make_unique<Wrap>(std::move(prefix), std::move(suffix));
}

// Roberta / Bert: "cls": ["<s>", 0], "sep": ["</s>", 2].
int32_t pair_id(const Json& config, const char* key, const Context& ctx) {
  const Json& v = json_util::require(config, key, ctx);
  if (!v.is_array() || v.size() != 2 || !v[1].is_number_integer() || v[1].get<int64_t>() < 0 ||
      v[1].get<int64_t>() > (1 << 30)) {
    ctx.at(key).fail("expected [token, id]");
  }
  return v[1].get<int32_t>();
}

}  // namespace

std::unique_ptr<PostProcessor> make_post_processor(const Json& config, const Context& ctx) {
  if (config.is_null()) return nullptr;
  std::string type = json_util::get_string(config, "type", ctx);
  if (type == "TemplateProcessing") return make_template(config, ctx);
  if (type == "ByteLevel") return std::make_unique<Noop>();
  if (type == "RobertaProcessing" || type == "BertProcessing") {
    return std::make_unique<Wrap>(std::vector<int32_t>{pair_id(config, "cls", ctx)},
                                  std::vector<int32_t>{pair_id(config, "sep", ctx)});
  }
  if (type == "Sequence") {
    const Json& list = json_util::require(config, "processors", ctx);
    Context lctx = ctx.at("processors");
    json_util::require_array(list, lctx);
    std::vector<std::unique_ptr<PostProcessor>> parts;
    for (size_t i = 0; i < list.size(); ++i) {
      if (auto p = make_post_processor(list[i], lctx.at(i))) parts.push_back(std::move(p));
    }
    return std::make_unique<Sequence>(std::move(parts));
  }
  ctx.at("type").fail("unsupported post-processor type " + json_util::quote(type));
}

}  // namespace slipway::text
