#include "text/stream_detokenizer.h"

#include "text/tokenizer/unicode.h"

namespace slipway::text {
namespace {

// Enough prompt tokens to decide spacing and finish a character started in the prompt.
constexpr size_t kPromptContext = 6;
constexpr size_t kMaxPromptContext = 32;
// Ids before the window are dropped once this many accumulate.
constexpr size_t kCompactThreshold = 256;

bool ends_incomplete(const std::string& text) {
  return text.size() >= unicode::kReplacementChar.size() &&
         text.compare(text.size() - unicode::kReplacementChar.size(), std::string::npos,
                      unicode::kReplacementChar) == 0;
}

// New text is normally prefix + more; if decoding changed earlier characters, emit from where
// the two first differ.
std::string difference(const std::string& prefix, const std::string& full) {
  if (full.compare(0, prefix.size(), prefix) == 0) return full.substr(prefix.size());
  size_t common = 0;
  while (common < prefix.size() && common < full.size() && prefix[common] == full[common]) ++common;
  // Back up to a character boundary.
  while (common > 0 && (static_cast<unsigned char>(full[common]) & 0xC0) == 0x80) --common;
  return full.substr(common);
}

}  // namespace

StreamDetokenizer::StreamDetokenizer(std::shared_ptr<const Tokenizer> tokenizer,
                                     std::vector<int32_t> prompt_ids, bool skip_special_tokens)
    : tokenizer_(std::move(tokenizer)), skip_special_tokens_(skip_special_tokens) {
  if (!tokenizer_) throw TokenizerError("StreamDetokenizer: no tokenizer");
  // Start the context at a character boundary: a window that begins inside a byte-fallback
  // character would decode its whole byte run as U+FFFD.
  size_t start = prompt_ids.size() - std::min(prompt_ids.size(), kPromptContext);
  size_t limit = prompt_ids.size() - std::min(prompt_ids.size(), kMaxPromptContext);
  auto window_text = [&](size_t from) {
    return tokenizer_->decode(
        std::vector<int32_t>(prompt_ids.begin() + static_cast<std::ptrdiff_t>(from),
                             prompt_ids.end()),
        skip_special_tokens_);
  };
  while (start > limit && window_text(start).rfind(unicode::kReplacementChar, 0) == 0) --start;
  ids_.assign(prompt_ids.begin() + static_cast<std::ptrdiff_t>(start), prompt_ids.end());
  prefix_offset_ = 0;
  read_offset_ = ids_.size();
  // A prompt ending inside a character: its last bytes count as not yet emitted, so the
  // character comes out whole once generation completes it.
  // (At most 3 bytes can be pending; anything longer is invalid text and stays prompt.)
  for (size_t back = 1; back <= 3 && back < ids_.size(); ++back) {
    if (!ends_incomplete(decode_range(0, ids_.size() - back + 1))) break;
    if (!ends_incomplete(decode_range(0, ids_.size() - back))) {
      read_offset_ = ids_.size() - back;
      break;
    }
  }
}

std::string StreamDetokenizer::decode_range(size_t from, size_t to) const {
  if (from >= to) return {};
  std::vector<int32_t> window(ids_.begin() + static_cast<std::ptrdiff_t>(from),
                              ids_.begin() + static_cast<std::ptrdiff_t>(to));
  return tokenizer_->decode(window, skip_special_tokens_);
}

std::string StreamDetokenizer::push(int32_t id) {
  ids_.push_back(id);
  std::string prefix_text = decode_range(prefix_offset_, read_offset_);
  std::string new_text = decode_range(prefix_offset_, ids_.size());
  // Hold back while the text ends in an incomplete character (decoded as U+FFFD).
  if (ends_incomplete(new_text)) return {};
  std::string out = difference(prefix_text, new_text);
  if (out.empty()) return {};
  prefix_offset_ = read_offset_;
  read_offset_ = ids_.size();
  if (prefix_offset_ >= kCompactThreshold) {
    ids_.erase(ids_.begin(), ids_.begin() + static_cast<std::ptrdiff_t>(prefix_offset_));
    read_offset_ -= prefix_offset_;
    prefix_offset_ = 0;
  }
  return out;
}

std::string StreamDetokenizer::flush() {
  std::string prefix_text = decode_range(prefix_offset_, read_offset_);
  std::string new_text = decode_range(prefix_offset_, ids_.size());
  std::string out = difference(prefix_text, new_text);
  prefix_offset_ = read_offset_ = ids_.size();
  return out;
}

}  // namespace slipway::text
