#include "compat/compat.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace agora::compat {
namespace {

using specs::ApiModel;
using specs::Operation;
using specs::Parameter;
using specs::Property;
using specs::Resource;
using specs::Shape;

Shape Type(const std::string& type) {
  Shape shape;
  shape.type = type;
  return shape;
}

Shape Ref(const std::string& name) {
  Shape shape;
  shape.ref = name;
  return shape;
}

// A small hand-built REST API: GET/DELETE /pets/{id} and POST /pets taking a Pet.
ApiModel Pets() {
  ApiModel model;
  model.format = "oas";
  model.format_version = "3.0.3";
  Shape pet = Type("object");
  Shape kind = Type("string");
  kind.enum_values = {R"("cat")", R"("dog")"};
  Shape next = Ref("Pet");  // recursive
  pet.properties = {{"name", true, false, {Type("string")}, {"api.yaml", 30, 9}},
                    {"kind", false, false, {kind}, {"api.yaml", 31, 9}},
                    {"parent", false, false, {next}, {"api.yaml", 32, 9}}};
  pet.location = {"api.yaml", 28, 5};
  model.types["Pet"] = pet;

  Operation get;
  get.method = "get";
  get.location = {"api.yaml", 5, 5};
  Parameter id{"id", "path", "", true, false, {Type("string")}, {}, {"api.yaml", 6, 9}};
  Parameter fields{"fields", "query", "", false, false, {Type("string")}, {}, {"api.yaml", 7, 9}};
  get.parameters = {id, fields};
  get.responses = {{"200", "", {}, {{"application/json", {Ref("Pet")}, {}, {"api.yaml", 9, 11}}}, {"api.yaml", 8, 9}}};
  Operation remove;
  remove.method = "delete";
  remove.location = {"api.yaml", 12, 5};
  remove.parameters = {id};
  Operation post;
  post.method = "post";
  post.location = {"api.yaml", 16, 5};
  post.request_bodies = {{"application/json", {Ref("Pet")}, {}, {"api.yaml", 17, 9}}};
  post.request_body_required = true;
  post.responses = {{"201", "", {}, {}, {"api.yaml", 18, 9}}};
  model.resources = {{"/pets/{id}", "", "", {get, remove}, {"api.yaml", 4, 3}},
                     {"/pets", "", "", {post}, {"api.yaml", 15, 3}}};
  return model;
}

Operation& Find(ApiModel& model, const std::string& path, const std::string& method) {
  for (auto& resource : model.resources)
    if (resource.path == path)
      for (auto& operation : resource.operations)
        if (operation.method == method) return operation;
  throw std::runtime_error("no " + method + " " + path);
}

std::vector<std::string> Ids(const Report& report) {
  std::vector<std::string> ids;
  for (const Change& change : report.changes) ids.push_back(change.id);
  return ids;
}

const Change* Get(const Report& report, const std::string& id) {
  for (const Change& change : report.changes)
    if (change.id == id) return &change;
  return nullptr;
}

TEST(CompatTest, TheSameModelHasNoChanges) { EXPECT_TRUE(Compare(Pets(), Pets()).changes.empty()); }

TEST(CompatTest, AnOperationRemovedBreaksClientsWithBothLocations) {
  ApiModel revision = Pets();
  auto& operations = revision.resources[0].operations;
  operations.erase(operations.begin() + 1);  // DELETE /pets/{id}
  const Report report = Compare(Pets(), revision);
  ASSERT_EQ(Ids(report), std::vector<std::string>{"api-removed-without-deprecation"});
  const Change& change = report.changes[0];
  EXPECT_EQ(change.level, Level::kErr);
  EXPECT_EQ(change.operation, "DELETE /pets/{id}");
  EXPECT_EQ(change.base, (specs::SourceLocation{"api.yaml", 12, 5}));
  EXPECT_FALSE(change.revision.known());
  EXPECT_TRUE(report.Reaches(Level::kErr));
  EXPECT_EQ(report.Count(Level::kErr), 1u);
  // The reverse is an addition, which breaks nobody.
  const Report added = Compare(revision, Pets());
  ASSERT_EQ(Ids(added), std::vector<std::string>{"endpoint-added"});
  EXPECT_EQ(added.changes[0].level, Level::kInfo);
  EXPECT_FALSE(added.Reaches(Level::kWarn));
}

TEST(CompatTest, ARemovalAfterADeprecationIsInformation) {
  ApiModel base = Pets();
  Find(base, "/pets/{id}", "delete").deprecated = true;
  ApiModel revision = Pets();
  revision.resources[0].operations.pop_back();
  EXPECT_EQ(Ids(Compare(base, revision)), std::vector<std::string>{"api-removed-with-deprecation"});
  // ... unless its sunset is still to come.
  Find(base, "/pets/{id}", "delete").extensions["x-sunset"] = R"("2099-12-31")";
  EXPECT_EQ(Ids(Compare(base, revision)), std::vector<std::string>{"api-removed-before-sunset"});
}

TEST(CompatTest, AParameterMadeRequiredBreaksAndOptionalDoesNot) {
  ApiModel revision = Pets();
  Find(revision, "/pets/{id}", "get").parameters[1].required = true;
  const Report report = Compare(Pets(), revision);
  ASSERT_EQ(Ids(report), std::vector<std::string>{"request-parameter-became-required"});
  EXPECT_EQ(report.changes[0].level, Level::kErr);
  EXPECT_EQ(report.changes[0].base, (specs::SourceLocation{"api.yaml", 7, 9}));
  EXPECT_EQ(Ids(Compare(revision, Pets())), std::vector<std::string>{"request-parameter-became-optional"});
}

TEST(CompatTest, PathVariablesRenamedAreTheSamePath) {
  ApiModel revision = Pets();
  revision.resources[0].path = "/pets/{petId}";
  for (auto& operation : revision.resources[0].operations) operation.parameters[0].name = "petId";
  EXPECT_TRUE(Compare(Pets(), revision).changes.empty());
}

TEST(CompatTest, ChangesInsideANamedTypeAreReportedWhereverItIsUsed) {
  ApiModel revision = Pets();
  Shape& kind = revision.types["Pet"].properties[1].shape[0];
  kind.enum_values = {R"("cat")"};  // "dog" removed
  const Report report = Compare(Pets(), revision);
  // Sent by POST /pets (breaks the clients sending "dog"), received by GET (safe).
  ASSERT_TRUE(Get(report, "request-property-enum-value-removed"));
  EXPECT_EQ(Get(report, "request-property-enum-value-removed")->operation, "POST /pets");
  EXPECT_EQ(Get(report, "request-property-enum-value-removed")->level, Level::kErr);
  ASSERT_TRUE(Get(report, "response-property-enum-value-removed"));
  EXPECT_EQ(Get(report, "response-property-enum-value-removed")->operation, "GET /pets/{id}");
  EXPECT_EQ(Get(report, "response-property-enum-value-removed")->level, Level::kInfo);
}

TEST(CompatTest, RecursiveTypesCompareFinitelyAndReachDeepChanges) {
  ApiModel revision = Pets();
  revision.types["Pet"].properties[0].required = false;  // name: required -> optional
  const Report report = Compare(Pets(), revision);
  EXPECT_TRUE(Get(report, "request-property-became-optional"));
  EXPECT_TRUE(Get(report, "response-property-became-optional"));
  // A type referring to itself on one side only is compared without looping.
  ApiModel looping = Pets();
  looping.types["Pet"].properties[2].shape[0] = Ref("Other");
  looping.types["Other"] = Ref("Pet");
  EXPECT_NO_THROW(Compare(Pets(), looping));
  ApiModel self = Pets();
  self.types["Pet"] = Ref("Pet");  // a reference cycle without content
  EXPECT_NO_THROW(Compare(self, Pets()));
}

TEST(CompatTest, NewRequiredRequestPropertyBreaksAndResponseRemovalBreaks) {
  ApiModel revision = Pets();
  revision.types["Pet"].properties.push_back({"owner", true, false, {Type("string")}, {"api.yaml", 33, 9}});
  revision.types["Pet"].properties.erase(revision.types["Pet"].properties.begin());  // name removed
  const Report report = Compare(Pets(), revision);
  const auto ids = Ids(report);
  EXPECT_TRUE(std::count(ids.begin(), ids.end(), "new-required-request-property"));
  EXPECT_TRUE(std::count(ids.begin(), ids.end(), "response-required-property-removed"));
  EXPECT_TRUE(std::count(ids.begin(), ids.end(), "request-property-removed"));
  EXPECT_TRUE(std::count(ids.begin(), ids.end(), "response-required-property-added"));
  // Most severe first.
  EXPECT_TRUE(std::is_sorted(report.changes.begin(), report.changes.end(),
                             [](const Change& a, const Change& b) { return a.level > b.level; }));
}

TEST(CompatTest, RequestBodyAndResponseStatusChanges) {
  ApiModel revision = Pets();
  Operation& post = Find(revision, "/pets", "post");
  post.request_bodies[0].media_type = "application/xml";
  post.responses[0].status = "202";
  const auto ids = Ids(Compare(Pets(), revision));
  for (const char* id : {"request-body-media-type-removed", "request-body-media-type-added",
                         "response-success-status-removed", "response-success-status-added"})
    EXPECT_TRUE(std::count(ids.begin(), ids.end(), id)) << id;
}

TEST(CompatTest, StabilityBelowTheThresholdIsLeftOut) {
  ApiModel base = Pets();
  Find(base, "/pets/{id}", "delete").extensions["x-stability-level"] = R"("alpha")";
  ApiModel revision = base;
  revision.resources[0].operations.pop_back();
  EXPECT_TRUE(Compare(base, revision).changes.empty());
  Options options;
  options.stability_level = "alpha";
  EXPECT_EQ(Ids(Compare(base, revision, options)), std::vector<std::string>{"api-removed-without-deprecation"});
}

TEST(CompatTest, EveryRuleIdIsKebabCaseAndUnique) {
  std::set<std::string_view> seen;
  size_t oasdiff = 0;
  for (const Rule& rule : Rules()) {
    EXPECT_TRUE(seen.insert(rule.id).second) << rule.id;
    EXPECT_EQ(rule.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-"), std::string_view::npos) << rule.id;
    EXPECT_EQ(FindRule(rule.id), &rule);
    oasdiff += rule.oasdiff;
  }
  EXPECT_GE(oasdiff, 243u);
  EXPECT_FALSE(FindRule("no-such-rule"));
}

TEST(CompatTest, LevelsParseInEitherSpelling) {
  EXPECT_EQ(ParseLevel("err"), Level::kErr);
  EXPECT_EQ(ParseLevel("ERROR"), Level::kErr);
  EXPECT_EQ(ParseLevel("Warn"), Level::kWarn);
  EXPECT_EQ(ParseLevel("info"), Level::kInfo);
  EXPECT_FALSE(ParseLevel("fatal"));
  EXPECT_EQ(LevelName(Level::kWarn), "WARN");
}

}  // namespace
}  // namespace agora::compat
