#include "publication/spec_verdicts.h"

#include <gtest/gtest.h>

namespace agora::publication {
namespace {

std::shared_ptr<const SpecVerdict> VerdictOfSize(size_t model_bytes) {
  auto verdict = std::make_shared<SpecVerdict>();
  verdict->model_json.assign(model_bytes, 'm');
  return verdict;
}

TEST(SpecVerdicts, FindsWhatWasRemembered) {
  SpecVerdicts verdicts(1 << 20);
  EXPECT_EQ(verdicts.Find("a"), nullptr);
  auto verdict = VerdictOfSize(10);
  verdicts.Remember("a", verdict);
  EXPECT_EQ(verdicts.Find("a"), verdict);
  EXPECT_EQ(verdicts.Find("b"), nullptr);
}

TEST(SpecVerdicts, EvictsTheLeastRecentlyUsedOverBudget) {
  const size_t entry = VerdictOfSize(1000)->Bytes() + 1;
  SpecVerdicts verdicts(entry * 2);
  verdicts.Remember("a", VerdictOfSize(1000));
  verdicts.Remember("b", VerdictOfSize(1000));
  ASSERT_NE(verdicts.Find("a"), nullptr);  // now "b" is the least recently used
  verdicts.Remember("c", VerdictOfSize(1000));
  EXPECT_EQ(verdicts.size(), 2u);
  EXPECT_NE(verdicts.Find("a"), nullptr);
  EXPECT_EQ(verdicts.Find("b"), nullptr);
  EXPECT_NE(verdicts.Find("c"), nullptr);
}

TEST(SpecVerdicts, ReplacingAKeyKeepsOneEntry) {
  SpecVerdicts verdicts(1 << 20);
  verdicts.Remember("a", VerdictOfSize(10));
  auto newer = VerdictOfSize(20);
  verdicts.Remember("a", newer);
  EXPECT_EQ(verdicts.size(), 1u);
  EXPECT_EQ(verdicts.Find("a"), newer);
}

TEST(SpecVerdicts, AVerdictLargerThanTheBudgetIsNotKept) {
  SpecVerdicts verdicts(100);
  verdicts.Remember("a", VerdictOfSize(1000));
  EXPECT_EQ(verdicts.size(), 0u);
  SpecVerdicts disabled(0);
  disabled.Remember("a", VerdictOfSize(0));
  EXPECT_EQ(disabled.Find("a"), nullptr);
}

}  // namespace
}  // namespace agora::publication
