#include "specs/json_document.h"

#include <gtest/gtest.h>

#include "specs/spec_reader.h"
#include "specs/text_encoding.h"

namespace agora::specs {
namespace {

TEST(JsonDocumentTest, NodesKnowWhereTheyAreAndWhatTheyAre) {
  const ParsedYaml parsed = ParseJson("{\n  \"a\": [1, -2.5e3, true, null],\n  \"b\": \"x\"\n}");
  ASSERT_FALSE(parsed.error) << parsed.error->message;
  const YamlNode* a = parsed.root.Find("a");
  ASSERT_TRUE(a && a->is_sequence());
  EXPECT_EQ(a->line, 2u);
  EXPECT_EQ(a->column, 8u);
  EXPECT_EQ(a->items[1].scalar, "-2.5e3");
  EXPECT_FALSE(a->items[1].quoted);
  EXPECT_EQ(a->items[2].column, 20u);
  EXPECT_TRUE(a->items[3].is_null());
  const YamlNode* b = parsed.root.Find("b");
  EXPECT_TRUE(b->quoted);
  EXPECT_EQ(b->line, 3u);
}

// Valid JSON that libyaml refuses: escaped surrogate pairs and keys over 1,024 characters.
TEST(JsonDocumentTest, SurrogatePairsAndLongKeys) {
  const ParsedYaml emoji = ParseJson(R"({"like": "\ud83d\udc4d", "lone": "\ud83d!", "e": "\u00e9\n"})");
  ASSERT_FALSE(emoji.error) << emoji.error->message;
  EXPECT_EQ(emoji.root.Find("like")->scalar, "\xF0\x9F\x91\x8D");
  EXPECT_EQ(emoji.root.Find("lone")->scalar, "\xEF\xBF\xBD!");
  EXPECT_EQ(emoji.root.Find("e")->scalar, "\xC3\xA9\n");
  const std::string key(2000, 'k');
  const ParsedYaml long_key = ParseJson("{\"" + key + "\": 1, \"next\": 2}");
  ASSERT_FALSE(long_key.error) << long_key.error->message;
  EXPECT_EQ(long_key.root.pairs[0].key, key);
  EXPECT_EQ(long_key.root.Find("next")->column, 2017u);
}

TEST(JsonDocumentTest, ErrorsSayWhere) {
  auto error_of = [](const std::string& text) {
    const ParsedYaml parsed = ParseJson(text);
    return parsed.error ? std::to_string(parsed.error->line) + ":" + std::to_string(parsed.error->column) + " " +
                              parsed.error->message
                        : "";
  };
  EXPECT_EQ(error_of("{\"a\": 1,\n \"a\": 2}"), "2:2 duplicate key 'a'");
  EXPECT_EQ(error_of("{\"a\" 1}"), "1:6 ':' is expected after an object key");
  EXPECT_EQ(error_of("[1, 2"), "1:6 the document ends before the array that opens at line 1, column 1 is closed");
  EXPECT_EQ(error_of("{\"a\": tru}"), "1:7 unexpected character 't'");
  EXPECT_EQ(error_of("{\"a\": \"x\ny\"}"), "1:9 a control character must be escaped in a string");
  EXPECT_EQ(error_of("{} x"), "1:4 unexpected text after the JSON document");
  EXPECT_EQ(error_of("[01]"), "1:3 ',' or ']' is expected after an array item");
  std::string deep(600, '[');
  EXPECT_NE(error_of(deep).find("nesting deeper than 512 levels"), std::string::npos);
  std::string many = "[";
  for (int i = 0; i < 100; ++i) many += "0,";
  YamlLimits small;
  small.max_bytes = 50 * sizeof(YamlNode);
  const ParsedYaml refused = ParseJson(many + "0]", small);
  ASSERT_NE(refused.error, std::nullopt);
  EXPECT_EQ(refused.error->kind, YamlError::Kind::kMemory);
  EXPECT_LE(refused.bytes, small.max_bytes);
}

TEST(JsonDocumentTest, LooksLikeJson) {
  EXPECT_TRUE(LooksLikeJson(" \n{\"a\": 1}"));
  EXPECT_TRUE(LooksLikeJson("[1]"));
  EXPECT_FALSE(LooksLikeJson("openapi: 3.0.0"));
  EXPECT_FALSE(LooksLikeJson(""));
}

std::string Utf16(const std::string& ascii, bool big_endian) {
  std::string out = big_endian ? "\xFE\xFF" : "\xFF\xFE";
  for (char c : ascii) out += big_endian ? std::string{'\0', c} : std::string{c, '\0'};
  return out;
}

std::string Utf32(const std::string& ascii, bool big_endian) {
  std::string out = big_endian ? std::string("\0\0\xFE\xFF", 4) : std::string("\xFF\xFE\0\0", 4);
  for (char c : ascii) out += big_endian ? std::string{'\0', '\0', '\0', c} : std::string{c, '\0', '\0', '\0'};
  return out;
}

TEST(TextEncodingTest, WideFilesBecomeUtf8) {
  EXPECT_EQ(*DecodeToUtf8(Utf16("ab", false)), "ab");
  EXPECT_EQ(*DecodeToUtf8(Utf16("ab", true)), "ab");
  EXPECT_EQ(*DecodeToUtf8(Utf32("ab", false)), "ab");
  EXPECT_EQ(*DecodeToUtf8(Utf32("ab", true)), "ab");
  EXPECT_EQ(*DecodeToUtf8(std::string("\xFF\xFE\x3D\xD8\x4D\xDC", 6)), "\xF0\x9F\x91\x8D") << "a surrogate pair";
  EXPECT_EQ(*DecodeToUtf8("\xEF\xBB\xBFplain"), "\xEF\xBB\xBFplain") << "UTF-8 is left alone";
  EXPECT_FALSE(DecodeToUtf8(std::string("\xFF\xFE\x3D\xD8", 4)).ok()) << "a lone high surrogate";
  EXPECT_FALSE(DecodeToUtf8(std::string("\xFF\xFE\x41", 3)).ok()) << "an odd byte count";
}

// Every format reads a UTF-16 or UTF-32 file with a BOM, and its own includes too.
TEST(TextEncodingTest, EveryFormatReadsWideFiles) {
  const std::string raml = "#%RAML 1.0\ntitle: Wide\ntypes:\n  T: !include t.raml\n/a:\n  get:\n";
  const std::string oas = "openapi: 3.0.3\ninfo: {title: Wide, version: '1'}\npaths: {}\n";
  const std::string wsdl =
      "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\" "
      "name=\"Wide\" targetNamespace=\"urn:w\"/>\n";
  for (const bool big_endian : {false, true}) {
    for (const auto& encode : {Utf16, Utf32}) {
      const SpecReport r = ReadSpec(InMemorySpecSource(std::map<std::string, std::string>{
                                        {"api.raml", encode(raml, big_endian)},
                                        {"t.raml", encode("#%RAML 1.0 DataType\ntype: string\n", big_endian)}}),
                                    "api.raml");
      EXPECT_TRUE(r.valid()) << (r.problems.empty() ? "" : r.problems[0].ToString());
      EXPECT_EQ(r.model.title, "Wide");
      const SpecReport o = ReadSpec(InMemorySpecSource(std::map<std::string, std::string>{{"api.yaml", encode(oas, big_endian)}}), "api.yaml");
      EXPECT_TRUE(o.valid()) << (o.problems.empty() ? "" : o.problems[0].ToString());
      EXPECT_EQ(o.model.format_version, "3.0.3");
      const SpecReport w = ReadSpec(InMemorySpecSource(std::map<std::string, std::string>{{"api.wsdl", encode(wsdl, big_endian)}}), "api.wsdl");
      EXPECT_TRUE(w.valid()) << (w.problems.empty() ? "" : w.problems[0].ToString());
      EXPECT_EQ(w.model.format, "wsdl");
    }
  }
  const SpecReport broken = ReadSpec(InMemorySpecSource(std::map<std::string, std::string>{{"api.yaml", std::string("\xFF\xFE\x3D\xD8", 4)}}), "api.yaml");
  ASSERT_FALSE(broken.valid());
  EXPECT_NE(broken.problems[0].message.find("not valid UTF-16"), std::string::npos);
}

// Twilio's description: JSON with escaped surrogate pairs reads as an OpenAPI document.
TEST(JsonDocumentTest, OasJsonWithEmojiAndLongKeys) {
  const std::string key(1500, 'p');
  const std::string spec = R"({"openapi": "3.0.3", "info": {"title": "Twilio \ud83d\udc4d", "version": "1"},
    "paths": {}, "components": {"schemas": {")" + key + R"(": {"type": "string"}}}})";
  const SpecReport report = ReadSpec(InMemorySpecSource(std::map<std::string, std::string>{{"api.json", spec}}), "api.json");
  ASSERT_TRUE(report.valid()) << report.problems[0].ToString();
  EXPECT_EQ(report.model.title, "Twilio \xF0\x9F\x91\x8D");
  EXPECT_TRUE(report.model.types.count(key));
}

}  // namespace
}  // namespace agora::specs
