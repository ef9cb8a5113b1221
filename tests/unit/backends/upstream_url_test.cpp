#include <gtest/gtest.h>

#include <stdexcept>

#include "backends/upstream/url.h"

namespace slipway::backends {
namespace {

TEST(UpstreamUrl, HttpWithPortAndPath) {
  const auto url = parse_url("http://10.0.0.5:8000/v1");
  EXPECT_EQ(url.scheme, "http");
  EXPECT_EQ(url.host, "10.0.0.5");
  EXPECT_EQ(url.port, 8000);
  EXPECT_EQ(url.base_path, "/v1");
  EXPECT_FALSE(url.tls());
  EXPECT_EQ(url.host_header(), "10.0.0.5:8000");
  EXPECT_EQ(url.root_path(), "");
}

TEST(UpstreamUrl, HttpsDefaultsAndTrailingSlash) {
  const auto url = parse_url("HTTPS://API.Example.com/openai/v1/");
  EXPECT_TRUE(url.tls());
  EXPECT_EQ(url.host, "api.example.com");
  EXPECT_EQ(url.port, 443);
  EXPECT_EQ(url.base_path, "/openai/v1");
  EXPECT_EQ(url.root_path(), "/openai");
  EXPECT_EQ(url.host_header(), "api.example.com");
  EXPECT_EQ(url.origin(), "https://api.example.com:443");
}

TEST(UpstreamUrl, NoPath) {
  const auto url = parse_url("http://localhost");
  EXPECT_EQ(url.port, 80);
  EXPECT_EQ(url.base_path, "");
  EXPECT_EQ(url.root_path(), "");
}

TEST(UpstreamUrl, PathWithoutV1KeepsRoot) {
  EXPECT_EQ(parse_url("http://h:1/api").root_path(), "/api");
}

TEST(UpstreamUrl, Ipv6Literals) {
  const auto url = parse_url("http://[::1]:8080/v1");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, 8080);
  EXPECT_TRUE(url.ipv6_literal());
  EXPECT_EQ(url.host_header(), "[::1]:8080");
  EXPECT_EQ(url.origin(), "http://[::1]:8080");

  const auto bare = parse_url("https://[2001:db8::2]/v1");
  EXPECT_EQ(bare.host, "2001:db8::2");
  EXPECT_EQ(bare.port, 443);
  EXPECT_EQ(bare.host_header(), "[2001:db8::2]");
}

TEST(UpstreamUrl, Rejects) {
  for (const char* bad :
       {"", "localhost:8000", "ftp://h/", "http://", "http://:80/", "http://h:0/", "http://h:65536",
        "http://h:abc", "http://h:/", "http://[::1/v1", "http://::1:80/", "http://u:p@h/",
        "http://h/v1?x=1", "http://h?x", "http://[::1]x/", "http://[abc]/"}) {
    EXPECT_THROW(parse_url(bad), std::invalid_argument) << bad;
  }
}

TEST(UpstreamUrl, ErrorNamesTheUrl) {
  try {
    parse_url("gopher://x");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("gopher://x"), std::string::npos);
  }
}

}  // namespace
}  // namespace slipway::backends
