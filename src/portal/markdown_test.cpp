#include "portal/markdown.h"

#include <gtest/gtest.h>

namespace agora::portal {
namespace {

std::string Render(const std::string& markdown, const MarkdownOptions& options = {}) {
  return RenderMarkdown(markdown, options).str();
}

bool Contains(const std::string& html, const std::string& part) { return html.find(part) != std::string::npos; }

TEST(MarkdownTest, RendersGitHubFlavouredMarkdown) {
  const std::string html = Render(
      "# Title\n\nSome *em* and **strong** and `code` and ~~gone~~.\n\n"
      "| a | b |\n| :-- | --: |\n| 1 | 2 |\n\n"
      "- [x] done\n- [ ] to do\n\n"
      "```json\n{\"a\": 1}\n```\n\n"
      "Visit https://example.com and [a page](guides/setup \"Setup\").\n");
  EXPECT_TRUE(Contains(html, "<h2 id=\"h-title\">Title</h2>")) << html;
  EXPECT_TRUE(Contains(html, "<em>em</em>") && Contains(html, "<strong>strong</strong>") && Contains(html, "<del>gone</del>"));
  EXPECT_TRUE(Contains(html, "<th scope=\"col\" class=\"align-left\">a</th>")) << html;
  EXPECT_TRUE(Contains(html, "<td class=\"align-right\">2</td>")) << html;
  EXPECT_TRUE(Contains(html, "<input type=\"checkbox\" disabled checked aria-label=\"done\">")) << html;
  EXPECT_TRUE(Contains(html, "<input type=\"checkbox\" disabled aria-label=\"to do\">")) << html;
  EXPECT_TRUE(Contains(html, "<pre><code class=\"language-json\">{&quot;a&quot;: 1}\n</code></pre>")) << html;
  EXPECT_TRUE(Contains(html, "<a href=\"https://example.com\" rel=\"noopener noreferrer nofollow\">")) << html;
  EXPECT_TRUE(Contains(html, "<a href=\"guides/setup\" title=\"Setup\">a page</a>")) << html;
}

TEST(MarkdownTest, RawHtmlIsText) {
  const std::string html = Render("<script>alert(1)</script>\n\nHi <img src=x onerror=alert(1)> there\n\n"
                                  "<svg onload=alert(1)><script>x</script></svg>\n");
  EXPECT_FALSE(Contains(html, "<script")) << html;
  EXPECT_FALSE(Contains(html, "<img")) << html;
  EXPECT_FALSE(Contains(html, "<svg")) << html;
  EXPECT_TRUE(Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;")) << html;
  EXPECT_TRUE(Contains(html, "&lt;img src=x onerror=alert(1)&gt;")) << html;
}

TEST(MarkdownTest, UnsafeLinksLoseTheirLinkButKeepTheirText) {
  for (const char* link : {"[x](javascript:alert(1))", "[x](JAVASCRIPT:alert(1))",
                           "[x](&#106;avascript:alert(1))", "[x](data:text/html;base64,PHNjcmlwdD4=)",
                           "[x](<java\tscript:alert(1)>)", "<javascript:alert(1)>", "[x](vbscript:msgbox)"}) {
    const std::string html = Render(link);
    EXPECT_FALSE(Contains(html, "href=\"javascript") || Contains(html, "href=\"JAVASCRIPT") ||
                 Contains(html, "href=\"data:") || Contains(html, "href=\"vbscript"))
        << link << " -> " << html;
  }
  EXPECT_EQ(Render("[click](javascript:alert(1))"), "<p>click</p>");
  // A relative link whose text looks like an entity stays relative and inert.
  EXPECT_EQ(Render("[x](javascript&colon;alert(1))"), "<p><a href=\"javascript&amp;colon;alert(1)\">x</a></p>");
}

TEST(MarkdownTest, ImagesComeOnlyFromTheDocumentationsResources) {
  MarkdownOptions options;
  options.resource_base = "/exchange/g/a/1.0.0/";
  options.resources = {"resources/logo.png"};
  EXPECT_EQ(Render("![Logo](resources/logo.png)", options),
            "<p><img src=\"/exchange/g/a/1.0.0/resources/logo.png\" alt=\"Logo\" loading=\"lazy\"></p>");
  EXPECT_EQ(Render("![Logo](./resources/logo.png)", options),
            "<p><img src=\"/exchange/g/a/1.0.0/resources/logo.png\" alt=\"Logo\" loading=\"lazy\"></p>");
  for (const char* image : {"![Tracker](http://203.0.113.1/t.png)", "![x](javascript:alert(1))",
                            "![Missing](resources/other.png)", "![Up](resources/../../x.png)",
                            "![Data](data:image/png;base64,AAAA)"}) {
    const std::string html = Render(image, options);
    EXPECT_FALSE(Contains(html, "<img")) << image << " -> " << html;
    EXPECT_TRUE(Contains(html, "class=\"image-omitted\"")) << html;
  }
  EXPECT_EQ(Render("![a *b* \"c\"](x.png)"), "<p><span class=\"image-omitted\">a b &quot;c&quot;</span></p>");
}

TEST(MarkdownTest, HeadingsGetUniqueAnchorsAndStartAtLevelTwo) {
  const std::string html = Render("# Setup\n\n## Setup\n\n###### Deep\n");
  EXPECT_TRUE(Contains(html, "<h2 id=\"h-setup\">Setup</h2><h3 id=\"h-setup-2\">Setup</h3><h6 id=\"h-deep\">Deep</h6>"))
      << html;
  EXPECT_EQ(HeadingSlug("Héllo, World! 2"), "h-llo-world-2");
}

TEST(MarkdownTest, EntitiesStayText) {
  EXPECT_EQ(Render("&lt;script&gt; &copy; &#x3C;b&#x3E;"), "<p>&lt;script&gt; &copy; &#x3C;b&#x3E;</p>");
}

}  // namespace
}  // namespace agora::portal
