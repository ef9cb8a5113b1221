#include "text/tokenizer/unicode.h"

#include <algorithm>
#include <vector>

#include "text/tokenizer/nfc_tables.h"

namespace slipway::text::unicode {
namespace {

// Valid length (>0) of the sequence at p, or minus the length of its maximal invalid subpart.
int classify(const unsigned char* p, size_t n) {
  unsigned char b = p[0];
  if (b < 0x80) return 1;
  int need = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    need = 1;
  } else if (b == 0xE0) {
    need = 2, lo = 0xA0;
  } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
    need = 2;
  } else if (b == 0xED) {
    need = 2, hi = 0x9F;
  } else if (b == 0xF0) {
    need = 3, lo = 0x90;
  } else if (b >= 0xF1 && b <= 0xF3) {
    need = 3;
  } else if (b == 0xF4) {
    need = 3, hi = 0x8F;
  } else {
    return -1;
  }
  for (int j = 0; j < need; ++j) {
    size_t k = static_cast<size_t>(j) + 1;
    if (k >= n) return -static_cast<int>(k);
    unsigned char c = p[k];
    bool ok = j == 0 ? (c >= lo && c <= hi) : (c >= 0x80 && c <= 0xBF);
    if (!ok) return -static_cast<int>(k);
  }
  return need + 1;
}

constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr char32_t kLCount = 19, kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount;
constexpr char32_t kSCount = kLCount * kNCount;

unsigned char combining_class(char32_t cp) {
  if (cp < nfc::kFastLimit) return 0;
  const auto* end = nfc::kCombiningClasses + nfc::kCombiningClassCount;
  const auto* it =
      std::lower_bound(nfc::kCombiningClasses, end, cp,
                       [](const nfc::CombiningClass& e, char32_t c) { return e.cp < c; });
  return it != end && it->cp == cp ? it->ccc : 0;
}

void decompose_into(char32_t cp, std::vector<char32_t>& out) {
  if (cp >= kSBase && cp < kSBase + kSCount) {
    char32_t s = cp - kSBase;
    out.push_back(kLBase + s / kNCount);
    out.push_back(kVBase + (s % kNCount) / kTCount);
    if (s % kTCount != 0) out.push_back(kTBase + s % kTCount);
    return;
  }
  const auto* end = nfc::kDecompositions + nfc::kDecompositionCount;
  const auto* it =
      std::lower_bound(nfc::kDecompositions, end, cp,
                       [](const nfc::Decomposition& e, char32_t c) { return e.cp < c; });
  if (it == end || it->cp != cp) {
    out.push_back(cp);
    return;
  }
  out.insert(out.end(), nfc::kDecompositionData + it->offset,
             nfc::kDecompositionData + it->offset + it->length);
}

// Returns the primary composite of a and b, or 0.
char32_t compose_pair(char32_t a, char32_t b) {
  if (a >= kLBase && a < kLBase + kLCount && b >= kVBase && b < kVBase + kVCount) {
    return kSBase + ((a - kLBase) * kVCount + (b - kVBase)) * kTCount;
  }
  if (a >= kSBase && a < kSBase + kSCount && (a - kSBase) % kTCount == 0 && b > kTBase &&
      b < kTBase + kTCount) {
    return a + (b - kTBase);
  }
  const auto* end = nfc::kCompositions + nfc::kCompositionCount;
  const auto* it = std::lower_bound(
      nfc::kCompositions, end, std::pair{a, b}, [](const nfc::Composition& e, auto key) {
        return e.first != key.first ? e.first < key.first : e.second < key.second;
      });
  return it != end && it->first == a && it->second == b ? it->composite : 0;
}

bool needs_work(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    if (decode_utf8(s, i) >= nfc::kFastLimit) return true;
  }
  return false;
}

std::vector<char32_t> canonical_decomposition(std::string_view s) {
  std::vector<char32_t> cps;
  cps.reserve(s.size());
  for (size_t i = 0; i < s.size();) decompose_into(decode_utf8(s, i), cps);
  // Canonical ordering: stable sort of each run of non-starters by combining class.
  for (size_t i = 0; i < cps.size();) {
    if (combining_class(cps[i]) == 0) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < cps.size() && combining_class(cps[j]) != 0) ++j;
    std::stable_sort(
        cps.begin() + static_cast<std::ptrdiff_t>(i), cps.begin() + static_cast<std::ptrdiff_t>(j),
        [](char32_t a, char32_t b) { return combining_class(a) < combining_class(b); });
    i = j;
  }
  return cps;
}

std::string encode(const std::vector<char32_t>& cps) {
  std::string out;
  out.reserve(cps.size() * 3);
  for (char32_t cp : cps) append_utf8(out, cp);
  return out;
}

}  // namespace

size_t sequence_length(std::string_view s, size_t i) {
  int n = classify(reinterpret_cast<const unsigned char*>(s.data()) + i, s.size() - i);
  return n > 0 ? static_cast<size_t>(n) : 0;
}

std::string lossy(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  for (size_t i = 0; i < bytes.size();) {
    int n = classify(p + i, bytes.size() - i);
    if (n > 0) {
      out.append(bytes.substr(i, static_cast<size_t>(n)));
      i += static_cast<size_t>(n);
    } else {
      out.append(kReplacementChar);
      i += static_cast<size_t>(-n);
    }
  }
  return out;
}

bool is_valid(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

bool is_whitespace(char32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

std::string nfd(std::string_view s) {
  // Latin-1 letters decompose, so only ASCII is certainly unchanged.
  bool ascii = true;
  for (char c : s) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) return std::string(s);
  return encode(canonical_decomposition(s));
}

std::string nfc(std::string_view s) {
  if (!needs_work(s)) return std::string(s);
  std::vector<char32_t> cps = canonical_decomposition(s);
  if (cps.empty()) return {};
  // Canonical composition (UAX #15): a character joins the last starter unless blocked.
  size_t starter = 0, out = 1;
  int last_class = combining_class(cps[0]) == 0 ? 0 : 256;
  for (size_t i = 1; i < cps.size(); ++i) {
    char32_t ch = cps[i];
    int cls = combining_class(ch);
    char32_t composite = last_class < cls || last_class == 0 ? compose_pair(cps[starter], ch) : 0;
    if (composite != 0 && (last_class < cls || last_class == 0)) {
      cps[starter] = composite;
      continue;
    }
    if (cls == 0) starter = out;
    last_class = cls;
    cps[out++] = ch;
  }
  cps.resize(out);
  return encode(cps);
}

}  // namespace slipway::text::unicode
