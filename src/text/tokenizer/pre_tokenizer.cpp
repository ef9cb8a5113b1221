#include "text/tokenizer/pre_tokenizer.h"

#include <optional>
#include <utility>

#include "text/tokenizer/byte_level.h"
#include "text/tokenizer/regex.h"
#include "text/tokenizer/unicode.h"

namespace slipway::text {
namespace {

using json_util::Context;
using json_util::Json;
using Range = std::pair<size_t, size_t>;

enum class Behavior { kRemoved, kIsolated, kMergedWithPrevious, kMergedWithNext, kContiguous };

Behavior parse_behavior(const std::string& name, const Context& ctx) {
  if (name == "Removed") return Behavior::kRemoved;
  if (name == "Isolated") return Behavior::kIsolated;
  if (name == "MergedWithPrevious") return Behavior::kMergedWithPrevious;
  if (name == "MergedWithNext") return Behavior::kMergedWithNext;
  if (name == "Contiguous") return Behavior::kContiguous;
  ctx.fail("unknown split behavior " + json_util::quote(name));
}

// Covers text with (range, is_match) runs, as HF's Pattern::find_matches does.
std::vector<std::pair<Range, bool>> label(size_t size, const std::vector<Range>& matches) {
  std::vector<std::pair<Range, bool>> out;
  size_t prev = 0;
  for (auto [s, e] : matches) {
    if (prev != s) out.push_back({{prev, s}, false});
    out.push_back({{s, e}, true});
    prev = e;
  }
  if (prev != size) out.push_back({{prev, size}, false});
  return out;
}

// Applies a split behavior to labelled runs, returning the pieces to keep.
std::vector<Range> apply_behavior(std::vector<std::pair<Range, bool>> runs, Behavior behavior) {
  std::vector<Range> out;
  bool previous_match = false;
  switch (behavior) {
    case Behavior::kRemoved:
      for (auto& [r, m] : runs) {
        if (!m) out.push_back(r);
      }
      break;
    case Behavior::kIsolated:
      for (auto& [r, m] : runs) out.push_back(r);
      break;
    case Behavior::kMergedWithPrevious:
      for (auto& [r, m] : runs) {
        if (m && !previous_match && !out.empty()) {
          out.back().second = r.second;
        } else {
          out.push_back(r);
        }
        previous_match = m;
      }
      break;
    case Behavior::kMergedWithNext:
      for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
        if (it->second && !previous_match && !out.empty()) {
          out.back().first = it->first.first;
        } else {
          out.push_back(it->first);
        }
        previous_match = it->second;
      }
      std::reverse(out.begin(), out.end());
      break;
    case Behavior::kContiguous:
      for (auto& [r, m] : runs) {
        if (m == previous_match && !out.empty()) {
          out.back().second = r.second;
        } else {
          out.push_back(r);
        }
        previous_match = m;
      }
      break;
  }
  return out;
}

std::vector<Range> find_literal(std::string_view text, std::string_view literal) {
  std::vector<Range> out;
  if (literal.empty()) return out;
  for (size_t p = text.find(literal); p != std::string_view::npos;
       p = text.find(literal, p + literal.size())) {
    out.emplace_back(p, p + literal.size());
  }
  return out;
}

// Replaces each piece by its non-empty sub-pieces; only the first can still be at the origin.
template <typename SplitFn>
void split_pieces(std::vector<PreToken>& pieces, SplitFn&& split) {
  std::vector<PreToken> out;
  out.reserve(pieces.size() * 2);
  for (PreToken& piece : pieces) {
    std::vector<Range> ranges = split(piece.text);
    bool first = true;
    for (auto [s, e] : ranges) {
      if (e <= s) continue;
      out.push_back({piece.text.substr(s, e - s), piece.at_origin && first && s == 0});
      first = false;
    }
  }
  pieces = std::move(out);
}

class Split final : public PreTokenizer {
 public:
  Split(std::optional<Regex> regex, std::string literal, Behavior behavior, bool invert)
      : regex_(std::move(regex)),
        literal_(std::move(literal)),
        behavior_(behavior),
        invert_(invert) {}
  void pre_tokenize(std::vector<PreToken>& pieces) const override {
    split_pieces(pieces, [&](std::string_view text) {
      auto matches = regex_ ? regex_->find_all(text) : find_literal(text, literal_);
      auto runs = label(text.size(), matches);
      if (invert_) {
        for (auto& run : runs) run.second = !run.second;
      }
      return apply_behavior(std::move(runs), behavior_);
    });
  }

 private:
  std::optional<Regex> regex_;
  std::string literal_;
  Behavior behavior_;
  bool invert_;
};

class ByteLevel final : public PreTokenizer {
 public:
  ByteLevel(bool add_prefix_space, bool use_regex)
      : add_prefix_space_(add_prefix_space),
        regex_(use_regex ? std::optional<Regex>(Regex(kGpt2Pattern, "ByteLevel")) : std::nullopt) {}
  void pre_tokenize(std::vector<PreToken>& pieces) const override {
    if (add_prefix_space_) {
      for (PreToken& p : pieces) {
        if (p.text.empty() || p.text[0] != ' ') p.text = " " + p.text;
      }
    }
    if (regex_) {
      split_pieces(pieces, [&](std::string_view text) {
        return apply_behavior(label(text.size(), regex_->find_all(text)), Behavior::kIsolated);
      });
    }
    for (PreToken& p : pieces) p.text = byte_level::encode(p.text);
  }

 private:
  bool add_prefix_space_;
  std::optional<Regex> regex_;
};

enum class PrependScheme { kAlways, kFirst, kNever };

class Metaspace final : public PreTokenizer {
 public:
  Metaspace(std::string replacement, PrependScheme scheme, bool split)
      : replacement_(std::move(replacement)), scheme_(scheme), split_(split) {}
  void pre_tokenize(std::vector<PreToken>& pieces) const override {
    for (PreToken& p : pieces) {
      std::string replaced;
      for (char c : p.text) {
        if (c == ' ') {
          replaced += replacement_;
        } else {
          replaced += c;
        }
      }
      bool starts = replaced.compare(0, replacement_.size(), replacement_) == 0;
      if (!starts && (scheme_ == PrependScheme::kAlways ||
                      (scheme_ == PrependScheme::kFirst && p.at_origin))) {
        replaced = replacement_ + replaced;
      }
      p.text = std::move(replaced);
    }
    if (split_) {
      split_pieces(pieces, [&](std::string_view text) {
        return apply_behavior(label(text.size(), find_literal(text, replacement_)),
                              Behavior::kMergedWithNext);
      });
    }
  }

 private:
  std::string replacement_;
  PrependScheme scheme_;
  bool split_;
};

// Splits on whitespace, dropping it.
class WhitespaceSplit final : public PreTokenizer {
 public:
  void pre_tokenize(std::vector<PreToken>& pieces) const override {
    split_pieces(pieces, [](std::string_view text) {
      std::vector<Range> out;
      size_t start = std::string_view::npos;
      for (size_t i = 0; i < text.size();) {
        size_t at = i;
        bool space = unicode::is_whitespace(decode_utf8(text, i));
        if (space && start != std::string_view::npos) {
          out.emplace_back(start, at);
          start = std::string_view::npos;
        } else if (!space && start == std::string_view::npos) {
          start = at;
        }
      }
      if (start != std::string_view::npos) out.emplace_back(start, text.size());
      return out;
    });
  }
};

class Sequence final : public PreTokenizer {
 public:
  explicit Sequence(std::vector<std::unique_ptr<PreTokenizer>> parts) : parts_(std::move(parts)) {}
  void pre_tokenize(std::vector<PreToken>& pieces) const override {
    for (const auto& p : parts_) p->pre_tokenize(pieces);
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> parts_;
};

std::unique_ptr<PreTokenizer> make_split(const Json& config, const Context& ctx) {
  const Json& pattern = json_util::require(config, "pattern", ctx);
  Context pctx = ctx.at("pattern");
  json_util::require_object(pattern, pctx);
  Behavior behavior =
      parse_behavior(json_util::get_string(config, "behavior", ctx), ctx.at("behavior"));
  bool invert = json_util::get_bool_or(config, "invert", false, ctx);
  if (pattern.contains("Regex")) {
    Regex re(json_util::get_string(pattern, "Regex", pctx), pctx.source + ": " + pctx.path);
    return std::make_unique<Split>(std::move(re), "", behavior, invert);
  }
  if (pattern.contains("String")) {
    return std::make_unique<Split>(std::nullopt, json_util::get_string(pattern, "String", pctx),
                                   behavior, invert);
  }
  pctx.fail("expected a String or Regex pattern");
}

std::unique_ptr<PreTokenizer> make_metaspace(const Json& config, const Context& ctx) {
  std::string replacement = json_util::get_string_or(config, "replacement", "\xE2\x96\x81", ctx);
  if (replacement.empty() || unicode::sequence_length(replacement, 0) != replacement.size()) {
    ctx.at("replacement").fail("expected a single character");
  }
  PrependScheme scheme = PrependScheme::kAlways;
  if (config.contains("prepend_scheme")) {
    std::string s = json_util::get_string(config, "prepend_scheme", ctx);
    if (s == "always") {
      scheme = PrependScheme::kAlways;
    } else if (s == "first") {
      scheme = PrependScheme::kFirst;
    } else if (s == "never") {
      scheme = PrependScheme::kNever;
    } else {
      ctx.at("prepend_scheme").fail("unknown prepend scheme " + json_util::quote(s));
    }
  } else if (!json_util::get_bool_or(config, "add_prefix_space", true, ctx)) {
    scheme = PrependScheme::kNever;
  }
  return std::make_unique<Metaspace>(replacement, scheme,
                                     json_util::get_bool_or(config, "split", true, ctx));
}

}  // namespace

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const Json& config, const Context& ctx) {
  if (config.is_null()) return nullptr;
  std::string type = json_util::get_string(config, "type", ctx);
  if (type == "Split") return make_split(config, ctx);
  if (type == "ByteLevel") {
    return std::make_unique<ByteLevel>(
        json_util::get_bool_or(config, "add_prefix_space", true, ctx),
        json_util::get_bool_or(config, "use_regex", true, ctx));
  }
  if (type == "Metaspace") return make_metaspace(config, ctx);
  if (type == "WhitespaceSplit") return std::make_unique<WhitespaceSplit>();
  if (type == "Whitespace") {
    Regex re("\\w+|[^\\w\\s]+", ctx.source);
    return std::make_unique<Split>(std::move(re), "", Behavior::kRemoved, true);
  }
  if (type == "Sequence") {
    const Json& list = json_util::require(config, "pretokenizers", ctx);
    Context lctx = ctx.at("pretokenizers");
    json_util::require_array(list, lctx);
    std::vector<std::unique_ptr<PreTokenizer>> parts;
    for (size_t i = 0; i < list.size(); ++i) {
      if (auto p = make_pre_tokenizer(list[i], lctx.at(i))) parts.push_back(std::move(p));
    }
    return std::make_unique<Sequence>(std::move(parts));
  }
  ctx.at("type").fail("unsupported pre-tokenizer type " + json_util::quote(type));
}

}  // namespace slipway::text
