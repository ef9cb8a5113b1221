#include "text/tokenizer/decoder.h"

#include "text/tokenizer/byte_level.h"
#include "text/tokenizer/unicode.h"

namespace slipway::text {
namespace {

using json_util::Context;
using json_util::Json;

// Maps byte characters back to bytes; a token with other characters keeps its own bytes.
class ByteLevel final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string bytes;
    for (const std::string& t : tokens) {
      if (auto raw = byte_level::decode(t)) {
        bytes += *raw;
      } else {
        bytes += t;
      }
    }
    tokens.assign(1, unicode::lossy(bytes));
  }
};

class Replace final : public Decoder {
 public:
  Replace(std::string pattern, std::string content)
      : pattern_(std::move(pattern)), content_(std::move(content)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    if (pattern_.empty()) return;
    for (std::string& t : tokens) {
      std::string out;
      size_t last = 0;
      for (size_t p = t.find(pattern_); p != std::string::npos; p = t.find(pattern_, last)) {
        out.append(t, last, p - last);
        out += content_;
        last = p + pattern_.size();
      }
      out.append(t, last, std::string::npos);
      t = std::move(out);
    }
  }

 private:
  std::string pattern_, content_;
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Gathers runs of <0xAB> tokens into text; an invalid run gives one U+FFFD per byte.
class ByteFallback final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::vector<std::string> out;
    std::string pending;
    size_t pending_count = 0;
    auto flush = [&] {
      if (pending_count == 0) return;
      if (unicode::is_valid(pending)) {
        out.push_back(pending);
      } else {
        for (size_t i = 0; i < pending_count; ++i) out.emplace_back(unicode::kReplacementChar);
      }
      pending.clear();
      pending_count = 0;
    };
    for (std::string& t : tokens) {
      if (t.size() == 6 && t.compare(0, 3, "<0x") == 0 && t[5] == '>' && hex_value(t[3]) >= 0 &&
          hex_value(t[4]) >= 0) {
        pending.push_back(static_cast<char>(hex_value(t[3]) * 16 + hex_value(t[4])));
        ++pending_count;
        continue;
      }
      flush();
      out.push_back(std::move(t));
    }
    flush();
    tokens = std::move(out);
  }
};

class Fuse final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string all;
    for (const std::string& t : tokens) all += t;
    tokens.assign(1, std::move(all));
  }
};

// Removes up to `start` leading and `stop` trailing copies of a character from each token.
class Strip final : public Decoder {
 public:
  Strip(std::string content, size_t start, size_t stop)
      : content_(std::move(content)), start_(start), stop_(stop) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    size_t n = content_.size();
    for (std::string& t : tokens) {
      size_t begin = 0, end = t.size();
      for (size_t k = 0; k < start_ && end - begin >= n && t.compare(begin, n, content_) == 0;
           ++k) {
        begin += n;
      }
      for (size_t k = 0; k < stop_ && end - begin >= n && t.compare(end - n, n, content_) == 0;
           ++k) {
        end -= n;
      }
      t = t.substr(begin, end - begin);
    }
  }

 private:
  std::string content_;
  size_t start_, stop_;
};

// Replacement characters become spaces, except in the first token where they are dropped
// (unless the prepend scheme is "never").
class Metaspace final : public Decoder {
 public:
  Metaspace(std::string replacement, bool prepend)
      : replacement_(std::move(replacement)), prepend_(prepend) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (size_t i = 0; i < tokens.size(); ++i) {
      std::string& t = tokens[i];
      std::string out;
      size_t last = 0;
      for (size_t p = t.find(replacement_); p != std::string::npos;
           p = t.find(replacement_, last)) {
        out.append(t, last, p - last);
        if (i != 0 || !prepend_) out += ' ';
        last = p + replacement_.size();
      }
      out.append(t, last, std::string::npos);
      t = std::move(out);
    }
  }

 private:
  std::string replacement_;
  bool prepend_;
};

class Sequence final : public Decoder {
 public:
  explicit Sequence(std::vector<std::unique_ptr<Decoder>> parts) : parts_(std::move(parts)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (const auto& p : parts_) p->decode_chain(tokens);
  }

 private:
  std::vector<std::unique_ptr<Decoder>> parts_;
};

size_t get_count(const Json& config, const char* key, const Context& ctx) {
  const Json& v = json_util::require(config, key, ctx);
  if (!v.is_number_unsigned() || v.get<uint64_t>() > 1000)
    ctx.at(key).fail("expected a small count");
  return v.get<size_t>();
}

std::string get_pattern_string(const Json& config, const Context& ctx) {
  const Json& pattern = json_util::require(config, "pattern", ctx);
  json_util::require_object(pattern, ctx.at("pattern"));
  if (!pattern.contains("String"))
    ctx.at("pattern").fail("only String patterns are supported in decoders");
  return json_util::get_string(pattern, "String", ctx.at("pattern"));
}

}  // namespace

std::unique_ptr<Decoder> make_decoder(const Json& config, const Context& ctx) {
  if (config.is_null()) return nullptr;
  std::string type = json_util::get_string(config, "type", ctx);
  if (type == "ByteLevel") return std::make_unique<ByteLevel>();
  if (type == "ByteFallback") return std::make_unique<ByteFallback>();
  if (type == "Fuse") return std::make_unique<Fuse>();
  if (type == "Replace") {
    return std::make_unique<Replace>(get_pattern_string(config, ctx),
                                     json_util::get_string(config, "content", ctx));
  }
  if (type == "Strip") {
    return std::make_unique<Strip>(json_util::get_string(config, "content", ctx),
                                   get_count(config, "start", ctx), get_count(config, "stop", ctx));
  }
  if (type == "Metaspace") {
    std::string replacement = json_util::get_string_or(config, "replacement", "\xE2\x96\x81", ctx);
    if (replacement.empty()) ctx.at("replacement").fail("empty replacement");
    bool prepend = json_util::get_string_or(config, "prepend_scheme", "always", ctx) != "never";
    if (!config.contains("prepend_scheme"))
      prepend = json_util::get_bool_or(config, "add_prefix_space", true, ctx);
    return std::make_unique<Metaspace>(replacement, prepend);
  }
  if (type == "Sequence") {
    const Json& list = json_util::require(config, "decoders", ctx);
    Context lctx = ctx.at("decoders");
    json_util::require_array(list, lctx);
    std::vector<std::unique_ptr<Decoder>> parts;
    for (size_t i = 0; i < list.size(); ++i) {
      if (auto d = make_decoder(list[i], lctx.at(i))) parts.push_back(std::move(d));
    }
    return std::make_unique<Sequence>(std::move(parts));
  }
  ctx.at("type").fail("unsupported decoder type " + json_util::quote(type));
}

}  // namespace slipway::text
