#include "portal/publish_page.h"

#include <boost/algorithm/string/join.hpp>
#include <boost/json.hpp>

#include "portal/publish_upload.h"
#include "publication/tag_rules.h"

namespace agora::portal {
namespace {

namespace json = boost::json;

// The job's steps as (description, status, errors).
struct Step {
  std::string description, status;
  std::vector<std::string> errors;
};

std::vector<Step> StepsOf(const storage::PublicationJob& job) {
  std::vector<Step> steps;
  boost::system::error_code ec;
  const json::value parsed = json::parse(job.steps_json, ec);
  if (ec || !parsed.is_array()) return steps;
  auto text = [](const json::object& o, const char* key) {
    const json::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  for (const auto& item : parsed.as_array()) {
    if (!item.is_object()) continue;
    Step step{text(item.as_object(), "description"), text(item.as_object(), "status"), {}};
    if (const json::value* errors = item.as_object().if_contains("errors"); errors && errors->is_array())
      for (const auto& e : errors->as_array())
        if (e.is_string()) step.errors.emplace_back(e.as_string());
    steps.push_back(std::move(step));
  }
  return steps;
}

class PublishForm {
 public:
  PublishForm(Html& html, const PublishFormState& state) : html_(html), state_(state) {}

  void Input(const std::string& name, const std::string& label, const std::string& value, const std::string& hint = "",
             bool required = false, const char* list = "") {
    InputWithId(name, "publish-" + name, label, value, hint, required, list);
  }

  void InputWithId(const std::string& name, const std::string& id, const std::string& label, const std::string& value,
             const std::string& hint, bool required = false, const char* list = "") {
    const std::string hint_id = id + "-hint";
    html_.Element("label", {{"for", id}}, label);
    html_.Void("input", {{"type", "text"}, {"id", id}, {"name", name}, {"value", value},
                         {required ? "required" : "", "required"}, {*list ? "list" : "", list},
                         {hint.empty() ? "" : "aria-describedby", hint_id}});
    if (!hint.empty()) html_.Element("p", {{"class", "hint"}, {"id", hint_id}}, hint);
  }

  // The organisation's categories (checkboxes for their accepted values) and custom fields.
  void Definitions() {
    if (state_.definitions.empty()) return;
    auto group = html_.Tag("fieldset");
    html_.Element("legend", "Categories and fields");
    for (size_t i = 0; i < state_.definitions.size(); ++i) {
      const storage::TagDefinition& d = state_.definitions[i];
      const std::string name = (d.kind == "category" ? "categories." : "fields.") + d.tag_key;
      const std::string id = "publish-" + d.kind + "-" + std::to_string(i);
      const auto entered = state_.values.tag_values.find(name);
      const std::vector<std::string> values =
          entered == state_.values.tag_values.end() ? std::vector<std::string>{} : entered->second;
      std::string hint;
      for (const auto& type : d.asset_type_restrictions) hint += (hint.empty() ? "Only for " : ", ") + type;
      if (!hint.empty()) hint += ".";
      if (d.data_type == "enum") {
        CheckboxGroup(html_, id, name, d.display_name, d.accepted_values, values, hint.empty() ? "" : id + "-hint");
        if (!hint.empty()) html_.Element("p", {{"class", "hint"}, {"id", id + "-hint"}}, hint);
        continue;
      }
      if (d.data_type.find("list") != std::string::npos) hint += (hint.empty() ? "" : " ") + std::string("Separate values with commas.");
      InputWithId(name, id, d.display_name, boost::algorithm::join(values, ", "), hint);
    }
  }

  void Organizations() {
    html_.Element("label", {{"for", "publish-organizationId"}}, "Organization");
    auto select = html_.Tag("select", {{"id", "publish-organizationId"}, {"name", "organizationId"}});
    for (const auto& [id, name] : state_.organizations) {
      const bool selected = id == state_.values.organization_id;
      html_.Element("option", {{"value", id}, {selected ? "selected" : "", "selected"}}, name);
    }
  }

  void Kinds() {
    html_.Element("label", {{"for", "publish-kind"}}, "Kind of asset");
    auto select = html_.Tag("select", {{"id", "publish-kind"}, {"name", "kind"}});
    for (const auto& kind : PublishKinds()) {
      const bool selected = state_.values.kind == kind.value;
      html_.Element("option", {{"value", kind.value}, {selected ? "selected" : "", "selected"}}, kind.label);
    }
  }

  void Versions() {
    std::string hint = "Semantic version: major.minor.patch.";
    if (!state_.next_versions.empty()) {
      hint = "Next available:";
      for (const auto& [order, version] : state_.next_versions) hint += " " + version + " (" + order + "),";
      hint.back() = '.';
      auto list = html_.Tag("datalist", {{"id", "next-versions"}});
      for (const auto& next : state_.next_versions) html_.Void("option", {{"value", next.second}});
    }
    Input("version", "Version", state_.values.version, hint.c_str(), true,
          state_.next_versions.empty() ? "" : "next-versions");
  }

  // A search that lists versions to depend on, shown by portal.js (which fetches the choices);
  // without it, the dependencies are typed.
  void DependencyPicker() {
    auto picker = html_.Tag("div", {{"id", "dependency-picker"}, {"class", "dependency-picker"}, {"hidden", "hidden"}});
    html_.Element("label", {{"for", "dependency-search"}}, "Find an asset to depend on");
    html_.Void("input", {{"type", "search"}, {"id", "dependency-search"}, {"autocomplete", "off"},
                         {"aria-describedby", "dependency-search-hint"}, {"aria-controls", "dependency-choices"}});
    html_.Element("p", {{"class", "hint"}, {"id", "dependency-search-hint"}},
                  "Type part of an asset's name; each version found is a button that adds it to Dependencies.");
    html_.Element("div", {{"id", "dependency-choices"}}, "");
    html_.Element("p", {{"id", "dependency-added"}, {"class", "hint"}, {"role", "status"}}, "");
  }

  // The alert above the form: the API's refusal, and each problem it names.
  void Refusal() {
    if (state_.refusal.ok()) return;
    auto alert = html_.Tag("div", {{"class", "alert"}, {"role", "alert"}});
    html_.Element("p", {{"class", "alert-title"}}, "The publication was refused.");
    const bool client_error = state_.refusal.http_status() < 500;
    html_.Element("p", client_error ? state_.refusal.message() : "The server could not do it. Try again later.");
    const auto& errors = state_.refusal.errors();
    if (!client_error || errors.size() < 2) return;
    auto list = html_.Tag("ul", {{"class", "problems"}});
    for (const auto& error : errors) html_.Element("li", {}, error);
  }

 private:
  Html& html_;
  const PublishFormState& state_;
};

}  // namespace

PublishValues ValuesOf(const publication::PublicationRequest& request) {
  PublishValues values;
  values.organization_id = request.organization_id;
  values.group_id = request.coordinates.group_id;
  values.asset_id = request.coordinates.asset_id;
  values.version = request.coordinates.version;
  values.kind = KindOf(request.type, request.files.empty() ? "" : request.files.front().classifier);
  values.name = request.name.value_or("");
  values.description = request.description.value_or("");
  values.tags = request.tags.value_or("");
  values.dependencies = request.dependencies.value_or("");
  values.development = request.status == "development";
  for (const auto& [prefix, sent] : {std::pair{"categories.", &request.categories}, std::pair{"fields.", &request.fields}})
    for (const auto& item : *sent) {
      auto& entered = values.tag_values[prefix + item.key];
      for (auto& v : publication::SplitValues(item.value)) entered.push_back(std::move(v));
    }
  for (const auto& property : request.properties) {
    if (property.key == "apiVersion") values.api_version = property.value;
    if (property.key == "mainFile") values.main_file = property.value;
  }
  return values;
}

void RenderPublishForm(Html& html, const PublishFormState& state) {
  const PublishValues& v = state.values;
  html.Element("h1", v.asset_id.empty() || state.next_versions.empty() ? "Publish an asset"
                                                                       : "Publish a new version of " + v.asset_id);
  PublishForm form(html, state);
  form.Refusal();
  auto element = html.Tag("form", {{"action", "/exchange/-/publish"}, {"method", "post"},
                                   {"enctype", "multipart/form-data"}, {"class", "edit-form"}, {"id", "publish-form"}});
  // The token comes first: the server reads nothing else of a form without it.
  CsrfInput(html, state.csrf_token);
  {
    auto where = html.Tag("fieldset");
    html.Element("legend", "Where");
    form.Organizations();
    form.Input("groupId", "Group id", v.group_id, "Your organization's id, or a group of its own.", true);
    form.Input("assetId", "Asset id", v.asset_id, "Letters, digits, dots, dashes and underscores.", true);
    form.Versions();
  }
  {
    auto what = html.Tag("fieldset");
    html.Element("legend", "What");
    form.Kinds();
    form.Input("name", "Name", v.name, "", true);
    form.Input("description", "Description", v.description);
    form.Input("properties.apiVersion", "API version", v.api_version, "Required for APIs: v1, v2, ...");
    form.Input("properties.mainFile", "Main file", v.main_file,
               "For a .zip of several files: the path of the specification's root file in it.");
    form.Input("tags", "Tags", v.tags, "Separate tags with commas.");
    form.Input("dependencies", "Dependencies", v.dependencies,
               "groupId:assetId:version of each asset it uses, separated by commas.");
    form.DependencyPicker();
    auto row = html.Tag("p");
    html.Void("input", {{"type", "checkbox"}, {"id", "publish-status"}, {"name", "status"}, {"value", "development"},
                        {v.development ? "checked" : "", "checked"}});
    html.Text(" ");
    html.Element("label", {{"for", "publish-status"}}, "In development (it can be published again over itself)");
  }
  form.Definitions();
  {
    auto file = html.Tag("fieldset");
    html.Element("legend", "File");
    html.Element("label", {{"for", "publish-file"}}, "Specification or package");
    html.Void("input", {{"type", "file"}, {"id", "publish-file"}, {"name", "file"},
                        {"aria-describedby", "publish-file-hint"}});
    html.Element("p", {{"class", "hint"}, {"id", "publish-file-hint"}},
                 "A .raml, .yaml, .json, .wsdl or .zip (several files), or a custom asset's file."
                 + std::string(state.refusal.ok() ? "" : " Choose it again: a browser never keeps it."));
    html.Element("progress", {{"id", "upload-progress"}, {"max", "100"}, {"value", "0"}, {"hidden", "hidden"},
                              {"aria-label", "Upload"}},
                 "");
    html.Element("p", {{"id", "upload-status"}, {"class", "hint"}, {"role", "status"}}, "");
  }
  html.Element("button", {{"type", "submit"}}, "Publish");
}

void RenderDependencyChoices(Html& html, const std::string& query, const std::vector<assets::AssetVersion>& versions) {
  if (versions.empty()) {
    html.Element("p", {{"class", "muted"}}, "No asset you may read matches \u201c" + query + "\u201d.");
    return;
  }
  auto list = html.Tag("ul", {{"class", "dependency-choices"}, {"aria-label", "Versions to depend on"}});
  for (const auto& version : versions) {
    const std::string coordinates = version.coordinates.ToString();
    auto item = html.Tag("li");
    html.Element("button", {{"type", "button"}, {"data-dependency", coordinates}},
                 "Add " + version.name + " " + version.coordinates.version);
    html.Text(" ");
    html.Element("span", {{"class", "muted"}}, coordinates + " (" + version.type + ")");
  }
}

void RenderPublicationProgress(Html& html, const storage::PublicationJob& job) {
  html.Element("h1", "Publishing " + job.coordinates.ToString());
  const auto steps = StepsOf(job);
  size_t done = 0;
  for (const auto& step : steps) done += step.status == "completed" ? 1 : 0;
  html.Element("p", {{"role", "status"}}, job.status == "queued" ? "Waiting for a publication worker…"
                                                                   : "Step " + std::to_string(done + 1) + " of " +
                                                                         std::to_string(steps.size()) + "…");
  auto list = html.Tag("ol", {{"class", "steps"}});
  for (const auto& step : steps) {
    auto item = html.Tag("li", {{"class", "step-" + step.status}});
    html.Text(step.description + ": " + step.status);
  }
}

std::vector<std::string> PublicationErrors(const storage::PublicationJob& job) {
  std::vector<std::string> errors;
  for (const auto& step : StepsOf(job)) errors.insert(errors.end(), step.errors.begin(), step.errors.end());
  return errors;
}

}  // namespace agora::portal
