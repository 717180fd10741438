#include "specs/archive_spec_source.h"

#include "packaging/test_zips.h"

namespace agora::specs {
namespace {

using packaging::testing::Files;

// Fragment A uses fragment B by B's coordinates; an API uses A. In a fat package both lie at the
// root, and A's reference, relative to A's folder, names exchange_modules/.../A/.../exchange_modules/.../B.
constexpr char kLibraryB[] = "#%RAML 1.0 Library\ntypes:\n  Code: string\n";
constexpr char kLibraryA[] =
    "#%RAML 1.0 Library\nuses:\n  b: exchange_modules/org/frag-b/1.0.0/lib.raml\ntypes:\n  Item: {properties: {code: b.Code}}\n";
constexpr char kApi[] =
    "#%RAML 1.0\ntitle: T\nuses:\n  a: exchange_modules/org/frag-a/1.0.0/lib.raml\n/items:\n  get:\n    responses:\n"
    "      200: {body: {application/json: {type: a.Item}}}\n";
constexpr char kNestedB[] = "exchange_modules/org/frag-a/1.0.0/exchange_modules/org/frag-b/1.0.0/lib.raml";

class ArchiveSpecSourceTest : public packaging::testing::ZipTest {
 protected:
  ArchiveSpecSource Source(const Files& files, std::map<std::string, SpecArchive> dependencies = {}) {
    return ArchiveSpecSource({MakeZip("spec.zip", files), true, ""}, std::move(dependencies), 1 << 20);
  }
};

// A fat package agora builds must read alone, as `agora spec validate` and a republication
// without dependencies read it: a transitive dependency resolves at the root.
TEST_F(ArchiveSpecSourceTest, FatPackageResolvesTransitiveDependenciesAtTheRoot) {
  const ArchiveSpecSource fat = Source({{"api.raml", kApi},
                                        {"exchange_modules/org/frag-a/1.0.0/lib.raml", kLibraryA},
                                        {"exchange_modules/org/frag-b/1.0.0/lib.raml", kLibraryB}});
  auto read = fat.Read(kNestedB);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read.value(), kLibraryB);
  const SpecReport report = ReadSpec(fat, "api.raml");
  EXPECT_TRUE(report.valid()) << (report.problems.empty() ? "" : report.problems.front().ToString());
  EXPECT_EQ(fat.Read("exchange_modules/org/frag-a/1.0.0/exchange_modules/org/none/1.0.0/lib.raml").status().kind(),
            Status::Kind::kNotFound);
}

// An upload that nests a dependency inside another is read where it nests it, as before.
TEST_F(ArchiveSpecSourceTest, NestedModulesAreReadWhereTheArchiveNestsThem) {
  const ArchiveSpecSource nested = Source({{"api.raml", kApi},
                                           {"exchange_modules/org/frag-a/1.0.0/lib.raml", kLibraryA},
                                           {kNestedB, kLibraryB}});
  auto read = nested.Read(kNestedB);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read.value(), kLibraryB);
}

// A declared dependency's own upload wins over the archive's copy of it, nested or at the root.
TEST_F(ArchiveSpecSourceTest, DeclaredDependenciesWinOverTheArchivesCopies) {
  const std::string b = MakeZip("b.zip", Files{{"lib.raml", "declared"}});
  const ArchiveSpecSource source = Source({{"api.raml", kApi},
                                           {"exchange_modules/org/frag-b/1.0.0/lib.raml", "uploaded"},
                                           {kNestedB, "uploaded, nested"}},
                                          {{"org/frag-b/1.0.0", {b, true, ""}}});
  EXPECT_EQ(source.Read("exchange_modules/org/frag-b/1.0.0/lib.raml").value(), "declared");
  EXPECT_EQ(source.Read(kNestedB).value(), "declared");
}

}  // namespace
}  // namespace agora::specs
