#include "assets/asset.h"

#include <gtest/gtest.h>

namespace agora::assets {
namespace {

TEST(AssetVersionTest, DerivesMinorVersionAndVersionGroup) {
  AssetVersion v;
  v.coordinates.version = "2.0.1-rc.1";
  EXPECT_EQ(v.MinorVersion(), "2.0");
  EXPECT_EQ(v.VersionGroup(), "2.0.1-rc.1") << "without apiVersion the version is its own group";
  v.properties.push_back({"apiVersion", "v2"});
  EXPECT_EQ(v.VersionGroup(), "v2");
  EXPECT_EQ(v.Property("apiVersion"), "v2");
  EXPECT_EQ(v.Property("mainFile"), "");
}

TEST(LifecycleTest, NamesRoundTrip) {
  for (Lifecycle l : {Lifecycle::kDevelopment, Lifecycle::kPublished, Lifecycle::kDeprecated})
    EXPECT_EQ(ParseLifecycle(LifecycleName(l)), l);
  EXPECT_FALSE(ParseLifecycle("Published"));
  EXPECT_FALSE(ParseLifecycle(""));
}

}  // namespace
}  // namespace agora::assets
