// Documentation pages are GitHub-flavoured Markdown (tables, strikethrough, task lists, fenced
// code, autolinks), rendered to HTML on the server and made inert on the way: md4c parses, and
// this renderer writes every piece of text escaped. Raw HTML is not Markdown here (md4c's NOHTML
// flags make it text, which is escaped), links keep only safe schemes (IsSafeUrl; `javascript:`,
// `data:` and the like become plain text), and images come only from the version's own
// documentation resources: `resources/<name>` is rewritten to `resource_base` + that path, any
// other image shows its alternative text.
//
// md4c-html (libmd4c-html0) renders links and images as written, so it cannot be used here; the
// renderer below is the small part of it we need, with the checks.
//
// Thread safety: reentrant.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "portal/html.h"

namespace agora::portal {

struct MarkdownOptions {
  // Where images' resources/ paths point ("/exchange/g/a/1.0.0/"), and which exist.
  std::string resource_base;
  std::set<std::string> resources;  // "resources/logo.png"
};

SafeHtml RenderMarkdown(std::string_view markdown, const MarkdownOptions& options);

// The heading anchors RenderMarkdown writes: lower-case letters, digits and '-' of the text.
std::string HeadingSlug(std::string_view text);

}  // namespace agora::portal
