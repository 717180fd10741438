#include "portal/reference_page.h"

#include <gtest/gtest.h>

namespace agora::portal {
namespace {

bool Contains(const std::string& html, const std::string& part) { return html.find(part) != std::string::npos; }

specs::Shape Named(const std::string& ref) {
  specs::Shape s;
  s.ref = ref;
  return s;
}

specs::ApiModel RestModel() {
  specs::ApiModel model;
  model.format = "oas";
  model.format_version = "3.0.3";
  model.title = "Orders <API>";
  model.base_uris = {"https://api.example.com/v1"};
  model.description = "Manages **orders**. <script>alert(1)</script>";
  specs::Shape order;
  order.type = "object";
  order.name = "Order";
  specs::Shape id;
  id.type = "string";
  id.pattern = "^o-[0-9]+$";
  order.properties.push_back({"id", true, false, {id}, {}});
  specs::Shape items;
  items.type = "array";
  items.items = {Named("Order")};  // recursive: stays a link
  order.properties.push_back({"children", false, false, {items}, {}});
  order.examples = {{"", "{\"id\":\"o-1\"}", "", {}}};
  model.types["Order"] = order;
  specs::Operation get;
  get.method = "get";
  get.operation_id = "getOrder";
  get.summary = "One order";
  specs::Shape limit;
  limit.type = "integer";
  limit.maximum = 100;
  get.parameters = {{"orderId", "path", "The order's id", true, false, {id}, {}, {}},
                    {"limit", "query", "", false, false, {limit}, {}, {}},
                    {"X-Trace", "header", "<i>trace</i>", false, true, {}, {}, {}}};
  specs::Response ok;
  ok.status = "200";
  ok.description = "The order";
  ok.bodies = {{"application/json", {Named("Order")}, {{"sample", "{\"id\":\"o-2\",\"total\":1}", "", {}}}, {}}};
  specs::Response missing;
  missing.status = "404";
  get.responses = {ok, missing};
  get.security = {{{"oauth", {"orders:read"}}}};
  model.resources = {{"/orders/{orderId}", "", "", {get}, {}}};
  model.security_schemes = {{"oauth", "oauth2", "OAuth 2.0", {{"flows", "{\"implicit\":{}}"}}, {}}};
  return model;
}

TEST(ReferenceTest, OperationsHaveStableKeys) {
  const auto model = RestModel();
  EXPECT_EQ(OperationKey(model, model.resources[0], model.resources[0].operations[0]), "get/orders/{orderId}");
  const auto found = FindOperation(model, "get/orders/{orderId}");
  ASSERT_TRUE(found);
  EXPECT_EQ(OperationTitle(model, *found), "GET /orders/{orderId}");
  EXPECT_FALSE(FindOperation(model, "post/orders/{orderId}"));
}

TEST(ReferenceTest, SummaryListsOperationsSchemesAndTypes) {
  Html html;
  RenderReferenceSummary(html, assets::AssetVersion{"o", {"g", "a", "1.0.0"}}, RestModel());
  const std::string page = html.Take();
  EXPECT_TRUE(Contains(page, "Orders &lt;API&gt;"));
  EXPECT_TRUE(Contains(page, "<strong>orders</strong>")) << "descriptions are Markdown";
  EXPECT_FALSE(Contains(page, "<script>")) << page;
  EXPECT_TRUE(Contains(page, "href=\"/exchange/g/a/1.0.0/api/operations/get/orders/%7BorderId%7D\"")) << page;
  EXPECT_TRUE(Contains(page, "<span class=\"method\">GET</span>"));
  EXPECT_TRUE(Contains(page, "id=\"security-oauth\""));
  EXPECT_TRUE(Contains(page, "href=\"/exchange/g/a/1.0.0/api/types/Order\""));
  EXPECT_TRUE(Contains(page, "&quot;implicit&quot;: {}")) << "settings are shown as JSON";
}

TEST(ReferenceTest, AnOperationShowsParametersBodiesResponsesAndSecurity) {
  const auto model = RestModel();
  Html html;
  RenderOperation(html, assets::AssetVersion{"o", {"g", "a", "1.0.0"}}, model, *FindOperation(model, "get/orders/{orderId}"));
  const std::string page = html.Take();
  for (const char* part : {"<h3>Path parameters</h3>", "<h3>Query parameters</h3>", "<h3>Headers</h3>",
                           "<span class=\"name\">orderId</span> <span class=\"required\">required</span>",
                           "pattern ^o-[0-9]+$", "&lt;= 100", "(deprecated)", "&lt;i&gt;trace&lt;/i&gt;",
                           "<h3>200</h3>", "<h3>404</h3>", "<h4>application/json</h4>",
                           "<a href=\"/exchange/g/a/1.0.0/api/types/Order\">Order</a>",
                           "Example: sample", "&quot;total&quot;: 1",
                           "href=\"/exchange/g/a/1.0.0/api/#security-oauth\">oauth</a> (scopes: orders:read)",
                           "<code>https://api.example.com/v1/orders/{orderId}</code>"})
    EXPECT_TRUE(Contains(page, part)) << part << "\n" << page;
}

TEST(ReferenceTest, ATypePageWritesInlineShapesAndLinksNamedOnes) {
  const auto model = RestModel();
  Html html;
  RenderDataType(html, assets::AssetVersion{"o", {"g", "a", "1.0.0"}}, model, "Order", model.types.at("Order"));
  const std::string page = html.Take();
  EXPECT_TRUE(Contains(page, "<span class=\"name\">children</span> <span class=\"type\">array of <a "
                             "href=\"/exchange/g/a/1.0.0/api/types/Order\">Order</a></span>"))
      << page;
  EXPECT_TRUE(Contains(page, "<h2>Used by</h2>"));
  EXPECT_TRUE(Contains(page, ">GET /orders/{orderId}</a>"));
}

TEST(ReferenceTest, WebhooksHaveTheirOwnSectionAndPages) {
  auto model = RestModel();
  specs::Operation post;
  post.method = "post";
  post.summary = "A new order";
  post.request_bodies = {{"application/json", {Named("Order")}, {}, {}}};
  model.webhooks = {{"newOrder", "", "", {post}, {}}};
  const std::string key = OperationKey(model, model.webhooks[0], model.webhooks[0].operations[0]);
  EXPECT_EQ(key, "webhooks/newOrder/post");
  const auto found = FindOperation(model, key);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->operation, &model.webhooks[0].operations[0]);
  EXPECT_EQ(OperationTitle(model, *found), "Webhook POST newOrder");
  EXPECT_FALSE(FindOperation(model, "post/newOrder")) << "a webhook is no path of the API";

  Html summary;
  RenderReferenceSummary(summary, assets::AssetVersion{"o", {"g", "a", "1.0.0"}}, model);
  EXPECT_TRUE(Contains(summary.str(), "<h2>Webhooks</h2>")) << summary.str();
  EXPECT_TRUE(Contains(summary.str(), "href=\"/exchange/g/a/1.0.0/api/operations/webhooks/newOrder/post\""));
  Html page;
  RenderOperation(page, assets::AssetVersion{"o", {"g", "a", "1.0.0"}}, model, *found);
  EXPECT_TRUE(Contains(page.str(), "A webhook")) << page.str();
  EXPECT_FALSE(Contains(page.str(), "https://api.example.com/v1newOrder")) << "a webhook has no URL of the API's";
  Html type;
  RenderDataType(type, assets::AssetVersion{"o", {"g", "a", "1.0.0"}}, model, "Order", model.types.at("Order"));
  EXPECT_TRUE(Contains(type.str(), ">Webhook POST newOrder</a>")) << "a type lists the webhooks that use it";
}

TEST(ReferenceTest, OpenApi31KeywordsAreShown) {
  specs::Shape shape;
  shape.type_array = {"string", "integer"};
  shape.const_value = "\"fixed\"";
  shape.exclusive_minimum_value = 0;
  shape.exclusive_maximum_value = 10;
  auto model = RestModel();
  model.types["Odd"] = shape;
  Html html;
  RenderDataType(html, assets::AssetVersion{"o", {"g", "a", "1.0.0"}}, model, "Odd", model.types.at("Odd"));
  const std::string page = html.Take();
  for (const char* part : {"string | integer", "always &quot;fixed&quot;", "&gt; 0", "&lt; 10"})
    EXPECT_TRUE(Contains(page, part)) << part << "\n" << page;
}

TEST(ReferenceTest, SoapOperationsAreKeyedByPortTypeAndName) {
  specs::ApiModel model;
  model.format = "wsdl";
  specs::Operation op;
  op.method = "post";
  op.operation_id = "GetCustomer";
  op.soap_action = "urn:get";
  specs::Operation other = op;
  other.operation_id = "UpdateCustomer";
  model.resources = {{"CustomerPortType", "", "", {op, other}, {}}};
  model.services = {{"CustomerService", {{"CustomerPort", "Binding", "CustomerPortType", "http://x/customers", "soap11", {}}}, {}}};
  EXPECT_EQ(OperationKey(model, model.resources[0], model.resources[0].operations[1]), "CustomerPortType/UpdateCustomer");
  const auto found = FindOperation(model, "CustomerPortType/GetCustomer");
  ASSERT_TRUE(found);
  EXPECT_EQ(OperationTitle(model, *found), "CustomerPortType.GetCustomer");
  Html html;
  RenderReferenceSummary(html, assets::AssetVersion{"o", {"g", "a", "1.0.0"}}, model);
  EXPECT_TRUE(Contains(html.str(), "<h2>Services</h2>"));
  EXPECT_TRUE(Contains(html.str(), "<code>http://x/customers</code>"));
}

TEST(ReferenceTest, PrettyPrintsJsonExamples) {
  EXPECT_EQ(PrettyJson("{\"a\":[1,{\"b\":null}]}"), "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ]\n}");
  EXPECT_EQ(PrettyJson("\"<order/>\""), "<order/>");
  EXPECT_EQ(PrettyJson("not json"), "not json");
}

}  // namespace
}  // namespace agora::portal
