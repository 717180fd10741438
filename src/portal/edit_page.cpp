#include "portal/edit_page.h"

#include <boost/algorithm/string/join.hpp>
#include <boost/algorithm/string/trim.hpp>

#include <algorithm>

#include "portal/links.h"
#include "publication/tag_rules.h"

namespace agora::portal {
namespace {

using storage::TagDefinition;

// A category or field's input name ("category:KEY"), which is also how EditProblem names it.
std::string InputName(const TagDefinition& definition) { return definition.kind + ":" + definition.tag_key; }

bool IsChoice(const TagDefinition& definition) { return definition.data_type == "enum"; }
bool IsList(const TagDefinition& definition) { return definition.data_type.find("list") != std::string::npos; }

const std::vector<std::string>& CurrentValues(const assets::AssetVersion& version, const TagDefinition& definition) {
  static const std::vector<std::string> kNone;
  const auto& set = definition.kind == "category" ? version.categories : version.fields;
  const auto it = std::find_if(set.begin(), set.end(), [&](const auto& v) { return v.key == definition.tag_key; });
  return it == set.end() ? kNone : it->values;
}

// The values the form sends for a definition: the checked choices, a list, or one value.
std::vector<std::string> PostedValues(const Form& form, const TagDefinition& definition) {
  const std::string name = InputName(definition);
  std::vector<std::string> values;
  if (IsChoice(definition)) {
    for (const auto& v : form.All(name))
      if (!v.empty()) values.push_back(v);
  } else if (IsList(definition)) {
    values = publication::SplitValues(form[name]);
  } else if (std::string value = boost::algorithm::trim_copy(form[name]); !value.empty()) {
    values.push_back(std::move(value));
  }
  return values;
}

bool SameSet(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

// Renders the page's inputs, each with its label, and its hint and problem tied to it for screen
// readers (aria-describedby); an input's id is "edit-" and its name, or its definition's place.
class EditForm {
 public:
  EditForm(Html& html, const assets::AssetVersion& version, const EditChoices& choices, const EditPageState& state)
      : html_(html), version_(version), choices_(choices), state_(state) {}

  void Text(const std::string& name, const std::string& label, const std::string& current, const char* type = "text",
            const std::string& hint = "") {
    const std::string id = IdOf(name);
    const std::string described = Described(name, hint);
    html_.Element("label", {{"for", id}}, label);
    html_.Void("input", {{"type", type}, {"id", id}, {"name", name}, {"value", Value(name, current)},
                         {name == "name" ? "required" : "", "required"},
                         {Problem(name) ? "aria-invalid" : "", "true"},
                         {described.empty() ? "" : "aria-describedby", described}});
    Notes(name, hint);
  }

  void TextArea(const std::string& name, const std::string& label, const std::string& current, const std::string& hint) {
    const std::string id = IdOf(name);
    html_.Element("label", {{"for", id}}, label);
    html_.Element("textarea", {{"id", id}, {"name", name}, {"rows", "3"}, {Problem(name) ? "aria-invalid" : "", "true"},
                               {"aria-describedby", Described(name, hint)}},
                  Value(name, current));
    Notes(name, hint);
  }

  void Definition(const TagDefinition& definition) {
    const std::string name = InputName(definition);
    html_.Void("input", {{"type", "hidden"}, {"name", "shown"}, {"value", name}});
    const std::vector<std::string> values =
        state_.entered ? PostedValues(*state_.entered, definition) : CurrentValues(version_, definition);
    if (!IsChoice(definition)) {
      const char* hint = IsList(definition) ? "Separate values with commas." : "";
      if (definition.data_type == "number") hint = "A number.";
      Text(name, definition.display_name, boost::algorithm::join(values, ", "), definition.data_type == "date" ? "date" : "text", hint);
      return;
    }
    CheckboxGroup(html_, IdOf(name), name, definition.display_name, definition.accepted_values, values,
                  Described(name, ""));
    Notes(name, "");
  }

  // The alert above the form: every problem, each a link to its input.
  void Summary() {
    if (state_.problems.empty()) return;
    auto alert = html_.Tag("div", {{"class", "alert"}, {"role", "alert"}});
    html_.Element("p", {{"class", "alert-title"}}, "The changes were not saved.");
    auto list = html_.Tag("ul");
    for (const auto& problem : state_.problems) {
      auto item = html_.Tag("li");
      html_.Element("a", {{"href", "#" + IdOf(problem.input)}}, problem.status.message());
    }
  }

 private:
  std::string IdOf(const std::string& name) const {
    for (const auto* definitions : {&choices_.categories, &choices_.fields})
      for (size_t i = 0; i < definitions->size(); ++i)
        if (InputName((*definitions)[i]) == name) return "edit-" + (*definitions)[i].kind + "-" + std::to_string(i);
    return "edit-" + name;
  }

  std::string Value(const std::string& name, const std::string& current) const {
    return state_.entered ? (*state_.entered)[name] : current;
  }

  const exchange::EditProblem* Problem(const std::string& name) const {
    for (const auto& p : state_.problems)
      if (p.input == name) return &p;
    return nullptr;
  }

  std::string Described(const std::string& name, const std::string& hint) const {
    std::string ids = hint.empty() ? "" : IdOf(name) + "-hint";
    if (Problem(name)) ids += (ids.empty() ? "" : " ") + IdOf(name) + "-problem";
    return ids;
  }

  void Notes(const std::string& name, const std::string& hint) {
    if (!hint.empty()) html_.Element("p", {{"class", "hint"}, {"id", IdOf(name) + "-hint"}}, hint);
    if (const auto* problem = Problem(name))
      html_.Element("p", {{"class", "field-problem"}, {"id", IdOf(name) + "-problem"}}, problem->status.message());
  }

  Html& html_;
  const assets::AssetVersion& version_;
  const EditChoices& choices_;
  const EditPageState& state_;
};

}  // namespace

EditChoices ChoicesFor(const assets::AssetVersion& version, std::vector<TagDefinition> categories,
                       std::vector<TagDefinition> fields) {
  auto applies = [&](const TagDefinition& d) {
    const auto& types = d.asset_type_restrictions;
    return types.empty() || std::find(types.begin(), types.end(), version.type) != types.end();
  };
  EditChoices choices;
  std::copy_if(categories.begin(), categories.end(), std::back_inserter(choices.categories), applies);
  std::copy_if(fields.begin(), fields.end(), std::back_inserter(choices.fields), applies);
  return choices;
}

exchange::AssetEdit EditFromForm(const Form& form, const assets::AssetVersion& version, const EditChoices& choices) {
  exchange::AssetEdit edit;
  const std::pair<const char*, std::pair<std::optional<std::string>*, const std::string*>> details[] = {
      {"name", {&edit.details.name, &version.name}},
      {"description", {&edit.details.description, &version.description}},
      {"contactName", {&edit.details.contact_name, &version.contact_name}},
      {"contactEmail", {&edit.details.contact_email, &version.contact_email}}};
  for (const auto& [input, target] : details) {
    if (!form.Has(input)) continue;
    std::string value = boost::algorithm::trim_copy(form[input]);
    if (value != *target.second) *target.first = std::move(value);
  }
  if (form.Has("tags")) {
    std::vector<std::string> tags = publication::SplitValues(form["tags"]);
    if (!SameSet(tags, version.tags)) edit.tags = std::move(tags);
  }
  const auto& shown = form.All("shown");
  for (const auto* definitions : {&choices.categories, &choices.fields}) {
    for (const auto& definition : *definitions) {
      if (std::find(shown.begin(), shown.end(), InputName(definition)) == shown.end()) continue;
      std::vector<std::string> values = PostedValues(form, definition);
      if (SameSet(values, CurrentValues(version, definition))) continue;
      edit.tag_values.push_back({definition.kind, {definition.tag_key, std::move(values)}});
    }
  }
  return edit;
}

void RenderEditPage(Html& html, const assets::AssetVersion& version, const EditChoices& choices,
                    const EditPageState& state) {
  html.Element("h1", "Edit " + version.name);
  EditForm form(html, version, choices, state);
  form.Summary();
  auto element = html.Tag("form", {{"action", EditUrl(version.coordinates)}, {"method", "post"}, {"class", "edit-form"}});
  CsrfInput(html, state.csrf_token);
  {
    auto asset = html.Tag("fieldset");
    html.Element("legend", "The asset (every version)");
    form.Text("name", "Name", version.name);
    form.TextArea("description", "Description", version.description, "At most 255 characters.");
    form.Text("contactName", "Contact name", version.contact_name);
    form.Text("contactEmail", "Contact email", version.contact_email, "email");
  }
  {
    auto this_version = html.Tag("fieldset");
    html.Element("legend", "Version " + version.coordinates.version);
    form.Text("tags", "Tags", boost::algorithm::join(version.tags, ", "), "text", "Separate tags with commas.");
    if (choices.categories.empty() && choices.fields.empty())
      html.Element("p", {{"class", "muted"}}, "The organization defines no categories or custom fields for this type "
                                              "of asset.");
    for (const auto* definitions : {&choices.categories, &choices.fields})
      for (const auto& definition : *definitions) form.Definition(definition);
  }
  html.Element("button", {{"type", "submit"}}, "Save changes");
  html.Text(" ");
  html.Element("a", {{"href", VersionUrl(version.coordinates)}}, "Cancel");
}

}  // namespace agora::portal
