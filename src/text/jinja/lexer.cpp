#include "text/jinja/lexer.h"

#include <array>
#include <utility>

#include "text/jinja/error.h"
#include "text/jinja/unicode.h"

namespace slipway::text::jinja {
namespace {

// Source text after a preprocessing pass, remembering where each byte came from.
struct Mapped {
  std::string text;
  std::vector<std::uint32_t> origin;
  void push(char c, std::uint32_t from) {
    text += c;
    origin.push_back(from);
  }
};

bool is_line_start(const std::string& s, std::size_t i) {
  if (i == 0) return true;
  char p = s[i - 1];
  if (p == '\n' || p == '\r') return true;
  // U+2028 / U+2029 are line terminators for JS's multiline ^.
  return i >= 3 && s.compare(i - 3, 2, "\xE2\x80") == 0 &&
         (s[i - 1] == '\xA8' || s[i - 1] == '\xA9');
}

// lstrip_blocks: /^[ \t]*({[#%-])/gm -> "$1"
Mapped lstrip_blocks(const Mapped& in) {
  Mapped out;
  const std::string& s = in.text;
  std::size_t i = 0;
  while (i < s.size()) {
    if (is_line_start(s, i)) {
      std::size_t j = i;
      while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) ++j;
      if (j > i && j + 1 < s.size() && s[j] == '{' &&
          (s[j + 1] == '#' || s[j + 1] == '%' || s[j + 1] == '-')) {
        i = j;  // drop the indentation
      }
    }
    out.push(s[i], in.origin[i]);
    ++i;
  }
  return out;
}

// trim_blocks: /([#%-]})\n/g -> "$1"
Mapped trim_blocks(const Mapped& in) {
  Mapped out;
  const std::string& s = in.text;
  for (std::size_t i = 0; i < s.size(); ++i) {
    out.push(s[i], in.origin[i]);
    if (s[i] == '}' && i > 0 && (s[i - 1] == '#' || s[i - 1] == '%' || s[i - 1] == '-') &&
        i + 1 < s.size() && s[i + 1] == '\n' && out.text.size() >= 2) {
      ++i;
    }
  }
  return out;
}

// Matches {%-? \s* (end)?generation \s* -?%} at i; returns its end and the two modifiers.
bool match_generation(const std::string& s, std::size_t i, std::size_t& end, bool& lstrip,
                      bool& rstrip) {
  if (s.compare(i, 2, "{%") != 0) return false;
  std::size_t j = i + 2;
  lstrip = j < s.size() && s[j] == '-';
  if (lstrip) ++j;
  while (std::size_t n = js_space_at(s, j)) j += n;
  if (s.compare(j, 3, "end") == 0 && s.compare(j + 3, 10, "generation") == 0) j += 3;
  if (s.compare(j, 10, "generation") != 0) return false;
  j += 10;
  while (std::size_t n = js_space_at(s, j)) j += n;
  rstrip = j < s.size() && s[j] == '-';
  if (rstrip) ++j;
  if (s.compare(j, 2, "%}") != 0) return false;
  end = j + 2;
  return true;
}

// /(\s*){%(-?)\s*(?:end)?generation\s*(-?)%}(\s*)/gs -> (lstrip ? "" : before) + (rstrip ? "" :
// after)
Mapped strip_generation_tags(const Mapped& in) {
  const std::string& s = in.text;
  if (s.find("generation") == std::string::npos) return in;
  Mapped out;
  std::size_t i = 0;
  std::size_t keep_from = 0;  // whitespace run start not yet emitted
  while (i < s.size()) {
    std::size_t end = 0;
    bool lstrip = false, rstrip = false;
    if (s[i] == '{' && match_generation(s, i, end, lstrip, rstrip)) {
      if (!lstrip) {
        for (std::size_t k = keep_from; k < i; ++k) out.push(s[k], in.origin[k]);
      }
      std::size_t after = end;
      while (std::size_t n = js_space_at(s, after)) after += n;
      if (!rstrip) {
        for (std::size_t k = end; k < after; ++k) out.push(s[k], in.origin[k]);
      }
      i = keep_from = after;
      continue;
    }
    if (std::size_t n = js_space_at(s, i)) {
      i += n;  // whitespace is emitted lazily: it may belong to a following tag
      continue;
    }
    for (std::size_t k = keep_from; k <= i; ++k) out.push(s[k], in.origin[k]);
    keep_from = ++i;
  }
  for (std::size_t k = keep_from; k < s.size(); ++k) out.push(s[k], in.origin[k]);
  return out;
}

Mapped preprocess(std::string_view source) {
  Mapped m;
  std::size_t n = source.size();
  if (n > 0 && source[n - 1] == '\n') --n;
  m.text.assign(source.substr(0, n));
  m.origin.resize(n);
  for (std::size_t i = 0; i < n; ++i) m.origin[i] = static_cast<std::uint32_t>(i);
  return strip_generation_tags(trim_blocks(lstrip_blocks(m)));
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_word(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

struct Symbol {
  std::string_view text;
  TokenType type;
};
constexpr std::array<Symbol, 29> kSymbols{{
    {"{%", TokenType::OpenStatement},
    {"%}", TokenType::CloseStatement},
    {"{{", TokenType::OpenExpression},
    {"}}", TokenType::CloseExpression},
    {"(", TokenType::OpenParen},
    {")", TokenType::CloseParen},
    {"{", TokenType::OpenCurlyBracket},
    {"}", TokenType::CloseCurlyBracket},
    {"[", TokenType::OpenSquareBracket},
    {"]", TokenType::CloseSquareBracket},
    {",", TokenType::Comma},
    {".", TokenType::Dot},
    {":", TokenType::Colon},
    {"|", TokenType::Pipe},
    {"<=", TokenType::ComparisonBinaryOperator},
    {">=", TokenType::ComparisonBinaryOperator},
    {"==", TokenType::ComparisonBinaryOperator},
    {"!=", TokenType::ComparisonBinaryOperator},
    {"<", TokenType::ComparisonBinaryOperator},
    {">", TokenType::ComparisonBinaryOperator},
    {"+", TokenType::AdditiveBinaryOperator},
    {"-", TokenType::AdditiveBinaryOperator},
    {"~", TokenType::AdditiveBinaryOperator},
    {"**", TokenType::ExponentiationBinaryOperator},
    {"*", TokenType::MultiplicativeBinaryOperator},
    {"//", TokenType::MultiplicativeBinaryOperator},
    {"/", TokenType::MultiplicativeBinaryOperator},
    {"%", TokenType::MultiplicativeBinaryOperator},
    {"=", TokenType::Equals},
}};

class Lexer {
 public:
  explicit Lexer(Mapped src) : m_(std::move(src)), s_(m_.text) {}

  std::vector<Token> run() {
    while (pos_ < s_.size()) step();
    return std::move(tokens_);
  }

 private:
  std::uint32_t origin(std::size_t i) const {
    if (m_.origin.empty()) return 0;
    return i < m_.origin.size() ? m_.origin[i] : m_.origin.back() + 1;
  }
  [[noreturn]] void fail(const std::string& message, std::size_t at) const {
    throw Error(message, origin(at));
  }
  void push(TokenType type, std::string value, std::size_t at) {
    tokens_.push_back(Token{type, std::move(value), origin(at)});
  }
  bool last_is(TokenType t) const { return !tokens_.empty() && tokens_.back().type == t; }
  bool starts(std::string_view lit) const { return s_.compare(pos_, lit.size(), lit) == 0; }
  char at(std::size_t i) const { return i < s_.size() ? s_[i] : '\0'; }

  // Mirrors the reference consumeWhile: reaching the end mid-token is an error.
  void check_not_at_end(std::size_t start) const {
    if (pos_ >= s_.size()) fail("unexpected end of template", start);
  }

  void strip_trailing_whitespace() {
    if (last_is(TokenType::Text)) {
      auto& v = tokens_.back().value;
      v.resize(js_trim_end(v).size());
      if (v.empty()) tokens_.pop_back();
    }
  }
  void skip_whitespace() {
    while (std::size_t n = js_space_at(s_, pos_)) pos_ += n;
  }

  void step() {
    bool after_close = tokens_.empty() || last_is(TokenType::CloseStatement) ||
                       last_is(TokenType::CloseExpression) || last_is(TokenType::Comment);
    if (after_close) {
      std::size_t start = pos_;
      while (pos_ < s_.size() && !(s_[pos_] == '{' && (at(pos_ + 1) == '%' || at(pos_ + 1) == '{' ||
                                                       at(pos_ + 1) == '#'))) {
        ++pos_;
      }
      if (pos_ > start) {
        push(TokenType::Text, s_.substr(start, pos_ - start), start);
        return;
      }
    }
    if (starts("{#")) return comment();
    if (starts("{%-")) {
      strip_trailing_whitespace();
      push(TokenType::OpenStatement, "{%", pos_);
      pos_ += 3;
      return;
    }
    if (starts("{{-")) {
      strip_trailing_whitespace();
      push(TokenType::OpenExpression, "{{", pos_);
      curly_depth_ = 0;
      pos_ += 3;
      return;
    }
    std::size_t ws_start = pos_;
    skip_whitespace();
    if (pos_ > ws_start) check_not_at_end(ws_start);
    if (starts("-%}") || starts("-}}")) {
      push(s_[pos_ + 1] == '%' ? TokenType::CloseStatement : TokenType::CloseExpression,
           s_[pos_ + 1] == '%' ? "%}" : "}}", pos_);
      pos_ += 3;
      skip_whitespace();
      return;
    }
    char c = s_[pos_];
    if ((c == '-' || c == '+') && sign(c)) return;
    for (const auto& sym : kSymbols) {
      if (sym.type == TokenType::CloseExpression && curly_depth_ > 0) continue;
      if (!starts(sym.text)) continue;
      push(sym.type, std::string(sym.text), pos_);
      if (sym.type == TokenType::OpenExpression) curly_depth_ = 0;
      if (sym.type == TokenType::OpenCurlyBracket) ++curly_depth_;
      if (sym.type == TokenType::CloseCurlyBracket) --curly_depth_;
      pos_ += sym.text.size();
      return;
    }
    if (c == '\'' || c == '"') return string_literal(c);
    if (is_digit(c)) {
      std::size_t start = pos_;
      std::string num = digits();
      if (!last_is(TokenType::Dot) && at(pos_) == '.' && is_digit(at(pos_ + 1))) {
        ++pos_;
        num += '.' + digits();
      }
      push(TokenType::NumericLiteral, num, start);
      return;
    }
    if (is_word(c)) {
      std::size_t start = pos_;
      while (pos_ < s_.size() && is_word(s_[pos_])) {
        ++pos_;
        check_not_at_end(start);
      }
      push(TokenType::Identifier, s_.substr(start, pos_ - start), start);
      return;
    }
    fail(std::string("unexpected character '") + c + "'", pos_);
  }

  std::string digits() {
    std::size_t start = pos_;
    while (pos_ < s_.size() && is_digit(s_[pos_])) {
      ++pos_;
      check_not_at_end(start);
    }
    return s_.substr(start, pos_ - start);
  }

  // A sign right after an operator or opening bracket is unary; it glues to a number.
  bool sign(char c) {
    if (tokens_.empty() || last_is(TokenType::Text))
      fail(std::string("unexpected '") + c + "'", pos_);
    switch (tokens_.back().type) {
      case TokenType::Identifier:
      case TokenType::NumericLiteral:
      case TokenType::StringLiteral:
      case TokenType::CloseParen:
      case TokenType::CloseSquareBracket:
        return false;
      default:
        break;
    }
    std::size_t start = pos_++;
    std::string num = digits();
    if (!num.empty() && at(pos_) == '.' && is_digit(at(pos_ + 1))) {
      ++pos_;
      num += '.' + digits();
    }
    push(num.empty() ? TokenType::UnaryOperator : TokenType::NumericLiteral, c + num, start);
    return true;
  }

  void comment() {
    std::size_t start = pos_;
    pos_ += 2;
    bool strip_before = at(pos_) == '-';
    if (strip_before) ++pos_;
    std::size_t body = pos_;
    while (!(at(pos_) == '#' && at(pos_ + 1) == '}')) {
      if (pos_ + 2 >= s_.size()) fail("unclosed comment", start);
      ++pos_;
    }
    std::string text = s_.substr(body, pos_ - body);
    bool strip_after = !text.empty() && text.back() == '-';
    if (strip_after) text.pop_back();
    if (strip_before) strip_trailing_whitespace();
    push(TokenType::Comment, std::move(text), start);
    pos_ += 2;
    if (strip_after) skip_whitespace();
  }

  void string_literal(char quote) {
    std::size_t start = pos_++;
    std::string value;
    while (at(pos_) != quote) {
      if (pos_ >= s_.size()) fail("unterminated string literal", start);
      if (s_[pos_] == '\\') {
        ++pos_;
        if (pos_ >= s_.size()) fail("unterminated string literal", start);
        char e = s_[pos_++];
        if (e == 'x' || e == 'u') {
          value_escape(value, e == 'x' ? 2 : 4, start);
          continue;
        }
        switch (e) {
          case 'n':
            value += '\n';
            break;
          case 't':
            value += '\t';
            break;
          case 'r':
            value += '\r';
            break;
          case 'b':
            value += '\b';
            break;
          case 'f':
            value += '\f';
            break;
          case 'v':
            value += '\v';
            break;
          case '\'':
          case '"':
          case '\\':
            value += e;
            break;
          default:
            fail(std::string("unknown escape '\\") + e + "' in string literal", pos_ - 2);
        }
        continue;
      }
      value += s_[pos_++];
      check_not_at_end(start);
    }
    ++pos_;
    push(TokenType::StringLiteral, std::move(value), start);
  }

  void value_escape(std::string& value, int length, std::size_t start) {
    auto hex = [&](std::size_t from, int n, unsigned& out) {
      out = 0;
      for (int k = 0; k < n; ++k) {
        char h = at(from + static_cast<std::size_t>(k));
        int d = is_digit(h)              ? h - '0'
                : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                : (h >= 'A' && h <= 'F') ? h - 'A' + 10
                                         : -1;
        if (d < 0) return false;
        out = out * 16 + static_cast<unsigned>(d);
      }
      return true;
    };
    unsigned unit = 0;
    if (!hex(pos_, length, unit)) fail("invalid hexadecimal escape in string literal", start);
    pos_ += static_cast<std::size_t>(length);
    char32_t cp = unit;
    unsigned low = 0;
    // Two \u escapes forming a surrogate pair make one code point, as in a JS string.
    if (unit >= 0xD800 && unit <= 0xDBFF && at(pos_) == '\\' && at(pos_ + 1) == 'u' &&
        hex(pos_ + 2, 4, low) && low >= 0xDC00 && low <= 0xDFFF) {
      cp = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
      pos_ += 6;
    }
    append_utf8(value, cp);
  }

  Mapped m_;
  const std::string& s_;
  std::size_t pos_ = 0;
  int curly_depth_ = 0;
  std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> tokenize(std::string_view source) {
  if (source.size() >= UINT32_MAX) throw Error("template too large");
  return Lexer(preprocess(source)).run();
}

}  // namespace slipway::text::jinja
