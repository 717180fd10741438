#include "packaging/exchange_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace agora::packaging {
namespace {

ExchangeDescriptor FlightsApi() {
  ExchangeDescriptor d;
  d.main = "american-flights-api.raml";
  d.name = "American \"Flights\" API";
  d.classifier = "raml";
  d.tags = {"flights", "training"};
  d.group_id = "org-id";
  d.asset_id = "american-flights-api";
  d.version = "1.0.0";
  d.api_version = "v1";
  d.dependencies = {{"org-id", "flight-type", "1.0.1"}, {"org-id", "flight-example", "1.0.1"}};
  d.organization_id = "org-id";
  d.original_format = "raml";
  d.original_format_version = "1.0";
  return d;
}

TEST(ExchangeJsonTest, PrettyPrintsInExchangesKeyOrder) {
  EXPECT_EQ(ToExchangeJson(FlightsApi()),
            R"({
  "main": "american-flights-api.raml",
  "name": "American \"Flights\" API",
  "classifier": "raml",
  "tags": [
    "flights",
    "training"
  ],
  "groupId": "org-id",
  "assetId": "american-flights-api",
  "version": "1.0.0",
  "apiVersion": "v1",
  "dependencies": [
    {
      "groupId": "org-id",
      "assetId": "flight-type",
      "version": "1.0.1"
    },
    {
      "groupId": "org-id",
      "assetId": "flight-example",
      "version": "1.0.1"
    }
  ],
  "organizationId": "org-id",
  "originalFormat": "raml",
  "originalFormatVersion": "1.0"
}
)");
}

TEST(ExchangeJsonTest, EmptyListsStayOnOneLineAndTextIsEscaped) {
  ExchangeDescriptor d;
  d.name = "tab\there \\ \xC3\xA9";
  const std::string text = ToExchangeJson(d);
  EXPECT_NE(text.find("\n  \"tags\": [],\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\n  \"dependencies\": [],\n"), std::string::npos) << text;
  EXPECT_EQ(boost::json::parse(text).at("name").as_string(), d.name);
}

TEST(ExchangeJsonTest, KeepsUnknownKeysOfAnUploadedDescriptor) {
  ExchangeDescriptor d = FlightsApi();
  d.uploaded_json = R"({"main": "stale.raml", "metadata": {"branchId": "master", "ids": [1, 2]},
                        "backwardsCompatible": false, "descriptorVersion": "1.0.0"})";
  const boost::json::object o = boost::json::parse(ToExchangeJson(d)).as_object();
  std::vector<std::string> keys;
  for (const auto& member : o) keys.emplace_back(member.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"main", "name", "classifier", "tags", "groupId", "assetId", "version",
                                            "apiVersion", "dependencies", "organizationId", "originalFormat",
                                            "originalFormatVersion", "metadata", "backwardsCompatible",
                                            "descriptorVersion"}));
  EXPECT_EQ(o.at("main").as_string(), "american-flights-api.raml") << "the form wins over the upload";
  EXPECT_EQ(o.at("metadata").at("ids").as_array().size(), 2u);
  EXPECT_FALSE(o.at("backwardsCompatible").as_bool());
}

TEST(ExchangeJsonTest, IgnoresAnUploadedDescriptorThatIsNotAnObject) {
  const std::string plain = ToExchangeJson(FlightsApi());
  for (const char* uploaded : {"not json", "[1, 2]", "{\"unclosed\": ", "\"text\""}) {
    ExchangeDescriptor d = FlightsApi();
    d.uploaded_json = uploaded;
    EXPECT_EQ(ToExchangeJson(d), plain) << uploaded;
  }
}

}  // namespace
}  // namespace agora::packaging
