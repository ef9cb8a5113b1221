#include "store/sql_text.h"

namespace slipway::store::detail {

namespace {

bool is_ident_char(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         ch == '_' || static_cast<unsigned char>(ch) >= 0x80;
}

bool is_ident_start(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
         static_cast<unsigned char>(ch) >= 0x80;
}

}  // namespace

std::string rewrite_placeholders(std::string_view sql, int& count) {
  count = 0;
  std::string out;
  out.reserve(sql.size() + 16);
  const std::size_t n = sql.size();
  std::size_t i = 0;
  // Copies sql[i, end) and moves i there.
  auto copy_to = [&](std::size_t end) {
    if (end > n) end = n;
    out.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < n) {
    const char ch = sql[i];
    if (ch == '?') {
      out += '$';
      out += std::to_string(++count);
      ++i;
    } else if (ch == '\'') {
      // E'...' (backslash escapes) when the quote follows a lone E.
      const bool escapes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                           (i < 2 || !is_ident_char(sql[i - 2]));
      std::size_t j = i + 1;
      while (j < n) {
        if (escapes && sql[j] == '\\') {
          j += 2;
        } else if (sql[j] == '\'') {
          if (j + 1 < n && sql[j + 1] == '\'') {
            j += 2;
          } else {
            break;
          }
        } else {
          ++j;
        }
      }
      copy_to(j + 1);
    } else if (ch == '"') {
      std::size_t j = i + 1;
      while (j < n) {
        if (sql[j] == '"') {
          if (j + 1 < n && sql[j + 1] == '"') {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      copy_to(j + 1);
    } else if (ch == '-' && i + 1 < n && sql[i + 1] == '-') {
      const std::size_t end = sql.find('\n', i);
      copy_to(end == std::string_view::npos ? n : end);
    } else if (ch == '/' && i + 1 < n && sql[i + 1] == '*') {
      int depth = 0;
      std::size_t j = i;
      while (j < n) {
        if (sql[j] == '/' && j + 1 < n && sql[j + 1] == '*') {
          ++depth;
          j += 2;
        } else if (sql[j] == '*' && j + 1 < n && sql[j + 1] == '/') {
          j += 2;
          if (--depth == 0) break;
        } else {
          ++j;
        }
      }
      copy_to(j);
    } else if (ch == '$' && (i == 0 || !is_ident_char(sql[i - 1]))) {
      // $tag$ ... $tag$ (the tag may be empty); $1 is a positional parameter, not a quote.
      std::size_t j = i + 1;
      if (j < n && is_ident_start(sql[j])) {
        while (j < n && is_ident_char(sql[j])) ++j;
      }
      if (j < n && sql[j] == '$') {
        const std::string_view tag = sql.substr(i, j - i + 1);
        const std::size_t close = sql.find(tag, j + 1);
        copy_to(close == std::string_view::npos ? n : close + tag.size());
      } else {
        copy_to(i + 1);
      }
    } else {
      out += ch;
      ++i;
    }
  }
  return out;
}

std::string mask_password(std::string_view url) {
  std::string out(url);
  const std::size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const std::size_t start = scheme + 3;
    std::size_t end = out.find_first_of("/?#", start);
    if (end == std::string::npos) end = out.size();
    const std::size_t at = out.rfind('@', end);
    if (at != std::string::npos && at >= start) {
      const std::size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  const std::size_t query = out.find('?');
  if (query != std::string::npos) {
    std::size_t pos = query;
    while ((pos = out.find("password=", pos)) != std::string::npos) {
      const char before = out[pos - 1];
      const std::size_t value = pos + 9;
      std::size_t value_end = out.find('&', value);
      if (value_end == std::string::npos) value_end = out.size();
      if (before == '?' || before == '&') {
        out.replace(value, value_end - value, "***");
        pos = value + 3;
      } else {
        pos = value;
      }
    }
  }
  return out;
}

}  // namespace slipway::store::detail
