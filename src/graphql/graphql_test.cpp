#include "graphql/graphql.h"

#include <gtest/gtest.h>

namespace agora::graphql {
namespace {
TEST(GraphqlTest, Placeholder) { EXPECT_TRUE(Parse("{ a }").ok()); }
}  // namespace
}  // namespace agora::graphql
