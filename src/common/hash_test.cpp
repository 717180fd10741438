#include "common/hash.h"

#include <gtest/gtest.h>

namespace agora {
namespace {

TEST(HashTest, DigestsMatchTheStandardTestVectors) {
  EXPECT_EQ(DigestHex(DigestAlgorithm::kMd5, "abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(DigestHex(DigestAlgorithm::kSha1, "abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(DigestHex(DigestAlgorithm::kSha256, "abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(DigestHex(DigestAlgorithm::kSha512, "abc"),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

TEST(HashTest, AHasherFedInPiecesEqualsOneDigestOfTheWhole) {
  const std::string text(100000, 'q');
  Hasher hasher(DigestAlgorithm::kSha512);
  for (size_t at = 0; at < text.size(); at += 777) hasher.Update(text.data() + at, std::min<size_t>(777, text.size() - at));
  EXPECT_EQ(hasher.Finish(), DigestHex(DigestAlgorithm::kSha512, text));
}

TEST(HashTest, DecodesPaddedBase64AndRefusesAnythingElse) {
  EXPECT_EQ(DecodeBase64("dXNlcjpwYXNz").value(), "user:pass");
  EXPECT_EQ(DecodeBase64("YQ==").value(), "a");
  EXPECT_EQ(DecodeBase64("YWI=").value(), "ab");
  EXPECT_EQ(DecodeBase64("").value(), "");
  EXPECT_EQ(DecodeBase64("fn5+VG9rZW5+fn46YWdvcmFfeA==").value(), "~~~Token~~~:agora_x");
  EXPECT_FALSE(DecodeBase64("YQ"));        // unpadded
  EXPECT_FALSE(DecodeBase64("Y!==").has_value());
  EXPECT_FALSE(DecodeBase64("YQ==YQ==").has_value());  // padding in the middle
  EXPECT_FALSE(DecodeBase64("=YQ=").has_value());
}

}  // namespace
}  // namespace agora
