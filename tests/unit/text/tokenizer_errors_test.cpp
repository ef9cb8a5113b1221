// Malformed tokenizer.json documents give a one-line TokenizerError naming the source.
#include <gtest/gtest.h>

#include "text/tokenizer.h"
#include "tokenizer_test_util.h"

namespace slipway::text {
namespace {

using Json = nlohmann::json;

// Expects a TokenizerError whose message names the source and contains `needle`.
void expect_error(const std::string& text, const std::string& needle) {
  try {
    Tokenizer::from_json(text, "bad.json");
    ADD_FAILURE() << "no error for " << text.substr(0, 200);
  } catch (const TokenizerError& e) {
    std::string message = e.what();
    EXPECT_EQ(message.rfind("bad.json", 0), 0u) << message;
    EXPECT_NE(message.find(needle), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

Json good() {
  return testing::sentencepiece_json();
}

TEST(TokenizerErrors, GoodDocumentLoads) {
  EXPECT_NO_THROW(Tokenizer::from_json(good().dump(), "ok.json"));
}

TEST(TokenizerErrors, InvalidJson) {
  expect_error("{not json", "invalid JSON");
  expect_error("", "invalid JSON");
  expect_error("[1, 2, 3]", "expected an object");
  expect_error("null", "expected an object");
}

TEST(TokenizerErrors, TruncatedFile) {
  std::string text = good().dump();
  for (size_t cut : {text.size() / 3, text.size() / 2, text.size() - 1}) {
    expect_error(text.substr(0, cut), "invalid JSON");
  }
}

TEST(TokenizerErrors, UnknownModelType) {
  Json doc = good();
  doc["model"]["type"] = "Unigram";
  expect_error(doc.dump(), "unsupported model type");
}

TEST(TokenizerErrors, MissingModel) {
  Json doc = good();
  doc.erase("model");
  expect_error(doc.dump(), "missing member 'model'");
}

TEST(TokenizerErrors, MergeReferencesMissingToken) {
  Json doc = good();
  doc["model"]["merges"].push_back("zz q");
  expect_error(doc.dump(), "unknown token 'zz'");
  doc = good();
  doc["model"]["merges"].push_back(Json::array({"H", "nope"}));
  expect_error(doc.dump(), "unknown token 'nope'");
  doc = good();
  doc["model"]["merges"].push_back("H w");  // "Hw" is not in the vocab
  expect_error(doc.dump(), "merged token 'Hw'");
}

TEST(TokenizerErrors, MalformedMerge) {
  Json doc = good();
  doc["model"]["merges"].push_back("abc");
  expect_error(doc.dump(), "model.merges[10]");
  doc["model"]["merges"] = Json::array({Json::array({"H"})});
  expect_error(doc.dump(), "model.merges[0]");
  doc["model"]["merges"] = 5;
  expect_error(doc.dump(), "expected an array");
}

TEST(TokenizerErrors, WrongTypes) {
  Json doc = good();
  doc["model"]["vocab"] = Json::array();
  expect_error(doc.dump(), "model.vocab");
  doc = good();
  doc["model"]["vocab"]["H"] = "one";
  expect_error(doc.dump(), "invalid id");
  doc = good();
  doc["model"]["vocab"]["H"] = -4;
  expect_error(doc.dump(), "invalid id");
  doc = good();
  doc["model"]["byte_fallback"] = "yes";
  expect_error(doc.dump(), "expected a boolean");
  doc = good();
  doc["added_tokens"][0]["id"] = "zero";
  expect_error(doc.dump(), "added_tokens[0].id");
  doc = good();
  doc["added_tokens"] = Json::object();
  expect_error(doc.dump(), "added_tokens");
  doc = good();
  doc["normalizer"]["normalizers"][0]["prepend"] = 3;
  expect_error(doc.dump(), "normalizer.normalizers[0].prepend");
  doc = good();
  doc["post_processor"]["special_tokens"]["<s>"]["ids"] = Json::array({"x"});
  expect_error(doc.dump(), "post_processor");
  doc = good();
  doc["decoder"]["decoders"][3]["start"] = -1;
  expect_error(doc.dump(), "decoder.decoders[3].start");
  doc = good();
  doc["model"]["unk_token"] = "<missing>";
  expect_error(doc.dump(), "unk token");
}

TEST(TokenizerErrors, UnsupportedComponents) {
  Json doc = good();
  doc["normalizer"] = {{"type", "Precompiled"}};
  expect_error(doc.dump(), "unsupported normalizer type 'Precompiled'");
  doc = good();
  doc["pre_tokenizer"] = {
      {"type", "Split"}, {"pattern", {{"Regex", "(unclosed"}}}, {"behavior", "Isolated"}};
  expect_error(doc.dump(), "invalid regex");
  doc = good();
  doc["pre_tokenizer"] = {
      {"type", "Split"}, {"pattern", {{"String", " "}}}, {"behavior", "Sideways"}};
  expect_error(doc.dump(), "unknown split behavior");
  doc = good();
  doc["decoder"] = {{"type", "CTC"}};
  expect_error(doc.dump(), "unsupported decoder type");
  doc = good();
  doc["post_processor"] = {{"type", "Mystery"}};
  expect_error(doc.dump(), "unsupported post-processor type");
  doc = good();
  doc["model"]["dropout"] = 0.1;
  expect_error(doc.dump(), "dropout");
}

TEST(TokenizerErrors, MissingFile) {
  EXPECT_THROW(Tokenizer::from_file("/nonexistent/tokenizer.json"), TokenizerError);
}

// Random corruption of a valid document never crashes (this binary runs under ASan/UBSan).
TEST(TokenizerErrors, CorruptedBytesNeverCrash) {
  std::string text = good().dump();
  uint32_t state = 12345;
  for (int round = 0; round < 300; ++round) {
    std::string copy = text;
    for (int k = 0; k < 3; ++k) {
      state = state * 1103515245u + 12345u;
      size_t pos = (state >> 8) % copy.size();
      state = state * 1103515245u + 12345u;
      copy[pos] = static_cast<char>(state >> 16);
    }
    try {
      auto tok = Tokenizer::from_json(copy, "fuzz.json");
      auto ids = tok->encode("Hello world \xF0\x9F\x98\x80 <s>", true);
      tok->decode(ids, false);
    } catch (const TokenizerError&) {
    }
  }
}

}  // namespace
}  // namespace slipway::text
