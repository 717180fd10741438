// An asset's pages: the overview (name, type, version, lifecycle, organisation, contact, dates,
// tags, categories and custom fields; the version picker grouped by major and minor version; its
// files with size, SHA-1 and MD5 and a download; how to use it with curl, Maven and
// anypoint-cli; a summary of its dependencies) and its documentation pages, rendered from
// Markdown. Every asset page shares one frame: breadcrumbs and the asset's navigation (pages,
// terms, API reference, dependencies, versions).
//
// Thread safety: reentrant.
#pragma once

#include <string>
#include <vector>

#include "portal/catalogue.h"
#include "portal/html.h"
#include "portal/manage_page.h"
#include "portal/search_page.h"
#include "storage/metadata_store.h"

namespace agora::portal {

enum class AssetSection { kOverview, kPage, kReference, kDependencies, kCompare, kDelete, kEdit, kDocumentation };

// What every page of one asset version shows around its content.
struct AssetContext {
  const AssetView* view = nullptr;
  const assets::AssetVersion* version = nullptr;  // view->shown
  const Directory* directory = nullptr;
  std::vector<storage::PortalPage> pages;  // the published documentation (empty: none stored)
  bool has_specification = false;          // an API reference can be shown
};

// Breadcrumbs, the asset's heading and navigation; then the section's content until EndAssetPage.
void BeginAssetPage(Html& html, const AssetContext& context, AssetSection section, const std::string& current = "");
void EndAssetPage(Html& html);

struct OverviewContent {
  SafeHtml home;              // the rendered home page, if the asset has documentation
  const DependencyGraph* graph = nullptr;
  std::string base_url;       // for the usage snippets: "https://exchange.example.com"
  ManageControls controls;    // what the visitor may do to the version (none for viewers)
  ActionOutcome outcome;      // how the action that led here went
};
void RenderOverview(Html& html, const AssetContext& context, const OverviewContent& content);

// A documentation page's title: "home" -> "Home", "guides/getting-started" -> "Getting started".
std::string PageTitle(const std::string& path);

// The warnings a dependency deserves (deprecated, in development, missing), or empty.
std::string DependencyWarning(const DependencyNode& node);

}  // namespace agora::portal
