#include "publication/tag_rules.h"

#include <gtest/gtest.h>

namespace agora::publication {
namespace {

storage::TagDefinition Field(const std::string& key, const std::string& data_type) {
  storage::TagDefinition d;
  d.kind = "field";
  d.tag_key = key;
  d.data_type = data_type;
  return d;
}

Status Check(const std::string& data_type, std::vector<std::string> values) {
  return CheckTagValue({Field("f", data_type)}, "field", "custom", {"f", std::move(values)});
}

TEST(TagRulesTest, NumbersAreFiniteDecimals) {
  for (const std::string ok : {"5", "-0.25", "1e3", "1010"}) EXPECT_TRUE(Check("number", {ok}).ok()) << ok;
  for (const std::string bad : {"NaN", "nan", "inf", "-inf", "1e999", "0x10", "5 apples", "", " 5"})
    EXPECT_EQ(Check("number", {bad}).code(), "INVALID_ASSET_METADATA") << bad;
  EXPECT_TRUE(Check("number-list", {"1", "2.5"}).ok());
  EXPECT_FALSE(Check("number-list", {"1", "NaN"}).ok());
}

// Exchange's own example sets 2020-01-01T20:00:00.000Z; the day and time must exist.
TEST(TagRulesTest, DatesAreRealIso8601Dates) {
  for (const std::string ok : {"2020-01-01T20:00:00.000Z", "2020-01-01", "2024-02-29", "2026-12-05T08:30+01:00",
                               "2026-12-05T08:30:59"})
    EXPECT_TRUE(Check("date", {ok}).ok()) << ok;
  for (const std::string bad : {"2026-13-45", "2026-02-30", "2023-02-29", "2026-12-05T24:00:00Z", "2026-12-05T10:61",
                                "tomorrow", "05/12/2026", "2026-1-5", "2026-12-05T10:00:00+25:00", ""})
    EXPECT_EQ(Check("date", {bad}).code(), "INVALID_ASSET_METADATA") << bad;
}

TEST(TagRulesTest, TextTakesAnything) { EXPECT_TRUE(Check("text", {"NaN"}).ok()); }

}  // namespace
}  // namespace agora::publication
