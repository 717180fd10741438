// The compare page: the compatibility report (src/compat) between the version shown and an
// earlier one of the same asset, as Exchange users read it before they upgrade: a form to pick the
// base version, the counts of breaking (ERR), possibly breaking (WARN) and safe (INFO) changes,
// each change with its id, the operation or component it concerns and where it is in both
// versions, and links to the same report in the formats tools read (Markdown, JSON, JUnit, SARIF).
//
// Thread safety: reentrant.
#pragma once

#include <string>
#include <vector>

#include "compat/compat.h"
#include "portal/asset_page.h"
#include "portal/html.h"

namespace agora::portal {

struct CompareContent {
  std::vector<std::string> candidates;  // the versions that can be the base, newest first
  std::string base;                     // the chosen one; empty: there is none
  const compat::Report* report = nullptr;  // null when there is no base
};

void RenderComparePage(Html& html, const AssetContext& context, const CompareContent& content);

}  // namespace agora::portal
