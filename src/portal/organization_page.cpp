#include "portal/organization_page.h"

#include <boost/algorithm/string/join.hpp>
#include <boost/algorithm/string/trim.hpp>

#include "exchange/tag_definitions.h"
#include "portal/links.h"
#include "portal/manage_page.h"
#include "publication/tag_rules.h"

namespace agora::portal {
namespace {

void DefinitionsTable(Html& html, const char* caption, const char* empty,
                      const std::vector<storage::TagDefinition>& definitions, const std::string& csrf_token) {
  if (definitions.empty()) {
    html.Element("p", {{"class", "muted"}}, std::string("No ") + empty + " yet.");
    return;
  }
  auto table = html.Tag("table", {{"class", "definitions"}});
  html.Element("caption", caption);
  TableHead(html, {"Key", "Name", "Data type", "Accepted values", "Asset types", "Remove"});
  auto body = html.Tag("tbody");
  for (const auto& d : definitions) {
    auto row = html.Tag("tr");
    html.Element("td", {}, d.tag_key);
    html.Element("td", {}, d.display_name);
    html.Element("td", {}, d.data_type);
    html.Element("td", {}, boost::algorithm::join(d.accepted_values, ", "));
    html.Element("td", {}, d.asset_type_restrictions.empty() ? "every type" : boost::algorithm::join(d.asset_type_restrictions, ", "));
    auto cell = html.Tag("td");
    auto form = html.Tag("form", {{"action", "/exchange/-/organization/definitions/delete"}, {"method", "post"}});
    CsrfInput(html, csrf_token);
    html.Void("input", {{"type", "hidden"}, {"name", "organizationId"}, {"value", d.organization_id}});
    html.Void("input", {{"type", "hidden"}, {"name", "kind"}, {"value", d.kind}});
    html.Void("input", {{"type", "hidden"}, {"name", "id"}, {"value", d.id}});
    html.Element("button", {{"type", "submit"}, {"class", "secondary"}}, "Remove " + d.tag_key);
  }
}

void TextInput(Html& html, const char* name, const char* label, const Form* entered, const char* hint = "") {
  const std::string id = std::string("define-") + name;
  html.Element("label", {{"for", id}}, label);
  html.Void("input", {{"type", "text"}, {"id", id}, {"name", name}, {"value", entered ? (*entered)[name] : ""},
                      {*hint ? "aria-describedby" : "", id + "-hint"},
                      {std::string_view(name) == "tagKey" ? "required" : "", "required"}});
  if (*hint) html.Element("p", {{"class", "hint"}, {"id", id + "-hint"}}, hint);
}

void Select(Html& html, const char* name, const char* label, const std::vector<std::pair<std::string, std::string>>& options,
            const std::string& chosen) {
  LabelledSelect(html, std::string("define-") + name, name, label, options, chosen);
}

void DefinitionForm(Html& html, const OrganizationPageState& state) {
  html.Element("h2", {{"id", "define-heading"}}, "Define a category or custom field");
  auto form = html.Tag("form", {{"action", "/exchange/-/organization/definitions"}, {"method", "post"},
                                {"class", "edit-form"}, {"aria-labelledby", "define-heading"}});
  CsrfInput(html, state.csrf_token);
  html.Void("input", {{"type", "hidden"}, {"name", "organizationId"}, {"value", state.organization_id}});
  auto fields = html.Tag("fieldset");
  html.Element("legend", "The definition");
  const Form* entered = state.entered;
  Select(html, "kind", "Kind", {{"category", "Category"}, {"field", "Custom field"}}, entered ? (*entered)["kind"] : "");
  TextInput(html, "tagKey", "Key", entered, "1 to 100 characters; assets carry it as categories.KEY or fields.KEY.");
  TextInput(html, "displayName", "Display name", entered);
  std::vector<std::pair<std::string, std::string>> types;
  for (const auto& type : exchange::TagDataTypes()) types.emplace_back(type, type);
  Select(html, "dataType", "Data type", types, entered ? (*entered)["dataType"] : "enum");
  TextInput(html, "acceptedValues", "Accepted values", entered, "For enum: the values, separated by commas.");
  TextInput(html, "assetTypeRestrictions", "Asset types", entered,
            "rest-api, soap-api, ... separated by commas; empty: every type.");
  html.Element("button", {{"type", "submit"}}, "Define");
}

}  // namespace

void RenderOrganizationPage(Html& html, const OrganizationPageState& state) {
  html.Element("h1", state.organization_name + ": categories and custom fields");
  {
    auto links = html.Tag("p");
    html.Element("a", {{"href", TokensUrl(state.organization_id)}}, "API tokens");
  }
  RenderOutcome(html, {state.notice, state.refused, state.refusal});
  DefinitionsTable(html, "Categories", "categories", state.categories, state.csrf_token);
  DefinitionsTable(html, "Custom fields", "custom fields", state.fields, state.csrf_token);
  DefinitionForm(html, state);
}

storage::TagDefinition DefinitionFromForm(const Form& form, const std::string& organization_id) {
  storage::TagDefinition d;
  d.organization_id = organization_id;
  d.kind = form["kind"] == "category" ? "category" : "field";
  d.tag_key = boost::algorithm::trim_copy(form["tagKey"]);
  d.display_name = boost::algorithm::trim_copy(form["displayName"]);
  d.data_type = form["dataType"];
  d.accepted_values = publication::SplitValues(form["acceptedValues"]);
  d.asset_type_restrictions = publication::SplitValues(form["assetTypeRestrictions"]);
  return d;
}

std::string OrganizationNotice(const std::string& done) {
  if (done == "defined") return "The definition was saved.";
  if (done == "removed") return "The definition was removed.";
  return "";
}

}  // namespace agora::portal
