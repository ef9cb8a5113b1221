#include "text/tokenizer.h"

#include <fstream>
#include <sstream>
#include <unordered_map>

#include "text/tokenizer/added_tokens.h"
#include "text/tokenizer/bpe_model.h"
#include "text/tokenizer/decoder.h"
#include "text/tokenizer/normalizer.h"
#include "text/tokenizer/post_processor.h"
#include "text/tokenizer/pre_tokenizer.h"
#include "text/tokenizer/unicode.h"

namespace slipway::text {
namespace {

using json_util::Context;
using json_util::Json;

// The tokenizer.json pipeline: added tokens, normalizer, pre-tokenizer, BPE, post-processor;
// and for decoding, the decoder chain.
class HfTokenizer final : public Tokenizer {
 public:
  HfTokenizer(const Json& doc, const Context& ctx);

  std::vector<int32_t> encode(std::string_view text, bool add_special_tokens) const override;
  std::string decode(const std::vector<int32_t>& ids, bool skip_special_tokens) const override;
  int32_t vocab_size() const override { return vocab_size_; }
  std::optional<int32_t> token_to_id(std::string_view token) const override;
  std::optional<std::string> id_to_token(int32_t id) const override;
  bool is_special(int32_t id) const override;

 private:
  void encode_plain(std::string text, bool at_origin, std::vector<int32_t>& out) const;

  std::unique_ptr<Normalizer> normalizer_;
  std::unique_ptr<PreTokenizer> pre_tokenizer_;
  std::unique_ptr<BpeModel> model_;
  std::unique_ptr<PostProcessor> post_processor_;
  std::unique_ptr<Decoder> decoder_;
  std::vector<AddedToken> added_;
  std::unordered_map<int32_t, size_t> added_by_id_;
  StringIdMap added_by_content_;
  AddedTokenMatcher raw_matcher_;         // tokens with normalized=false, on the raw text
  AddedTokenMatcher normalized_matcher_;  // tokens with normalized=true, on normalized text
  int32_t vocab_size_ = 0;
};

HfTokenizer::HfTokenizer(const Json& doc, const Context& ctx) {
  json_util::require_object(doc, ctx);
  const Json& model = json_util::require(doc, "model", ctx);
  Context mctx = ctx.at("model");
  std::string type = json_util::get_string_or(model, "type", "BPE", mctx);
  if (type != "BPE") mctx.at("type").fail("unsupported model type " + json_util::quote(type));
  model_ = BpeModel::from_json(model, mctx);

  auto member = [&](const char* key) -> const Json& {
    static const Json null_json;
    auto it = doc.find(key);
    return it == doc.end() ? null_json : *it;
  };
  normalizer_ = make_normalizer(member("normalizer"), ctx.at("normalizer"));
  pre_tokenizer_ = make_pre_tokenizer(member("pre_tokenizer"), ctx.at("pre_tokenizer"));
  post_processor_ = make_post_processor(member("post_processor"), ctx.at("post_processor"));
  decoder_ = make_decoder(member("decoder"), ctx.at("decoder"));
  added_ = parse_added_tokens(member("added_tokens"), ctx.at("added_tokens"));

  vocab_size_ = model_->max_id() + 1;
  std::vector<AddedToken> raw, normalized;
  std::vector<std::string> raw_patterns, normalized_patterns;
  for (size_t i = 0; i < added_.size(); ++i) {
    const AddedToken& t = added_[i];
    added_by_id_.emplace(t.id, i);
    added_by_content_.emplace(t.content, t.id);
    vocab_size_ = std::max(vocab_size_, t.id + 1);
    if (t.normalized) {
      std::string pattern = t.content;
      if (normalizer_) normalizer_->normalize(pattern);
      normalized.push_back(t);
      normalized_patterns.push_back(std::move(pattern));
    } else {
      raw.push_back(t);
      raw_patterns.push_back(t.content);
    }
  }
  raw_matcher_ = AddedTokenMatcher(std::move(raw), std::move(raw_patterns));
  normalized_matcher_ = AddedTokenMatcher(std::move(normalized), std::move(normalized_patterns));
}

void HfTokenizer::encode_plain(std::string text, bool at_origin, std::vector<int32_t>& out) const {
  std::vector<PreToken> pieces;
  pieces.push_back({std::move(text), at_origin});
  if (pre_tokenizer_) pre_tokenizer_->pre_tokenize(pieces);
  for (const PreToken& p : pieces) model_->tokenize(p.text, out);
}

std::vector<int32_t> HfTokenizer::encode(std::string_view input, bool add_special_tokens) const {
  // Invalid UTF-8 cannot come from a Python str; treat it as decode would show it.
  std::string text = unicode::is_valid(input) ? std::string(input) : unicode::lossy(input);
  std::vector<int32_t> ids;
  for (const AddedSplit& s : raw_matcher_.split(text)) {
    if (s.id >= 0) {
      ids.push_back(s.id);
      continue;
    }
    std::string piece = text.substr(s.start, s.end - s.start);
    if (normalizer_) normalizer_->normalize(piece);
    bool at_origin = s.start == 0;
    for (const AddedSplit& n : normalized_matcher_.split(piece)) {
      if (n.id >= 0) {
        ids.push_back(n.id);
      } else {
        encode_plain(piece.substr(n.start, n.end - n.start), at_origin && n.start == 0, ids);
      }
    }
  }
  if (add_special_tokens && post_processor_) post_processor_->process(ids);
  return ids;
}

std::string HfTokenizer::decode(const std::vector<int32_t>& ids, bool skip_special_tokens) const {
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (int32_t id : ids) {
    if (auto it = added_by_id_.find(id); it != added_by_id_.end()) {
      const AddedToken& t = added_[it->second];
      if (!(skip_special_tokens && t.special)) tokens.push_back(t.content);
      continue;
    }
    const std::string* token = model_->id_to_token(id);
    if (token == nullptr) continue;  // unknown ids are dropped, as HF does
    if (skip_special_tokens) {
      auto a = added_by_content_.find(*token);
      if (a != added_by_content_.end() && added_[added_by_id_.at(a->second)].special) continue;
    }
    tokens.push_back(*token);
  }
  if (!decoder_) {
    std::string joined;
    for (size_t i = 0; i < tokens.size(); ++i) joined += (i ? " " : "") + tokens[i];
    return joined;
  }
  decoder_->decode_chain(tokens);
  std::string out;
  for (const std::string& t : tokens) out += t;
  return out;
}

std::optional<int32_t> HfTokenizer::token_to_id(std::string_view token) const {
  if (auto it = added_by_content_.find(token); it != added_by_content_.end()) return it->second;
  return model_->token_to_id(token);
}

std::optional<std::string> HfTokenizer::id_to_token(int32_t id) const {
  if (auto it = added_by_id_.find(id); it != added_by_id_.end()) return added_[it->second].content;
  if (const std::string* t = model_->id_to_token(id)) return *t;
  return std::nullopt;
}

bool HfTokenizer::is_special(int32_t id) const {
  auto it = added_by_id_.find(id);
  return it != added_by_id_.end() && added_[it->second].special;
}

}  // namespace

std::shared_ptr<const Tokenizer> Tokenizer::from_json(std::string_view json_text,
                                                      const std::string& source_name) {
  Context ctx{source_name, ""};
  Json doc = Json::parse(json_text.begin(), json_text.end(), nullptr, false);
  if (doc.is_discarded()) ctx.fail("invalid JSON");
  try {
    return std::make_shared<HfTokenizer>(doc, ctx);
  } catch (const Json::exception& e) {
    ctx.fail(std::string("malformed tokenizer: ") + e.what());
  }
}

std::shared_ptr<const Tokenizer> Tokenizer::from_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TokenizerError(path.string() + ": cannot open file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return from_json(buffer.str(), path.string());
}

}  // namespace slipway::text
