#include "portal/documentation_page.h"

#include "portal/asset_page.h"
#include "portal/links.h"

namespace agora::portal {
namespace {

// A one-button POST form to one of the documentation's actions, with hidden fields.
void ActionButton(Html& html, const assets::Coordinates& coordinates, const std::string& action,
                  const std::string& csrf_token, std::initializer_list<std::pair<const char*, std::string>> fields,
                  const std::string& label, const std::string& described_by = "", const char* css = "secondary") {
  auto form = html.Tag("form", {{"action", DocumentationUrl(coordinates, action)}, {"method", "post"}, {"class", "inline"}});
  CsrfInput(html, csrf_token);
  for (const auto& [name, value] : fields) html.Void("input", {{"type", "hidden"}, {"name", name}, {"value", value}});
  html.Element("button", {{"type", "submit"}, {"class", css}, {described_by.empty() ? "" : "aria-describedby", described_by}},
               label);
}

// Labelled text input with the given id and name, and a submit button, in one form.
void TextForm(Html& html, const assets::Coordinates& coordinates, const std::string& action,
              const std::string& csrf_token, const std::string& id, const std::string& label, const std::string& value,
              const std::string& button, std::initializer_list<std::pair<const char*, std::string>> fields) {
  auto form = html.Tag("form", {{"action", DocumentationUrl(coordinates, action)}, {"method", "post"}, {"class", "page-form"}});
  CsrfInput(html, csrf_token);
  for (const auto& [name, field_value] : fields)
    html.Void("input", {{"type", "hidden"}, {"name", name}, {"value", field_value}});
  html.Element("label", {{"for", id}}, label);
  html.Void("input", {{"type", "text"}, {"id", id}, {"name", "path"}, {"value", value}, {"required", "required"},
                      {"maxlength", "255"}});
  html.Element("button", {{"type", "submit"}, {"class", "secondary"}}, button);
}

void PageList(Html& html, const assets::AssetVersion& version, const DocumentationState& state) {
  const auto& c = version.coordinates;
  html.Element("h2", {{"id", "pages-heading"}}, "Pages");
  if (state.pages.empty()) {
    html.Element("p", {{"class", "muted"}}, "The draft has no page.");
    return;
  }
  auto list = html.Tag("ol", {{"class", "doc-pages"}, {"aria-labelledby", "pages-heading"}});
  for (size_t i = 0; i < state.pages.size(); ++i) {
    const std::string& path = state.pages[i].path;
    const std::string id = "page-" + std::to_string(i);
    auto item = html.Tag("li");
    {
      auto heading = html.Tag("h3", {{"id", id}});
      html.Element("a", {{"href", PageEditorUrl(c, path)}}, PageTitle(path));
      html.Element("span", {{"class", "muted"}}, " " + path);
    }
    auto actions = html.Tag("div", {{"class", "page-actions"}});
    if (i > 0)
      ActionButton(html, c, "move", state.csrf_token, {{"path", path}, {"direction", "up"}, {"revision", state.revision}},
                   "Move up", id);
    if (i + 1 < state.pages.size())
      ActionButton(html, c, "move", state.csrf_token, {{"path", path}, {"direction", "down"}, {"revision", state.revision}},
                   "Move down", id);
    ActionButton(html, c, "delete", state.csrf_token, {{"path", path}}, "Delete", id, "danger");
    auto rename = html.Tag("details");
    html.Element("summary", "Rename " + path);
    TextForm(html, c, "rename", state.csrf_token, id + "-rename", "New path of " + path, path, "Rename", {{"from", path}});
  }
}

void Images(Html& html, const assets::AssetVersion& version, const DocumentationState& state) {
  const auto& c = version.coordinates;
  html.Element("h2", {{"id", "images-heading"}}, "Images");
  if (state.resources.empty()) {
    html.Element("p", {{"class", "muted"}}, "The draft has no image.");
  } else {
    auto list = html.Tag("ul", {{"class", "doc-images"}, {"aria-labelledby", "images-heading"}});
    for (size_t i = 0; i < state.resources.size(); ++i) {
      const auto& resource = state.resources[i];
      const std::string id = "image-" + std::to_string(i);
      auto item = html.Tag("li");
      html.Void("img", {{"src", DocumentationUrl(c, resource.path)}, {"alt", ""}, {"class", "thumbnail"}});
      html.Element("code", {{"id", id}}, ImageMarkdown(resource));
      ActionButton(html, c, "resources/delete", state.csrf_token, {{"path", resource.path}}, "Remove", id,
                   "danger");
    }
  }
  auto form = html.Tag("form", {{"action", DocumentationUrl(c, "resources")}, {"method", "post"},
                                {"enctype", "multipart/form-data"}, {"class", "page-form"}});
  CsrfInput(html, state.csrf_token);
  html.Element("label", {{"for", "image-file"}}, "Image to add");
  html.Void("input", {{"type", "file"}, {"id", "image-file"}, {"name", "file"}, {"required", "required"},
                      {"accept", "image/png,image/jpeg,image/gif,image/svg+xml,image/webp"},
                      {"aria-describedby", "image-hint"}});
  html.Element("button", {{"type", "submit"}, {"class", "secondary"}}, "Upload");
  html.Element("p", {{"class", "hint"}, {"id", "image-hint"}},
               "At most 16 MB. A page shows the image with the Markdown listed beside it.");
}

}  // namespace

std::string ImageMarkdown(const storage::PortalResource& resource) {
  const std::string name = resource.path.substr(resource.path.rfind('/') + 1);
  return "![" + name.substr(0, name.rfind('.')) + "](" + resource.path + ")";
}

std::string DocumentationNotice(const std::string& done) {
  if (done == "created") return "The page was created.";
  if (done == "renamed") return "The page was renamed.";
  if (done == "moved") return "The page was moved.";
  if (done == "deleted") return "The page was deleted.";
  if (done == "saved") return "The page was saved in the draft.";
  if (done == "uploaded") return "The image was added: put its Markdown, listed under Images, in a page.";
  if (done == "removed") return "The image was removed.";
  if (done == "published") return "The draft was published: readers now see this documentation.";
  if (done == "discarded") return "The draft was discarded: this is the published documentation again.";
  return "";
}

void RenderDocumentationPage(Html& html, const assets::AssetVersion& version, const DocumentationState& state) {
  const auto& c = version.coordinates;
  html.Element("h1", "Documentation of " + version.name + " " + c.version);
  RenderOutcome(html, state.outcome);
  html.Element("p", state.unpublished ? "The draft has changes readers do not see until it is published."
                                      : "The draft is the published documentation: edit it, then publish it.");
  PageList(html, version, state);
  TextForm(html, c, "pages", state.csrf_token, "new-page", "New page path", "", "Create page", {});
  html.Element("p", {{"class", "hint"}}, "A path such as setup or guides/setup; the page named terms is the terms and "
                                         "conditions.");
  Images(html, version, state);
  html.Element("h2", "Publication");
  auto actions = html.Tag("div", {{"class", "page-actions"}});
  ActionButton(html, c, "publish", state.csrf_token, {}, "Publish the draft", "", "");
  if (state.unpublished)
    ActionButton(html, c, "discard", state.csrf_token, {}, "Discard the draft", "", "danger");
}

void RenderPageEditor(Html& html, const assets::AssetVersion& version, const PageEditorState& state) {
  const auto& c = version.coordinates;
  html.Element("h1", "Edit " + PageTitle(state.path));
  RenderOutcome(html, state.outcome);
  {
    auto form = html.Tag("form", {{"action", PageEditorUrl(c, state.path)}, {"method", "post"}, {"class", "edit-form"}});
    CsrfInput(html, state.csrf_token);
    html.Element("label", {{"for", "markdown"}}, "Markdown");
    html.Element("textarea", {{"id", "markdown"}, {"name", "markdown"}, {"rows", "18"}, {"class", "markdown"},
                              {"aria-describedby", "markdown-hint"}, {"spellcheck", "true"}},
                 "\n" + state.markdown);  // the parser drops a textarea's first newline, not the page's own
    html.Element("p", {{"class", "hint"}, {"id", "markdown-hint"}},
                 "GitHub-flavoured Markdown. Saving keeps the page in the draft; readers see it once the draft is "
                 "published.");
    auto buttons = html.Tag("div", {{"class", "page-actions"}});
    html.Element("button", {{"type", "submit"}, {"name", "action"}, {"value", "save"}}, "Save");
    html.Element("button", {{"type", "submit"}, {"name", "action"}, {"value", "preview"}, {"class", "secondary"}},
                 "Preview");
    html.Element("a", {{"href", DocumentationUrl(c, "")}}, "Back to the documentation");
  }
  if (!state.resources.empty()) {
    html.Element("h2", {{"id", "editor-images"}}, "Images of the draft");
    auto list = html.Tag("ul", {{"class", "doc-images"}, {"aria-labelledby", "editor-images"}});
    for (const auto& resource : state.resources) {
      auto item = html.Tag("li");
      html.Element("code", ImageMarkdown(resource));
    }
  }
  if (state.preview) {
    auto region = html.Tag("section", {{"class", "preview"}, {"aria-labelledby", "preview-heading"}});
    html.Element("h2", {{"id", "preview-heading"}, {"tabindex", "-1"}}, "Preview");
    auto doc = html.Tag("div", {{"class", "doc"}});
    html.Raw(*state.preview);
  }
}

}  // namespace agora::portal
