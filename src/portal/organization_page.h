// The organisation's administration page (/exchange/-/organization), for its administrators: the
// categories and custom fields its assets may carry, a form to define one, and a button to remove
// each. Definitions are made and removed through exchange::DefineTag and RemoveTagDefinition, as
// the Exchange API's POST and DELETE .../organizations/{org}/{categories|fields} make them.
//
// Thread safety: reentrant.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "portal/form.h"
#include "portal/html.h"
#include "storage/metadata_store.h"

namespace agora::portal {

struct OrganizationPageState {
  std::string organization_id;
  std::string organization_name;
  std::vector<storage::TagDefinition> categories, fields;
  std::string csrf_token;
  std::string notice;            // after a change
  std::string refused;           // what was refused ("Defining the category tier") ...
  Status refusal;                // ... and why
  const Form* entered = nullptr;  // the definition form as sent, after a refusal
};
void RenderOrganizationPage(Html& html, const OrganizationPageState& state);

// The definition the form describes (kind "category" or "field"; values and asset types
// comma-separated), in the organisation.
storage::TagDefinition DefinitionFromForm(const Form& form, const std::string& organization_id);

// The notice for the page's `done` query value ("defined", "removed"), or empty.
std::string OrganizationNotice(const std::string& done);

}  // namespace agora::portal
