// The API reference over the shared corpus's real specifications (RAML, OAS, WSDL): each model
// read, stored as JSON and read back as the portal does, then every page rendered: the summary,
// every operation and every data type. Every operation has its own address and can be found
// by it. The tests fail, never skip, without the corpus.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "portal/reference_page.h"
#include "specs/spec_reader.h"

namespace agora::portal {
namespace {

struct CorpusSpec {
  std::string path;
  std::string main;  // empty: the path is the file
};

std::string Corpus(const std::string& path) { return std::string(AGORA_CORPUS_DIR) + "/" + path; }

specs::ApiModel ReadModel(const CorpusSpec& spec) {
  const std::filesystem::path file(Corpus(spec.path));
  const auto report = spec.main.empty()
                          ? specs::ReadSpec(specs::DirectorySpecSource(file.parent_path().string()), file.filename().string())
                          : specs::ReadSpec(specs::DirectorySpecSource(file.string()), spec.main);
  // The portal reads what publication stored: the model's JSON.
  auto stored = specs::ApiModel::FromJson(report.model.ToJson());
  EXPECT_TRUE(stored.ok()) << stored.status().ToString();
  return stored.ok() ? std::move(stored).value() : specs::ApiModel{};
}

class CorpusReferenceTest : public ::testing::TestWithParam<CorpusSpec> {};

TEST_P(CorpusReferenceTest, RendersEveryPage) {
  ASSERT_TRUE(std::filesystem::exists(Corpus(GetParam().path))) << "corpus missing: " << Corpus(GetParam().path);
  const specs::ApiModel model = ReadModel(GetParam());
  ASSERT_FALSE(model.format.empty());
  if (GetParam().path.find("webhook") != std::string::npos) EXPECT_FALSE(model.webhooks.empty()) << "the corpus's webhooks";
  const assets::AssetVersion version{"org", {"g", "a", "1.0.0"}};
  Html summary;
  RenderReferenceSummary(summary, version, model);
  std::set<std::string> keys;
  for (const auto* resources : {&model.resources, &model.webhooks}) {
    for (const auto& resource : *resources) {
      for (const auto& operation : resource.operations) {
        const std::string key = OperationKey(model, resource, operation);
        EXPECT_TRUE(keys.insert(key).second) << "two operations share the address " << key;
        const auto found = FindOperation(model, key);
        ASSERT_TRUE(found) << key;
        EXPECT_EQ(found->operation, &operation) << key;
        EXPECT_NE(summary.str().find("href=\"/exchange/g/a/1.0.0/api/operations/" + UrlEncodePath(key) + "\""),
                  std::string::npos)
            << "the summary links " << key;
        Html page;
        RenderOperation(page, version, model, *found);
        EXPECT_NE(page.str().find("<h1>"), std::string::npos);
        EXPECT_EQ(page.str().find("<script"), std::string::npos) << key;
      }
    }
  }
  for (const auto& [name, shape] : model.types) {
    Html page;
    RenderDataType(page, version, model, name, shape);
    EXPECT_NE(page.str().find(Escape(name)), std::string::npos);
    EXPECT_EQ(page.str().find("<script"), std::string::npos) << name;
  }
  EXPECT_EQ(summary.str().find("<script"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, CorpusReferenceTest,
    ::testing::Values(CorpusSpec{"oas/petstore-oas3.0.yaml", ""}, CorpusSpec{"oas/uspto-oas3.0.json", ""},
                      CorpusSpec{"oas/link-example-oas3.0.yaml", ""}, CorpusSpec{"oas/callback-example-oas3.0.json", ""},
                      CorpusSpec{"oas/petstore-expanded-swagger2.0.json", ""}, CorpusSpec{"oas/uber-swagger2.0.yaml", ""},
                      CorpusSpec{"oas/redocly-museum-oas3.1.yaml", ""}, CorpusSpec{"oas/webhook-example-oas3.1.json", ""},
                      CorpusSpec{"oas/anypoint-api-governance-multifile", "api.yaml"},
                      CorpusSpec{"oas/anypoint-access-management-oas3.0-large.yaml", ""},
                      CorpusSpec{"raml/google-drive-api", "google-drive-api.raml"},
                      CorpusSpec{"raml/alainn-cosmetics", "api.raml"}, CorpusSpec{"raml/instagram-1.0", "api.raml"},
                      CorpusSpec{"raml/nexmo-sms-api.raml", ""}, CorpusSpec{"raml/mule-agent-api-0.8.raml", ""},
                      CorpusSpec{"raml/jira-v2-0.8", "api.raml"}, CorpusSpec{"raml-fragments/lib-fragment.raml", ""},
                      CorpusSpec{"wsdl/cxf-CustomerService.wsdl", ""}, CorpusSpec{"wsdl/cxf-hello_world_soap12.wsdl", ""},
                      CorpusSpec{"wsdl/osgp-secret-management", "wsdl/SecretManagement.wsdl"}),
    [](const ::testing::TestParamInfo<CorpusSpec>& info) {
      std::string name;
      for (char c : info.param.path)
        if (std::isalnum(static_cast<unsigned char>(c))) name += c;
      return name;
    });

}  // namespace
}  // namespace agora::portal
