#include "portal/documentation_page.h"

#include <gtest/gtest.h>

#include "portal/markdown.h"

namespace agora::portal {
namespace {

size_t Count(const std::string& html, const std::string& part) {
  size_t n = 0;
  for (size_t at = html.find(part); at != std::string::npos; at = html.find(part, at + 1)) ++n;
  return n;
}
bool Contains(const std::string& html, const std::string& part) { return Count(html, part) > 0; }

assets::AssetVersion Version() {
  assets::AssetVersion version;
  version.coordinates = {"acme", "orders-api", "1.0.0"};
  version.organization_id = "acme";
  version.name = "Orders";
  return version;
}

DocumentationState Draft() {
  DocumentationState state;
  state.pages = {{"home", "h"}, {"guides/setup", "s"}, {"faq", "f"}};
  state.resources = {{"resources/file-1.png", "p", "image/png"}};
  state.revision = "rev1";
  state.csrf_token = "tok";
  return state;
}

TEST(DocumentationPageTest, ListsThePagesInOrderWithTheMovesThatApply) {
  Html html;
  RenderDocumentationPage(html, Version(), Draft());
  const std::string page = html.Take();
  const size_t home = page.find(">Home</a>"), setup = page.find(">Setup</a>"), faq = page.find(">Faq</a>");
  ASSERT_NE(home, std::string::npos);
  EXPECT_LT(home, setup);
  EXPECT_LT(setup, faq);
  EXPECT_TRUE(Contains(page, "href=\"/exchange/acme/orders-api/1.0.0/documentation/edit/guides/setup\""));
  // The first page cannot move up, the last cannot move down: 2 ups, 2 downs for 3 pages.
  EXPECT_EQ(Count(page, ">Move up</button>"), 2u);
  EXPECT_EQ(Count(page, ">Move down</button>"), 2u);
  EXPECT_EQ(Count(page, "name=\"revision\" value=\"rev1\""), 4u) << "every move carries the order it was made from";
  EXPECT_TRUE(Contains(page, "aria-describedby=\"page-0\">Move down</button>")) << "a button names its page";
  EXPECT_TRUE(Contains(page, "<label for=\"page-1-rename\">New path of guides/setup</label>"));
  EXPECT_TRUE(Contains(page, "<code id=\"image-0\">![file-1](resources/file-1.png)</code>"));
  EXPECT_TRUE(Contains(page, "src=\"/exchange/acme/orders-api/1.0.0/documentation/resources/file-1.png\""));
  EXPECT_TRUE(Contains(page, "enctype=\"multipart/form-data\""));
  // Every form posts with the session's token, first.
  EXPECT_EQ(Count(page, "<form "), Count(page, "method=\"post\""));
  EXPECT_EQ(Count(page, "<form "), Count(page, "<input type=\"hidden\" name=\"csrf\" value=\"tok\">"));
  EXPECT_TRUE(Contains(page, ">Publish the draft</button>"));
  EXPECT_FALSE(Contains(page, "Discard the draft")) << "nothing to discard";
}

TEST(DocumentationPageTest, OffersDiscardAndAnnouncesOutcomes) {
  DocumentationState state = Draft();
  state.unpublished = true;
  state.outcome = {"", "Creating the page home", Status::Conflict("PAGE_EXISTS", "A page home exists")};
  Html html;
  RenderDocumentationPage(html, Version(), state);
  const std::string page = html.Take();
  EXPECT_TRUE(Contains(page, ">Discard the draft</button>"));
  EXPECT_TRUE(Contains(page, "readers do not see until it is published"));
  EXPECT_TRUE(Contains(page, "role=\"alert\""));
  EXPECT_TRUE(Contains(page, "Creating the page home was refused."));
  EXPECT_TRUE(Contains(page, "A page home exists"));

  Html empty;
  RenderDocumentationPage(empty, Version(), {});
  EXPECT_TRUE(Contains(empty.str(), "The draft has no page."));
  EXPECT_TRUE(Contains(empty.str(), "The draft has no image."));
}

TEST(DocumentationPageTest, TheEditorKeepsTheMarkdownAndShowsThePreviewBelowIt) {
  PageEditorState state{"guides/setup", "# Setup\n<script>x</script>", std::nullopt, Draft().resources, {}, "tok"};
  Html plain;
  RenderPageEditor(plain, Version(), state);
  const std::string page = plain.Take();
  EXPECT_TRUE(Contains(page, "action=\"/exchange/acme/orders-api/1.0.0/documentation/edit/guides/setup\""));
  EXPECT_TRUE(Contains(page, "&lt;script&gt;x&lt;/script&gt;</textarea>")) << "the Markdown is text in the textarea";
  EXPECT_TRUE(Contains(page, "name=\"action\" value=\"save\""));
  EXPECT_TRUE(Contains(page, "name=\"action\" value=\"preview\""));
  EXPECT_TRUE(Contains(page, "<code>![file-1](resources/file-1.png)</code>"));
  EXPECT_FALSE(Contains(page, "preview-heading\""));

  MarkdownOptions options;
  options.resource_base = "/exchange/acme/orders-api/1.0.0/documentation/";
  options.resources = {"resources/file-1.png"};
  state.preview = RenderMarkdown("# Setup\n\n![logo](resources/file-1.png)", options);
  Html previewed;
  RenderPageEditor(previewed, Version(), state);
  const std::string preview = previewed.Take();
  const size_t region = preview.find("aria-labelledby=\"preview-heading\"");
  ASSERT_NE(region, std::string::npos);
  EXPECT_GT(region, preview.find("</textarea>"));
  EXPECT_NE(preview.find("src=\"/exchange/acme/orders-api/1.0.0/documentation/resources/file-1.png\"", region),
            std::string::npos);
}

TEST(DocumentationPageTest, ImageMarkdownAndNotices) {
  EXPECT_EQ(ImageMarkdown({"resources/file-ab.svg", "x", "image/svg+xml"}), "![file-ab](resources/file-ab.svg)");
  EXPECT_EQ(ImageMarkdown({"resources/noext", "x", "image/png"}), "![noext](resources/noext)");
  EXPECT_EQ(DocumentationNotice("published"), "The draft was published: readers now see this documentation.");
  EXPECT_EQ(DocumentationNotice("<script>"), "");
}

}  // namespace
}  // namespace agora::portal
