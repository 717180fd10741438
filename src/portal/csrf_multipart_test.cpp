#include "portal/csrf_multipart.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace agora::portal {
namespace {

// Records what reaches the subclass.
class Recorder : public CsrfFirstMultipart {
 public:
  Recorder() : CsrfFirstMultipart([](const std::string& token) { return token == "good-token"; }) {}
  std::vector<std::string> seen;

 private:
  Status OnFieldBegin(const server::MultipartPart& part) override {
    seen.push_back("begin " + part.name);
    return Status::Ok();
  }
  Status OnFieldData(const char* data, size_t size) override {
    seen.push_back("data " + std::string(data, size));
    return Status::Ok();
  }
  Status OnFieldEnd() override {
    seen.push_back("end");
    return Status::Ok();
  }
};

Status Part(CsrfFirstMultipart& form, const std::string& name, const std::string& value) {
  AGORA_RETURN_IF_ERROR(form.OnPartBegin({name, std::nullopt, "text/plain"}));
  // In two pieces, as a part may arrive.
  AGORA_RETURN_IF_ERROR(form.OnPartData(value.data(), value.size() / 2));
  AGORA_RETURN_IF_ERROR(form.OnPartData(value.data() + value.size() / 2, value.size() - value.size() / 2));
  return form.OnPartEnd();
}

TEST(CsrfFirstMultipartTest, TheFieldsAfterAMatchingTokenReachTheForm) {
  Recorder form;
  ASSERT_TRUE(Part(form, "csrf", "good-token").ok());
  EXPECT_TRUE(form.csrf_checked());
  ASSERT_TRUE(Part(form, "name", "ab").ok());
  EXPECT_EQ(form.seen, (std::vector<std::string>{"begin name", "data a", "data b", "end"}));
}

TEST(CsrfFirstMultipartTest, APartBeforeTheTokenRefusesTheFormAndReachesNothing) {
  Recorder form;
  const Status refused = Part(form, "name", "x");
  EXPECT_EQ(refused.http_status(), 403);
  EXPECT_NE(refused.message().find("Nothing was changed"), std::string::npos);
  EXPECT_FALSE(form.csrf_checked());
  EXPECT_TRUE(form.seen.empty());
}

TEST(CsrfFirstMultipartTest, AWrongOrOversizedTokenRefusesTheForm) {
  Recorder wrong;
  EXPECT_EQ(Part(wrong, "csrf", "bad-token").http_status(), 403);
  EXPECT_FALSE(wrong.csrf_checked());
  Recorder oversized;
  EXPECT_EQ(Part(oversized, "csrf", std::string(4096, 'g')).http_status(), 403);
  EXPECT_FALSE(oversized.csrf_checked());
  EXPECT_TRUE(wrong.seen.empty() && oversized.seen.empty());
}

// A second "csrf" part is an ordinary field: the subclass decides (the portal's forms refuse it).
TEST(CsrfFirstMultipartTest, ATokenIsCheckedOnceOnly) {
  Recorder form;
  ASSERT_TRUE(Part(form, "csrf", "good-token").ok());
  ASSERT_TRUE(Part(form, "csrf", "x").ok());
  EXPECT_EQ(form.seen.front(), "begin csrf");
}

}  // namespace
}  // namespace agora::portal
