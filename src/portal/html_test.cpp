#include "portal/html.h"

#include <gtest/gtest.h>

namespace agora::portal {
namespace {

TEST(HtmlTest, EscapesTextAndAttributesByDefault) {
  Html html;
  html.Element("p", {{"title", "\"><script>alert(1)</script>"}}, "<b>&'\"</b>");
  EXPECT_EQ(html.str(), "<p title=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\">&lt;b&gt;&amp;&#39;&quot;&lt;/b&gt;</p>");
}

TEST(HtmlTest, DropsControlCharactersButKeepsUtf8) {
  EXPECT_EQ(Escape(std::string("a\0b\x01" "c\td\n\xC3\xA9", 10)), "abc\td\n\xC3\xA9");
}

TEST(HtmlTest, UrlAttributesTakeOnlySafeSchemes) {
  for (const char* bad : {"javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:x", "java\tscript:x", "java\nscript:x",
                          "\x01javascript:x", "data:text/html,x", "vbscript:x", "file:///etc/passwd",
                          "page:with-colon-first/slash"}) {
    Html html;
    html.Element("a", {{"href", bad}}, "x");
    EXPECT_EQ(html.str(), "<a href=\"#\">x</a>") << bad;
    EXPECT_FALSE(IsSafeUrl(bad)) << bad;
  }
  for (const char* good : {"/exchange/", "https://example.com/a?b=c", "http://x", "mailto:a@b.c", "#top", "?q=1",
                           "guides/setup", "a/b:c"}) {
    EXPECT_TRUE(IsSafeUrl(good)) << good;
  }
  Html html;
  html.Void("img", {{"src", "javascript:x"}, {"alt", "javascript:x"}});
  EXPECT_EQ(html.str(), "<img src=\"#\" alt=\"javascript:x\">") << "only URL attributes are checked";
}

TEST(HtmlTest, ScopesCloseTheirElements) {
  Html html;
  {
    auto outer = html.Tag("div", {{"class", "a"}});
    auto inner = html.Tag("span");
    html.Text("x");
  }
  EXPECT_EQ(html.str(), "<div class=\"a\"><span>x</span></div>");
}

TEST(HtmlTest, AnAttributeWithoutNameIsLeftOut) {
  Html html;
  for (const bool invalid : {true, false}) html.Void("input", {{"name", "n"}, {invalid ? "aria-invalid" : "", "true"}});
  EXPECT_EQ(html.str(), "<input name=\"n\" aria-invalid=\"true\"><input name=\"n\">");
}

TEST(HtmlTest, EncodesUrlsAndPaths) {
  EXPECT_EQ(UrlEncode("a b/c?d=é"), "a%20b%2Fc%3Fd%3D%C3%A9");
  EXPECT_EQ(UrlEncodePath("guides/set up"), "guides/set%20up");
}

}  // namespace
}  // namespace agora::portal
