// The publish form (/exchange/-/publish): a new asset, or a new version of one (with the next
// patch, minor and major versions offered), with its kind, name, description, API version, main
// file, tags, dependencies, the organisation's categories and custom fields, and the one file; and the page that follows an asynchronous
// publication's steps until it ends (/exchange/-/publish/{runId}), reloading itself without
// script. A refused publication comes back as the form with what was entered and every problem the
// API names, a specification's as file:line:column: message, announced as an alert.
//
// Thread safety: reentrant.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "portal/html.h"
#include "publication/request.h"
#include "storage/metadata_store.h"

namespace agora::portal {

// What the form's inputs hold.
struct PublishValues {
  std::string organization_id, group_id, asset_id, version, kind;
  std::string name, description, api_version, main_file, tags, dependencies;
  bool development = false;
  // Categories and custom fields by input name ("categories.KEY", "fields.KEY").
  std::map<std::string, std::vector<std::string>> tag_values;
};
// The values of a request the API received (a refused publication's, to fill the form again).
PublishValues ValuesOf(const publication::PublicationRequest& request);

struct PublishFormState {
  PublishValues values;
  std::vector<std::pair<std::string, std::string>> organizations;  // (id, name) the principal may publish in
  std::vector<std::pair<const char*, std::string>> next_versions;  // ("patch", "1.0.1"), ...
  // The categories and custom fields the selected organisation defines (with their choices).
  std::vector<storage::TagDefinition> definitions;
  Status refusal;  // why the last try was refused (OK: none)
  std::string csrf_token;
};
void RenderPublishForm(Html& html, const PublishFormState& state);

// The dependency picker's choices for a search (GET /exchange/-/dependency-choices?q=, swapped
// into the form by portal.js): each version a button that adds "group:asset:version" to the
// form's dependencies, in the order given.
void RenderDependencyChoices(Html& html, const std::string& query, const std::vector<assets::AssetVersion>& versions);

// A publication's steps while it runs (its job's steps_json: [{description, status, errors}]).
void RenderPublicationProgress(Html& html, const storage::PublicationJob& job);
// The errors of a failed publication's steps, in order.
std::vector<std::string> PublicationErrors(const storage::PublicationJob& job);

}  // namespace agora::portal
