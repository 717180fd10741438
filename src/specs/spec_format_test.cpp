#include "specs/spec_format.h"

#include <gtest/gtest.h>

namespace agora::specs {
namespace {

void Expect(std::string_view content, const std::string& format, const std::string& version) {
  const SpecFormat f = DetectSpecFormat("file", content);
  EXPECT_EQ(f.format, format) << content;
  EXPECT_EQ(f.version, version) << content;
}

TEST(SpecFormatTest, RecognisesRaml) {
  Expect("#%RAML 1.0\ntitle: x\n", "raml", "1.0");
  Expect("\xEF\xBB\xBF#%RAML 1.0 DataType\ntype: object", "raml", "1.0");
  Expect("#%RAML 0.8\r\ntitle: x", "raml", "0.8");
  Expect("#%RAML 1.01\n", "", "");
  Expect("title: no header\n", "", "");
}

TEST(SpecFormatTest, RecognisesOpenApiInYamlAndJson) {
  Expect("openapi: 3.0.3\ninfo:\n  title: x\n", "oas", "3.0.3");
  Expect("swagger: '2.0'\ninfo: {}\n", "oas", "2.0");
  Expect("{\"openapi\": \"3.1.0\", \"info\": {}}", "oas", "3.1.0");
  Expect("{\"swagger\": \"2.0\"}", "oas", "2.0");
  Expect("{\"openapi\": ", "", "");
  Expect("key: [unclosed", "", "");
  Expect("- a list\n", "", "");
}

TEST(SpecFormatTest, OnlyRealOpenApiVersionsCount) {
  Expect("openapi: \"3.0\"\n", "oas", "3.0");
  Expect("openapi: banana\n", "", "");
  Expect("swagger: '1.2'\n", "", "");
  Expect("{\"openapi\": 3.0}", "", "");  // a number is not a version string
  Expect("info:\n  openapi: 3.0.3\n", "", "");  // the key must be top-level
  Expect("{\"info\": {\"swagger\": \"2.0\"}}", "", "");
}

TEST(SpecFormatTest, RecognisesRamlFragmentsAndRejectsLookalikes) {
  for (const char* fragment : {"Library", "DataType", "Trait", "ResourceType", "SecurityScheme", "Overlay"})
    Expect(std::string("#%RAML 1.0 ") + fragment + "\nusage: x\n", "raml", "1.0");
  Expect(" #%RAML 1.0\n", "", "");
  Expect("#%RAML 2.0\n", "", "");
  Expect("title: x\n#%RAML 1.0\n", "", "");
}

TEST(SpecFormatTest, SurvivesHostileInput) {
  Expect(std::string(100000, '['), "", "");
  Expect(std::string(100000, '{'), "", "");
  Expect(std::string(50000, '<') + "definitions", "", "");
  Expect(std::string("\0\xff\xfe", 3), "", "");
}

TEST(SpecFormatTest, RecognisesWsdl11) {
  Expect("<?xml version=\"1.0\"?><wsdl:definitions xmlns:wsdl=\"http://schemas.xmlsoap.org/wsdl/\"/>", "wsdl", "1.1");
  Expect("<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\"></definitions>", "wsdl", "1.1");
  Expect("<definitions xmlns=\"http://example.com/\"/>", "", "");
  Expect("<unclosed", "", "");
  Expect("<description xmlns=\"http://www.w3.org/ns/wsdl\"/>", "", "");  // WSDL 2.0 is not WSDL 1.1
  Expect("<?xml version=\"1.0\"?>\n<!-- generated -->\n<w:definitions xmlns:w=\"http://schemas.xmlsoap.org/wsdl/\"/>",
         "wsdl", "1.1");
  Expect("", "", "");
}

}  // namespace
}  // namespace agora::specs
