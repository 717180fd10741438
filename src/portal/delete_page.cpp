#include "portal/delete_page.h"

#include "portal/links.h"

namespace agora::portal {
namespace {

void DependentsList(Html& html, const std::vector<assets::Coordinates>& dependents, const char* heading_id) {
  auto list = html.Tag("ul", {{"aria-labelledby", heading_id}});
  for (const auto& dependent : dependents) {
    auto item = html.Tag("li");
    html.Element("a", {{"href", VersionUrl(dependent)}}, dependent.ToString());
  }
}

void Refusal(Html& html, size_t dependents, const char* what) {
  auto box = html.Tag("div", {{"class", "warnings"}});
  html.Element("p", std::string(what) + " cannot be deleted: " + std::to_string(dependents) +
                        (dependents == 1 ? " version depends" : " versions depend") + " on it.");
  html.Element("p", RefusalRule(Status::Conflict("ASSET_HAS_DEPENDENTS", "")));
}

// The soft or hard choice; `id` keeps the two forms' radio buttons apart.
void DeleteType(Html& html, const std::string& id) {
  auto group = html.Tag("fieldset", {{"class", "choices"}});
  html.Element("legend", "How");
  const std::pair<const char*, const char*> types[] = {
      {"soft", "Soft delete: it leaves the catalogue, and its version numbers stay reserved: they cannot be "
               "published again."},
      {"hard", "Hard delete: it goes for good with its files, and its version numbers can be published again."}};
  for (const auto& [type, label] : types) {
    const std::string input_id = id + "-" + type;
    auto row = html.Tag("p");
    html.Void("input", {{"type", "radio"}, {"id", input_id}, {"name", "type"}, {"value", type},
                        {std::string_view(type) == "soft" ? "checked" : "", "checked"}});
    html.Text(" ");
    html.Element("label", {{"for", input_id}}, label);
  }
}

void VersionSection(Html& html, const assets::AssetVersion& version, const DeleteContent& content,
                    const ManageControls& controls) {
  html.Element("h2", {{"id", "dependents-heading"}}, "What depends on it");
  if (content.dependents.empty()) {
    html.Element("p", "No asset depends on this version.");
  } else {
    Refusal(html, content.dependents.size(), "It");
    DependentsList(html, content.dependents, "dependents-heading");
  }
  if (!content.dependents.empty() || !controls.may_delete) return;
  auto form = html.Tag("form", {{"action", DeleteUrl(version.coordinates)}, {"method", "post"}, {"class", "confirm"}});
  CsrfInput(html, controls.csrf_token);
  if (version.status == assets::Lifecycle::kDevelopment)
    html.Element("p", "A development version is deleted for good: its files go, and its version number can be "
                      "published again.");
  else
    DeleteType(html, "version-type");
  html.Element("button", {{"type", "submit"}, {"class", "danger"}}, "Delete version " + version.coordinates.version);
  html.Text(" ");
  html.Element("a", {{"href", VersionUrl(version.coordinates)}}, "Cancel");
}

void WholeAssetSection(Html& html, const assets::AssetVersion& version, const DeleteContent& content,
                  const ManageControls& controls) {
  const std::string& asset_id = version.coordinates.asset_id;
  html.Element("h2", {{"id", "asset-heading"}}, "Delete the whole asset");
  std::string numbers;
  for (const auto& v : content.versions) numbers += (numbers.empty() ? "" : ", ") + v.coordinates.version;
  html.Element("p", version.name + " has " + std::to_string(content.versions.size()) +
                        (content.versions.size() == 1 ? " version: " : " versions: ") + numbers + ".");
  if (!content.asset_dependents.empty()) {
    html.Element("h3", {{"id", "asset-dependents-heading"}}, "What depends on the asset");
    Refusal(html, content.asset_dependents.size(), "The asset");
    DependentsList(html, content.asset_dependents, "asset-dependents-heading");
    return;
  }
  if (!controls.may_delete) return;
  auto form = html.Tag("form", {{"action", DeleteUrl(version.coordinates)}, {"method", "post"}, {"class", "confirm"}});
  CsrfInput(html, controls.csrf_token);
  html.Void("input", {{"type", "hidden"}, {"name", "what"}, {"value", "asset"}});
  DeleteType(html, "asset-type");
  html.Element("label", {{"for", "confirm-asset"}}, "To confirm, type the asset's id, " + asset_id);
  html.Void("input", {{"type", "text"}, {"id", "confirm-asset"}, {"name", "confirm"}, {"required", "required"},
                      {"autocomplete", "off"}, {"spellcheck", "false"}});
  html.Element("button", {{"type", "submit"}, {"class", "danger"}}, "Delete the asset " + asset_id);
}

}  // namespace

void RenderDeletePage(Html& html, const assets::AssetVersion& version, const DeleteContent& content,
                      const ManageControls& controls) {
  html.Element("h1", "Delete version " + version.coordinates.version);
  VersionSection(html, version, content, controls);
  WholeAssetSection(html, version, content, controls);
  html.Open("p").Element("a", {{"href", VersionUrl(version.coordinates)}}, "Back to the version").Close("p");
}

Result<DeleteChoice> ReadDeleteForm(const Form& form, const assets::AssetVersion& version) {
  DeleteChoice choice;
  const std::string what = form["what"], type = form["type"];
  if (what != "" && what != "version" && what != "asset")
    return Status::InvalidArgument("BAD_REQUEST", "what must be version or asset");
  if (type != "" && type != "soft" && type != "hard")
    return Status::InvalidArgument("INVALID_DELETE_TYPE", "The delete type must be soft or hard");
  choice.whole_asset = what == "asset";
  choice.soft = type != "hard";
  if (choice.whole_asset && form["confirm"] != version.coordinates.asset_id)
    return Status::InvalidArgument("CONFIRMATION_MISMATCH", "To delete the whole asset, type its id, " +
                                                                version.coordinates.asset_id + ", to confirm");
  return choice;
}

}  // namespace agora::portal
