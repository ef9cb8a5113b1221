// Every lie a .safetensors file can tell ends in a one-line FormatError naming the file.
#include <gtest/gtest.h>

#include "engine/format/format_error.h"
#include "engine/format/safetensors_file.h"
#include "engine/format/safetensors_writer.h"
#include "format_test_files.h"

namespace slipway::engine {
namespace {

// Opens `bytes` written to a scratch file; returns the FormatError message ("" if none).
std::string open_error(const std::string& bytes) {
  auto path = testing::fresh_folder() / "bad.safetensors";
  testing::write_text(path, bytes);
  try {
    SafetensorsFile::open(path);
  } catch (const FormatError& e) {
    std::string message = e.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_EQ(message.rfind(path.string(), 0), 0u) << message;
    return message;
  }
  return "";
}

void expect_error(const std::string& bytes, const std::string& fragment) {
  std::string message = open_error(bytes);
  EXPECT_NE(message.find(fragment), std::string::npos)
      << "message \"" << message << "\" lacks \"" << fragment << "\"";
}

const std::string kEightBytes(8, '\0');

TEST(SafetensorsBadInput, GoodBaselineOpens) {
  EXPECT_EQ(open_error(testing::raw_safetensors(
                R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", kEightBytes)),
            "");
}

TEST(SafetensorsBadInput, MissingFile) {
  auto path = testing::fresh_folder() / "absent.safetensors";
  EXPECT_THROW(SafetensorsFile::open(path), FormatError);
}

TEST(SafetensorsBadInput, TooShortForLength) {
  expect_error("abc", "too short");
}

TEST(SafetensorsBadInput, HeaderLengthBeyondFile) {
  expect_error(testing::raw_safetensors("{}", "", 1000), "beyond the file size");
  expect_error(testing::raw_safetensors("{}", "", ~uint64_t{0}), "beyond the file size");
}

TEST(SafetensorsBadInput, InvalidJson) {
  expect_error(testing::raw_safetensors(R"({"w":)", ""), "not valid JSON");
  expect_error(testing::raw_safetensors("\xff\xfe", ""), "not valid JSON");
  expect_error(testing::raw_safetensors("", ""), "not valid JSON");
  expect_error(testing::raw_safetensors(R"({"a":"b"})" + std::string("\0", 1), ""),
               "not valid JSON");
}

TEST(SafetensorsBadInput, NotAnObject) {
  expect_error(testing::raw_safetensors("[1,2]", ""), "not a JSON object");
  expect_error(testing::raw_safetensors(R"({"w":3})", ""), "is not a JSON object");
}

TEST(SafetensorsBadInput, UnknownDtypeIsNamed) {
  expect_error(testing::raw_safetensors(R"({"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}})",
                                        kEightBytes),
               "unsupported dtype \"F64\"");
  expect_error(testing::raw_safetensors(R"({"w":{"dtype":7,"shape":[1],"data_offsets":[0,4]}})",
                                        kEightBytes),
               "dtype");
}

TEST(SafetensorsBadInput, BadShapes) {
  expect_error(testing::raw_safetensors(
                   R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", kEightBytes),
               "negative dimension");
  expect_error(testing::raw_safetensors(
                   R"({"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}})", kEightBytes),
               "non-integer");
  expect_error(testing::raw_safetensors(R"({"w":{"dtype":"F32","shape":"2","data_offsets":[0,8]}})",
                                        kEightBytes),
               "not an array");
  expect_error(testing::raw_safetensors(
                   R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}})",
                   kEightBytes),
               "overflows");
  expect_error(testing::raw_safetensors(
                   R"({"w":{"dtype":"F32","shape":[18446744073709551615],"data_offsets":[0,8]}})",
                   kEightBytes),
               "too large");
  expect_error(
      testing::raw_safetensors(R"({"w":{"dtype":"F32","data_offsets":[0,8]}})", kEightBytes),
      "missing shape");
}

TEST(SafetensorsBadInput, BadDataOffsets) {
  const char* cases[] = {
      R"({"w":{"dtype":"F32","shape":[2]}})",
      R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0]}})",
      R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8,9]}})",
      R"({"w":{"dtype":"F32","shape":[2],"data_offsets":["0","8"]}})",
      R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}})",
      R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8.0]}})",
      R"({"w":{"dtype":"F32","shape":[2],"data_offsets":{"a":1}}})",
  };
  for (const char* header : cases) {
    expect_error(testing::raw_safetensors(header, kEightBytes), "data_offsets");
  }
  expect_error(testing::raw_safetensors(R"({"w":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}})",
                                        kEightBytes),
               "begin is after end");
}

TEST(SafetensorsBadInput, EndBeyondDataSection) {
  expect_error(testing::raw_safetensors(
                   R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", kEightBytes),
               "beyond the data section");
  expect_error(
      testing::raw_safetensors(
          R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[18446744073709551608,18446744073709551615]}})",
          kEightBytes),
      "beyond the data section");
}

TEST(SafetensorsBadInput, SizeDisagreesWithShape) {
  expect_error(testing::raw_safetensors(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})",
                                        kEightBytes),
               "needs 12");
  expect_error(testing::raw_safetensors(
                   R"({"w":{"dtype":"BF16","shape":[2],"data_offsets":[0,8]}})", kEightBytes),
               "needs 4");
}

TEST(SafetensorsBadInput, OverlappingTensors) {
  expect_error(testing::raw_safetensors(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                        R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                                        kEightBytes),
               "overlap");
  expect_error(testing::raw_safetensors(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                                        R"("b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                                        kEightBytes),
               "overlap");
}

TEST(SafetensorsBadInput, MisalignedData) {
  expect_error(testing::raw_safetensors(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}})",
                                        kEightBytes),
               "aligned");
}

TEST(SafetensorsBadInput, Metadata) {
  expect_error(testing::raw_safetensors(R"({"__metadata__":[1]})", ""),
               "__metadata__ is not a JSON object");
  expect_error(testing::raw_safetensors(R"({"__metadata__":{"format":1}})", ""),
               "__metadata__ value of \"format\" is not a string");
  EXPECT_EQ(open_error(testing::raw_safetensors(R"({"__metadata__":{"format":"pt"}})", "")), "");
}

TEST(SafetensorsBadInput, ControlCharactersInNamesStayOnOneLine) {
  std::string message = open_error(testing::raw_safetensors(
      "{\"a\\nb\":{\"dtype\":\"X\",\"shape\":[1],\"data_offsets\":[0,4]}}", kEightBytes));
  EXPECT_NE(message.find("\"a\\x0ab\""), std::string::npos) << message;
}

TEST(SafetensorsBadInput, TruncatedFile) {
  auto folder = testing::fresh_folder();
  std::map<std::string, OwnedTensor> tensors;
  tensors["w"] = make_tensor(DType::F32, {64}, std::vector<float>(64, 1.0f));
  write_safetensors(folder / "good.safetensors", tensors);
  std::string bytes;
  {
    std::ifstream in(folder / "good.safetensors", std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  // Cut inside the data, then inside the header, then inside the length.
  for (std::size_t keep : {bytes.size() - 1, bytes.size() - 100, std::size_t{20}, std::size_t{5}}) {
    std::string message = open_error(bytes.substr(0, keep));
    EXPECT_FALSE(message.empty()) << "kept " << keep;
  }
}

}  // namespace
}  // namespace slipway::engine
