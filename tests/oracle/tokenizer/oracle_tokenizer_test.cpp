// Compares encode/decode/streaming with @huggingface/tokenizers on real tokenizer.json files.
// Known JS-vs-Rust difference kept out of the corpus: JS's \s includes U+FEFF and excludes
// U+0085, Oniguruma's (HF Python/Rust) is the reverse; we follow Rust.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "text/stream_detokenizer.h"
#include "text/tokenizer.h"

namespace slipway::text {
namespace {

using Json = nlohmann::json;

// The node script's expectations for one model (written by the tokenizer_oracle_expected test).
Json oracle(const std::string& name) {
  std::ifstream in(std::string(TOKENIZER_ORACLE_DIR) + "/" + name + ".json");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return Json::parse(buffer.str());
}

std::string show(const std::vector<int32_t>& ids) {
  std::string s = "[";
  for (size_t i = 0; i < ids.size(); ++i) s += (i ? "," : "") + std::to_string(ids[i]);
  return s + "]";
}

std::string show(const std::string& text) {
  return Json(text).dump(-1, ' ', false, Json::error_handler_t::replace);
}

// Counts mismatches of one kind and prints the first few.
struct Tally {
  std::string what;
  int failures = 0;
  int compared = 0;
  void check(bool ok, const std::string& text, const std::string& ours, const std::string& theirs) {
    ++compared;
    if (ok) return;
    if (++failures <= 5) {
      std::cout << what << " mismatch for " << show(text) << "\n  ours:   " << ours
                << "\n  oracle: " << theirs << "\n";
    }
  }
};

// Streams ids after prompt_ids and returns the concatenated output.
std::string stream(const std::shared_ptr<const Tokenizer>& tok, const std::vector<int32_t>& prompt,
                   const std::vector<int32_t>& generated, bool skip) {
  StreamDetokenizer detok(tok, prompt, skip);
  std::string out;
  for (int32_t id : generated) {
    std::string piece = detok.push(id);
    // Never half a character: every piece is valid UTF-8 on its own.
    EXPECT_TRUE(Json::accept(Json(piece).dump(-1, ' ', false, Json::error_handler_t::strict)))
        << "invalid UTF-8 piece";
    out += piece;
  }
  return out + detok.flush();
}

enum class RoundTrip { kExact, kNfc, kSentencePiece };

void run(const std::string& name, RoundTrip round_trip) {
  const Json model = oracle(name);
  auto tok = Tokenizer::from_file(model.at("file").get<std::string>());
  Tally enc{"encode(add_special_tokens=true)"}, plain{"encode(add_special_tokens=false)"},
      dec{"decode(skip_special_tokens=false)"}, dec_skip{"decode(skip_special_tokens=true)"},
      round{"decode(encode(s))"}, streamed{"stream"};
  for (const Json& c : model.at("cases")) {
    std::string text = c.at("text");
    auto ids = c.at("ids").get<std::vector<int32_t>>();
    auto ids_plain = c.at("ids_plain").get<std::vector<int32_t>>();
    auto ours = tok->encode(text, true);
    enc.check(ours == ids, text, show(ours), show(ids));
    auto ours_plain = tok->encode(text, false);
    plain.check(ours_plain == ids_plain, text, show(ours_plain), show(ids_plain));
    std::string d = tok->decode(ids, false), ds = tok->decode(ids, true);
    dec.check(d == c.at("decoded"), text, show(d), show(c.at("decoded").get<std::string>()));
    dec_skip.check(ds == c.at("decoded_skip"), text, show(ds),
                   show(c.at("decoded_skip").get<std::string>()));

    // Round trip where the tokenizer promises it: byte-level for any text (Qwen normalizes to
    // NFC); SentencePiece-style unless the text holds added tokens or the metaspace character.
    std::string back = tok->decode(ours_plain, false);
    if (round_trip != RoundTrip::kSentencePiece) {
      std::string want = round_trip == RoundTrip::kNfc ? c.at("nfc").get<std::string>() : text;
      round.check(back == want, text, show(back), show(want));
    } else if (text.find("<s>") == std::string::npos && text.find("</s>") == std::string::npos &&
               text.find("<unk>") == std::string::npos &&
               text.find("\xE2\x96\x81") == std::string::npos) {
      round.check(back == text, text, show(back), show(text));
    }

    // Streaming equals decoding the whole, alone and after a prompt.
    for (bool skip : {false, true}) {
      std::string alone = stream(tok, {}, ids, skip);
      std::string whole = tok->decode(ids, skip);
      streamed.check(alone == whole, text, show(alone), show(whole));
      size_t half = ids.size() / 2;
      std::vector<int32_t> prompt(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(half));
      std::vector<int32_t> rest(ids.begin() + static_cast<std::ptrdiff_t>(half), ids.end());
      std::string prompt_text = tok->decode(prompt, skip);
      if (whole.compare(0, prompt_text.size(), prompt_text) == 0 &&
          prompt_text.find("\xEF\xBF\xBD") == std::string::npos) {
        std::string after = stream(tok, prompt, rest, skip);
        std::string want = whole.substr(prompt_text.size());
        streamed.check(after == want, text + " (after prompt)", show(after), show(want));
      }
    }
  }
  for (const Tally* t : {&enc, &plain, &dec, &dec_skip, &round, &streamed}) {
    std::cout << name << ": " << t->what << ": " << t->compared << " compared, " << t->failures
              << " mismatches\n";
    EXPECT_EQ(t->failures, 0) << name << ": " << t->what;
  }
  EXPECT_GE(enc.compared, 2000);
}

TEST(TokenizerOracle, Llama3) {
  run("llama3", RoundTrip::kExact);
}
TEST(TokenizerOracle, Qwen3) {
  run("qwen3", RoundTrip::kNfc);
}
TEST(TokenizerOracle, Llama2) {
  run("llama2", RoundTrip::kSentencePiece);
}

}  // namespace
}  // namespace slipway::text
