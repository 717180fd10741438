// The documentation editor of an asset version, for those who may manage it: the draft's pages in
// their order (create, rename, move up or down, delete, edit), its images (upload, with the
// Markdown that shows one; remove), and publishing or discarding the draft; and the editor of one
// page: its Markdown in a textarea, and a preview rendered by the same renderer as the published
// pages (markdown.h), over the draft's images.
//
// Every control is a POST form carrying the session's CSRF token; the handlers act through
// publication::DocumentationPortal, as the Exchange API's draft endpoints do. Outcomes are
// announced as the other management pages announce them (manage_page.h's RenderOutcome).
//
// Thread safety: reentrant.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "assets/asset.h"
#include "portal/html.h"
#include "portal/manage_page.h"
#include "storage/metadata_store.h"

namespace agora::portal {

// What the documentation page shows: the draft (or, before the first edit, the published
// documentation it starts from).
struct DocumentationState {
  std::vector<storage::PortalPage> pages;  // in order
  std::vector<storage::PortalResource> resources;
  std::string revision;  // the pages' order revision (publication::PageOrderRevision), sent back by moves
  bool unpublished = false;  // the draft differs from the published documentation
  ActionOutcome outcome;
  std::string csrf_token;
};
void RenderDocumentationPage(Html& html, const assets::AssetVersion& version, const DocumentationState& state);

struct PageEditorState {
  std::string path;
  std::string markdown;            // as stored, or as sent with a preview or a refused save
  std::optional<SafeHtml> preview;  // after Preview: the rendered Markdown
  std::vector<storage::PortalResource> resources;
  ActionOutcome outcome;
  std::string csrf_token;
};
void RenderPageEditor(Html& html, const assets::AssetVersion& version, const PageEditorState& state);

// The Markdown that shows a documentation image: ![name](resources/file-....png).
std::string ImageMarkdown(const storage::PortalResource& resource);

// The notice for the documentation page's `done` query value, or empty.
std::string DocumentationNotice(const std::string& done);

}  // namespace agora::portal
