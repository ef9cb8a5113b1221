// tokenizer.json from untrusted bytes, both from memory and from a file: TokenizerError is the
// only acceptable failure, and both must agree. A tokenizer that loads encodes and decodes a
// short text.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "support/fuzz_input.h"
#include "text/tokenizer.h"

namespace {

using slipway::text::Tokenizer;
using slipway::text::TokenizerError;

constexpr std::string_view kSample = "Hello world! <s> 123 \xC3\xA9\xE2\x96\x81 \n\t";

void exercise(const Tokenizer& tokenizer) {
  for (bool special : {false, true}) {
    tokenizer.decode(tokenizer.encode(kSample, special), special);
  }
  const int32_t vocab = tokenizer.vocab_size();
  for (int32_t id : {0, 1, vocab / 2, vocab - 1, vocab, -1}) {
    if (const auto token = tokenizer.id_to_token(id)) tokenizer.token_to_id(*token);
    if (id >= 0 && id < vocab) tokenizer.is_special(id);
  }
}

void disagree() {
  std::fprintf(stderr, "fuzz_tokenizer_json: from_file and from_json disagree\n");
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static const slipway::fuzz::ScratchFile file("tokenizer.json");
  const auto text = slipway::fuzz::as_text(data, size);
  std::shared_ptr<const Tokenizer> from_memory;
  try {
    from_memory = Tokenizer::from_json(text, "fuzz");
    exercise(*from_memory);
  } catch (const TokenizerError&) {
  }
  // A model folder loads tokenizer.json from a file: it must give the same tokenizer.
  try {
    const auto from_file = Tokenizer::from_file(file.write(text));
    if (!from_memory || from_memory->vocab_size() != from_file->vocab_size() ||
        from_memory->encode(kSample, true) != from_file->encode(kSample, true)) {
      disagree();
    }
  } catch (const TokenizerError&) {
    if (from_memory) disagree();
  }
  return 0;
}
