// Scanning helpers for the judge's answer parsers.
#include "monitor/judge/text_scan.h"

#include <cctype>
#include <string>

namespace slipway::monitor {

namespace {

constexpr std::string_view kNoBreakSpace = "\xC2\xA0";

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_letter(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}
char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// Leading spaces and markdown emphasis (`*`, `_`).
std::string_view skip_spaces_and_markup(std::string_view text) {
  while (true) {
    text = trim_front(text);
    if (text.empty() || (text.front() != '*' && text.front() != '_')) return text;
    text.remove_prefix(1);
  }
}

// The end (one past '}') of the balanced object starting at text[start] == '{', or npos.
std::size_t balanced_object_end(std::string_view text, std::size_t start) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = start; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}' && --depth == 0) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

std::vector<nlohmann::json> objects_in_braces(std::string_view text) {
  std::vector<nlohmann::json> objects;
  std::size_t at = text.find('{');
  while (at != std::string_view::npos) {
    const std::size_t end = balanced_object_end(text, at);
    // An unclosed brace in prose may still be followed by a whole object.
    auto parsed = end == std::string_view::npos
                      ? nlohmann::json()
                      : nlohmann::json::parse(text.substr(at, end - at), nullptr, false);
    if (parsed.is_object()) {
      objects.push_back(std::move(parsed));
      at = text.find('{', end);
    } else {
      at = text.find('{', at + 1);
    }
  }
  return objects;
}

// The contents of ``` fences (an info string such as "json" on the opening line is skipped).
std::vector<std::string_view> fenced_blocks(std::string_view text) {
  std::vector<std::string_view> blocks;
  std::size_t open = text.find("```");
  while (open != std::string_view::npos) {
    const std::size_t line_end = text.find('\n', open);
    if (line_end == std::string_view::npos) break;
    const std::size_t close = text.find("```", line_end);
    if (close == std::string_view::npos) break;
    blocks.push_back(text.substr(line_end + 1, close - line_end - 1));
    open = text.find("```", close + 3);
  }
  return blocks;
}

// The word that ends right before `end` (spaces and markup skipped), lower-case compared.
std::string_view word_before(std::string_view text, std::size_t end) {
  while (end > 0 && (is_space(text[end - 1]) || text[end - 1] == '*' || text[end - 1] == '_'))
    --end;
  std::size_t start = end;
  while (start > 0 && is_letter(text[start - 1])) --start;
  return text.substr(start, end - start);
}

// "(0-10)" and similar asides between a label and its separator.
std::string_view skip_aside(std::string_view text) {
  if (text.empty() || text.front() != '(') return text;
  const std::size_t close = text.find(')');
  if (close == std::string_view::npos || close > 24) return text;
  return text.substr(close + 1);
}

// Moves past a separator at the start of `text`; false when there is none.
bool skip_separator(std::string_view& text) {
  for (std::string_view separator : {":", "=", "-", "\xE2\x80\x93", "\xEF\xBC\x9A"}) {
    if (text.substr(0, separator.size()) == separator) {
      text.remove_prefix(separator.size());
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view trim_front(std::string_view text) {
  while (!text.empty()) {
    if (is_space(text.front())) {
      text.remove_prefix(1);
    } else if (text.substr(0, kNoBreakSpace.size()) == kNoBreakSpace) {
      text.remove_prefix(kNoBreakSpace.size());
    } else {
      break;
    }
  }
  return text;
}

std::string_view trim(std::string_view text) {
  text = trim_front(text);
  while (!text.empty()) {
    if (is_space(text.back())) {
      text.remove_suffix(1);
    } else if (text.size() >= kNoBreakSpace.size() &&
               text.substr(text.size() - kNoBreakSpace.size()) == kNoBreakSpace) {
      text.remove_suffix(kNoBreakSpace.size());
    } else {
      break;
    }
  }
  return text;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view skip_prefix_ignore_case(std::string_view text, std::string_view prefix) {
  if (text.size() >= prefix.size() && equals_ignore_case(text.substr(0, prefix.size()), prefix)) {
    return text.substr(prefix.size());
  }
  return text;
}

std::string_view leading_word(std::string_view text) {
  std::size_t end = 0;
  while (end < text.size() && is_letter(text[end])) ++end;
  return text.substr(0, end);
}

std::vector<nlohmann::json> json_objects_in(std::string_view answer) {
  auto whole = nlohmann::json::parse(trim(answer), nullptr, false);
  if (whole.is_object()) return {std::move(whole)};
  std::vector<nlohmann::json> objects;
  for (std::string_view block : fenced_blocks(answer)) {
    for (auto& object : objects_in_braces(block)) objects.push_back(std::move(object));
  }
  if (!objects.empty()) return objects;
  return objects_in_braces(answer);
}

const nlohmann::json* find_key_ignore_case(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  for (const auto& [name, value] : object.items()) {
    if (equals_ignore_case(name, key)) return &value;
  }
  return nullptr;
}

std::vector<std::string_view> double_bracket_contents(std::string_view answer) {
  constexpr std::size_t kLongest = 32;
  std::vector<std::string_view> contents;
  std::size_t open = answer.find("[[");
  while (open != std::string_view::npos) {
    const std::size_t start = open + 2;
    const std::size_t close = answer.find("]]", start);
    if (close == std::string_view::npos) break;
    const std::string_view inside = answer.substr(start, close - start);
    if (inside.size() <= kLongest && inside.find('\n') == std::string_view::npos &&
        inside.find("[[") == std::string_view::npos) {
      contents.push_back(inside);
      open = answer.find("[[", close + 2);
    } else {
      open = answer.find("[[", start);
    }
  }
  return contents;
}

std::vector<LabelHit> values_after_label(std::string_view answer, std::string_view label) {
  std::vector<LabelHit> hits;
  std::string lowered(answer);
  for (char& c : lowered) c = lower(c);
  std::string wanted(label);
  for (char& c : wanted) c = lower(c);

  std::size_t at = lowered.find(wanted);
  for (; at != std::string::npos; at = lowered.find(wanted, at + 1)) {
    const std::size_t end = at + wanted.size();
    const bool starts_word = at == 0 || !is_letter(answer[at - 1]);
    const bool ends_word = end == answer.size() || !is_letter(answer[end]);
    if (!starts_word || !ends_word) continue;
    std::string_view rest = skip_spaces_and_markup(answer.substr(end));
    rest = skip_spaces_and_markup(skip_aside(rest));
    if (!skip_separator(rest)) continue;
    hits.push_back({word_before(answer, at), skip_spaces_and_markup(rest)});
  }
  return hits;
}

}  // namespace slipway::monitor
