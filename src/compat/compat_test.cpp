#include "compat/compat.h"

#include <gtest/gtest.h>

namespace agora::compat {
namespace {
TEST(CompatTest, Builds) { EXPECT_TRUE(Compare({}, {}).changes.empty()); }
}  // namespace
}  // namespace agora::compat
