#include "text/tokenizer/normalizer.h"

#include <optional>
#include <vector>

#include "text/tokenizer/regex.h"
#include "text/tokenizer/unicode.h"

namespace slipway::text {
namespace {

using json_util::Context;
using json_util::Json;

class Nfc final : public Normalizer {
 public:
  void normalize(std::string& text) const override { text = unicode::nfc(text); }
};

class Nfd final : public Normalizer {
 public:
  void normalize(std::string& text) const override { text = unicode::nfd(text); }
};

class Prepend final : public Normalizer {
 public:
  explicit Prepend(std::string prefix) : prefix_(std::move(prefix)) {}
  void normalize(std::string& text) const override {
    if (!text.empty()) text = prefix_ + text;
  }

 private:
  std::string prefix_;
};

// Replaces every occurrence of a literal string or of a regex.
class Replace final : public Normalizer {
 public:
  Replace(std::string literal, std::optional<Regex> regex, std::string content)
      : literal_(std::move(literal)), regex_(std::move(regex)), content_(std::move(content)) {}
  void normalize(std::string& text) const override {
    std::string out;
    size_t last = 0;
    auto emit = [&](size_t start, size_t end) {
      out.append(text, last, start - last);
      out += content_;
      last = end;
    };
    if (regex_) {
      for (auto [s, e] : regex_->find_all(text)) emit(s, e);
    } else {
      if (literal_.empty()) return;
      for (size_t p = text.find(literal_); p != std::string::npos; p = text.find(literal_, last)) {
        emit(p, p + literal_.size());
      }
    }
    out.append(text, last, std::string::npos);
    text = std::move(out);
  }

 private:
  std::string literal_;
  std::optional<Regex> regex_;
  std::string content_;
};

class Strip final : public Normalizer {
 public:
  Strip(bool left, bool right) : left_(left), right_(right) {}
  void normalize(std::string& text) const override {
    size_t begin = 0, end = text.size();
    if (left_) {
      while (begin < end) {
        size_t i = begin;
        if (!unicode::is_whitespace(decode_utf8(text, i))) break;
        begin = i;
      }
    }
    if (right_) {
      while (end > begin) {
        size_t start = end - 1;
        while (start > begin && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
        size_t i = start;
        if (!unicode::is_whitespace(decode_utf8(text, i))) break;
        end = start;
      }
    }
    text = text.substr(begin, end - begin);
  }

 private:
  bool left_, right_;
};

class Lowercase final : public Normalizer {
 public:
  void normalize(std::string& text) const override {
    for (char& c : text) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
  }
};

class Sequence final : public Normalizer {
 public:
  explicit Sequence(std::vector<std::unique_ptr<Normalizer>> parts) : parts_(std::move(parts)) {}
  void normalize(std::string& text) const override {
    for (const auto& p : parts_) p->normalize(text);
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> parts_;
};

}  // namespace

std::unique_ptr<Normalizer> make_normalizer(const Json& config, const Context& ctx) {
  if (config.is_null()) return nullptr;
  std::string type = json_util::get_string(config, "type", ctx);
  if (type == "NFC") return std::make_unique<Nfc>();
  if (type == "NFD") return std::make_unique<Nfd>();
  if (type == "Prepend")
    return std::make_unique<Prepend>(json_util::get_string(config, "prepend", ctx));
  if (type == "Lowercase") return std::make_unique<Lowercase>();
  if (type == "Strip") {
    return std::make_unique<Strip>(json_util::get_bool_or(config, "strip_left", true, ctx),
                                   json_util::get_bool_or(config, "strip_right", true, ctx));
  }
  if (type == "Replace") {
    const Json& pattern = json_util::require(config, "pattern", ctx);
    Context pctx = ctx.at("pattern");
    std::string content = json_util::get_string(config, "content", ctx);
    json_util::require_object(pattern, pctx);
    if (pattern.contains("String")) {
      return std::make_unique<Replace>(json_util::get_string(pattern, "String", pctx), std::nullopt,
                                       content);
    }
    if (pattern.contains("Regex")) {
      Regex re(json_util::get_string(pattern, "Regex", pctx), pctx.source + ": " + pctx.path);
      return std::make_unique<Replace>("", std::move(re), content);
    }
    pctx.fail("expected a String or Regex pattern");
  }
  if (type == "Sequence") {
    const Json& list = json_util::require(config, "normalizers", ctx);
    Context lctx = ctx.at("normalizers");
    json_util::require_array(list, lctx);
    std::vector<std::unique_ptr<Normalizer>> parts;
    for (size_t i = 0; i < list.size(); ++i) {
      if (auto n = make_normalizer(list[i], lctx.at(i))) parts.push_back(std::move(n));
    }
    return std::make_unique<Sequence>(std::move(parts));
  }
  ctx.at("type").fail("unsupported normalizer type " + json_util::quote(type));
}

}  // namespace slipway::text
