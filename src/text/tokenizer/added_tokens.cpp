#include "text/tokenizer/added_tokens.h"

#include <algorithm>

#include "text/tokenizer/regex.h"
#include "text/tokenizer/unicode.h"

namespace slipway::text {
namespace {

// Last / first code point of text, or 0 when empty.
char32_t last_char(std::string_view text) {
  if (text.empty()) return 0;
  size_t i = text.size() - 1;
  while (i > 0 && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) --i;
  return decode_utf8(text, i);
}

bool is_word_char(char32_t cp) {
  if (cp == 0) return false;
  if (cp < 0x80) return std::isalnum(static_cast<int>(cp)) != 0 || cp == '_';
  static const Regex word("\\w", "word characters");
  std::string s;
  append_utf8(s, cp);
  return word.matches_at(s, 0);
}

}  // namespace

std::vector<AddedToken> parse_added_tokens(const json_util::Json& list,
                                           const json_util::Context& ctx) {
  std::vector<AddedToken> out;
  if (list.is_null()) return out;
  json_util::require_array(list, ctx);
  for (size_t i = 0; i < list.size(); ++i) {
    json_util::Context tctx = ctx.at(i);
    const auto& t = list[i];
    AddedToken tok;
    int64_t id = json_util::get_int(t, "id", tctx);
    if (id < 0 || id > (1 << 30)) tctx.at("id").fail("id out of range");
    tok.id = static_cast<int32_t>(id);
    tok.content = json_util::get_string(t, "content", tctx);
    if (tok.content.empty()) tctx.at("content").fail("empty added token");
    tok.special = json_util::get_bool_or(t, "special", false, tctx);
    tok.normalized = json_util::get_bool_or(t, "normalized", !tok.special, tctx);
    tok.lstrip = json_util::get_bool_or(t, "lstrip", false, tctx);
    tok.rstrip = json_util::get_bool_or(t, "rstrip", false, tctx);
    tok.single_word = json_util::get_bool_or(t, "single_word", false, tctx);
    out.push_back(std::move(tok));
  }
  return out;
}

AddedTokenMatcher::AddedTokenMatcher(std::vector<AddedToken> tokens,
                                     std::vector<std::string> patterns)
    : tokens_(std::move(tokens)) {
  nodes_.emplace_back();
  for (size_t t = 0; t < patterns.size(); ++t) {
    const std::string& p = patterns[t];
    if (p.empty()) continue;
    first_byte_[static_cast<unsigned char>(p[0])] = true;
    int32_t node = 0;
    for (char c : p) {
      auto b = static_cast<unsigned char>(c);
      int32_t next = child(node, b);
      if (next < 0) {
        next = static_cast<int32_t>(nodes_.size());
        nodes_.emplace_back();
        auto& edges = nodes_[static_cast<size_t>(node)].edges;
        edges.insert(
            std::lower_bound(edges.begin(), edges.end(), std::pair<unsigned char, int32_t>{b, -1}),
            {b, next});
      }
      node = next;
    }
    // The first token listed with a given pattern wins.
    if (nodes_[static_cast<size_t>(node)].token < 0)
      nodes_[static_cast<size_t>(node)].token = static_cast<int32_t>(t);
  }
}

int32_t AddedTokenMatcher::child(int32_t node, unsigned char byte) const {
  const auto& edges = nodes_[static_cast<size_t>(node)].edges;
  auto it =
      std::lower_bound(edges.begin(), edges.end(), std::pair<unsigned char, int32_t>{byte, -1});
  return it != edges.end() && it->first == byte ? it->second : -1;
}

std::vector<AddedSplit> AddedTokenMatcher::split(std::string_view text) const {
  std::vector<AddedSplit> out;
  size_t done = 0;  // end of the last emitted split
  for (size_t i = 0; i < text.size(); ++i) {
    if (!first_byte_[static_cast<unsigned char>(text[i])]) continue;
    // Longest pattern starting at i.
    int32_t node = 0, best = -1;
    size_t best_end = 0;
    for (size_t j = i; j < text.size(); ++j) {
      node = child(node, static_cast<unsigned char>(text[j]));
      if (node < 0) break;
      if (nodes_[static_cast<size_t>(node)].token >= 0) {
        best = nodes_[static_cast<size_t>(node)].token;
        best_end = j + 1;
      }
    }
    if (best < 0) continue;
    const AddedToken& tok = tokens_[static_cast<size_t>(best)];
    size_t start = i, stop = best_end;
    if (tok.single_word &&
        (is_word_char(last_char(text.substr(0, start))) || (stop < text.size() && is_word_char([&] {
                                                              size_t k = stop;
                                                              return decode_utf8(text, k);
                                                            }())))) {
      continue;
    }
    if (tok.lstrip) {
      while (start > done) {
        size_t prev = start - 1;
        while (prev > done && (static_cast<unsigned char>(text[prev]) & 0xC0) == 0x80) --prev;
        size_t k = prev;
        if (!unicode::is_whitespace(decode_utf8(text, k))) break;
        start = prev;
      }
    }
    if (tok.rstrip) {
      while (stop < text.size()) {
        size_t k = stop;
        if (!unicode::is_whitespace(decode_utf8(text, k))) break;
        stop = k;
      }
    }
    if (done < start) out.push_back({done, start, -1});
    out.push_back({start, stop, tok.id});
    done = stop;
    i = stop - 1;
  }
  if (done < text.size()) out.push_back({done, text.size(), -1});
  return out;
}

}  // namespace slipway::text
