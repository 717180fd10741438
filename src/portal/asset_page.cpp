#include "portal/asset_page.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>

#include "assets/semver.h"
#include "exchange/asset_json.h"
#include "exchange/file_links.h"
#include "portal/links.h"
#include "portal/page.h"

namespace agora::portal {
namespace {

std::string SearchLink(const std::string& param, const std::string& value) {
  return "/exchange/?" + param + "=" + UrlEncode(value);
}

void Badge(Html& html, assets::Lifecycle status) {
  html.Element("span", {{"class", std::string("badge ") + assets::LifecycleName(status)}}, StatusLabel(status));
}

// Versions by major, then minor, newest first.
void VersionPicker(Html& html, const AssetContext& context) {
  using Minor = std::pair<uint64_t, uint64_t>;
  std::map<uint64_t, std::map<Minor, std::vector<const assets::AssetVersion*>, std::greater<>>, std::greater<>> tree;
  std::vector<const assets::AssetVersion*> other;
  for (const auto& v : context.view->versions) {
    if (const auto semver = assets::ParseSemVer(v.coordinates.version))
      tree[semver->major][{semver->major, semver->minor}].push_back(&v);
    else
      other.push_back(&v);
  }
  const auto current = assets::ParseSemVer(context.version->coordinates.version);
  html.Element("h2", {{"id", "versions-heading"}}, "Versions");
  auto nav = html.Tag("nav", {{"class", "versions"}, {"aria-labelledby", "versions-heading"}});
  auto item_for = [&](const assets::AssetVersion* v) {
    auto item = html.Tag("li");
    const bool here = v == context.version;
    if (here) html.Element("a", {{"href", VersionUrl(v->coordinates)}, {"aria-current", "page"}}, v->coordinates.version);
    else html.Element("a", {{"href", VersionUrl(v->coordinates)}}, v->coordinates.version);
    Badge(html, v->status);
  };
  for (auto& [major, minors] : tree) {
    const bool open_major = current && current->major == major;
    html.Open("details", open_major ? std::initializer_list<Attr>{{"open", "open"}} : std::initializer_list<Attr>{});
    html.Element("summary", std::to_string(major) + ".x");
    for (auto& [minor, versions] : minors) {
      const bool open_minor = current && current->major == minor.first && current->minor == minor.second;
      html.Open("details", open_minor ? std::initializer_list<Attr>{{"open", "open"}} : std::initializer_list<Attr>{});
      const std::string name = std::to_string(minor.first) + "." + std::to_string(minor.second);
      html.Element("summary", name + " (" + std::to_string(versions.size()) + ")");
      std::sort(versions.begin(), versions.end(), [](const auto* a, const auto* b) {
        return assets::CompareSemVer(*assets::ParseSemVer(a->coordinates.version),
                                     *assets::ParseSemVer(b->coordinates.version)) > 0;
      });
      auto list = html.Tag("ul");
      for (const auto* v : versions) item_for(v);
      html.Close("details");
    }
    html.Close("details");
  }
  if (!other.empty()) {
    auto list = html.Tag("ul");
    for (const auto* v : other) item_for(v);
  }
}

void NavLink(Html& html, const std::string& href, const std::string& label, bool current) {
  auto item = html.Tag("li");
  if (current) html.Element("a", {{"href", href}, {"aria-current", "page"}}, label);
  else html.Element("a", {{"href", href}}, label);
}

void Fact(Html& html, const std::string& term, const std::function<void()>& value) {
  html.Element("dt", term);
  html.Open("dd");
  value();
  html.Close("dd");
}

void Facts(Html& html, const AssetContext& context) {
  const auto& v = *context.version;
  auto list = html.Tag("dl", {{"class", "facts"}});
  Fact(html, "Type", [&] { html.Element("a", {{"href", SearchLink("type", v.type)}}, TypeLabel(v.type)); });
  Fact(html, "Version", [&] { html.Text(v.coordinates.version); });
  if (const auto api_version = v.Property("apiVersion"); !api_version.empty())
    Fact(html, "API version", [&] { html.Text(api_version); });
  Fact(html, "Lifecycle", [&] { Badge(html, v.status); });
  Fact(html, "Organization", [&] {
    html.Element("a", {{"href", SearchLink("org", v.organization_id)}}, context.directory->OrganizationName(v.organization_id));
  });
  Fact(html, "Group ID", [&] { html.Element("code", v.coordinates.group_id); });
  Fact(html, "Asset ID", [&] { html.Element("code", v.coordinates.asset_id); });
  if (!v.contact_name.empty() || !v.contact_email.empty()) {
    Fact(html, "Contact", [&] {
      if (!v.contact_name.empty()) html.Text(v.contact_name);
      if (!v.contact_email.empty()) {
        if (!v.contact_name.empty()) html.Text(" ");
        html.Element("a", {{"href", "mailto:" + v.contact_email}}, v.contact_email);
      }
    });
  }
  Fact(html, "Created", [&] { html.Text(FormatDate(v.created_millis) + (v.created_by.empty() ? "" : " by " + v.created_by)); });
  Fact(html, "Updated", [&] { html.Text(FormatDate(v.updated_millis)); });
  if (!v.tags.empty()) {
    Fact(html, "Tags", [&] {
      auto chips = html.Tag("ul", {{"class", "chips"}});
      for (const auto& tag : v.tags) {
        auto item = html.Tag("li");
        html.Element("a", {{"class", "chip"}, {"href", SearchLink("tag", tag)}}, tag);
      }
    });
  }
  for (const auto& kind_values : {std::pair{"category", &v.categories}, std::pair{"field", &v.fields}}) {
    const char* kind = kind_values.first;  // a plain variable: clang lets no lambda capture a structured binding
    for (const auto& value : *kind_values.second) {
      const auto name = context.directory->tag_names.find({kind, value.key});
      Fact(html, name != context.directory->tag_names.end() ? name->second : value.key, [&] {
        for (size_t i = 0; i < value.values.size(); ++i) {
          if (i) html.Text(", ");
          html.Element("a", {{"href", SearchLink(kind, value.key + ":" + value.values[i])}}, value.values[i]);
        }
      });
    }
  }
}

// The file a client would fetch: the first uploaded one with a classifier, else the POM.
const assets::AssetFile* PrimaryFile(const assets::AssetVersion& v) {
  for (const auto& f : v.files)
    if (!f.is_generated && !f.classifier.empty()) return &f;
  for (const auto& f : v.files)
    if (!f.classifier.empty()) return &f;
  return v.files.empty() ? nullptr : &v.files.front();
}

void Files(Html& html, const assets::AssetVersion& v) {
  html.Element("h2", {{"id", "files"}}, "Files");
  if (v.files.empty()) {
    html.Element("p", "This asset has no files.");
    return;
  }
  auto scroll = html.Tag("div", {{"class", "table-scroll"}});
  auto table = html.Tag("table", {{"class", "file-table"}});
  TableHead(html, {"File", "Classifier", "Packaging", "Size", "SHA-1", "MD5"});
  auto body = html.Tag("tbody");
  for (const auto& f : v.files) {
    auto row = html.Tag("tr");
    const std::string name = exchange::FileLinks::FileName(v, f.classifier, f.packaging);
    {
      auto cell = html.Tag("td");
      html.Element("a", {{"class", "button secondary"}, {"href", DownloadUrl(v.coordinates, f)}, {"download", name}},
                   "Download " + name);
    }
    html.Element("td", f.classifier.empty() ? "(POM)" : f.classifier);
    html.Element("td", f.packaging);
    html.Element("td", FormatBytes(f.size));
    html.Element("td", {{"class", "digest"}}, f.sha1);
    html.Element("td", {{"class", "digest"}}, f.md5);
  }
}

void Snippet(Html& html, const std::string& label, const std::string& text) {
  html.Element("h3", label);
  auto snippet = html.Tag("div", {{"class", "snippet"}, {"data-label", label}});
  auto pre = html.Tag("pre");
  html.Element("code", text);
}

// Types Maven builds consume: everything stored as a Maven artifact with a file.
bool MavenConsumable(const assets::AssetVersion& v, const assets::AssetFile* primary) {
  return primary && !primary->classifier.empty() && v.type != "http-api" && v.type != "api-group";
}

void HowToUse(Html& html, const assets::AssetVersion& v, const std::string& base_url) {
  html.Element("h2", {{"id", "how-to-use"}}, "How to use it");
  const auto* primary = PrimaryFile(v);
  const auto& c = v.coordinates;
  if (primary) {
    Snippet(html, "Download with curl",
            "curl -H \"Authorization: bearer $TOKEN\" -o " +
                exchange::FileLinks::FileName(v, primary->classifier, primary->packaging) + " \\\n  " +
                exchange::DownloadUrl(base_url, v, *primary));
  }
  Snippet(html, "Read its metadata with curl",
          "curl -H \"Authorization: bearer $TOKEN\" \\\n  " + base_url + "/exchange/api/v2/assets/" + c.group_id + "/" +
              c.asset_id + "/" + c.version);
  if (MavenConsumable(v, primary)) {
    std::string dependency = "<dependency>\n  <groupId>" + c.group_id + "</groupId>\n  <artifactId>" + c.asset_id +
                             "</artifactId>\n  <version>" + c.version + "</version>\n  <classifier>" +
                             primary->classifier + "</classifier>\n";
    if (primary->packaging != "jar") dependency += "  <type>" + primary->packaging + "</type>\n";
    dependency += "</dependency>";
    Snippet(html, "Maven dependency", dependency);
    Snippet(html, "Maven repository (pom.xml)",
            "<repository>\n  <id>agora</id>\n  <url>" + base_url + "/api/v3/organizations/" + v.organization_id +
                "/maven</url>\n</repository>");
    html.Element("p", {{"class", "muted"}},
                 "Maven authenticates with a server entry of id agora in settings.xml: the username ~~~Token~~~ "
                 "and a token as the password.");
  }
  std::string host = base_url.substr(base_url.find("://") == std::string::npos ? 0 : base_url.find("://") + 3);
  Snippet(html, "Download with anypoint-cli",
          "export ANYPOINT_HOST=" + host + "\nanypoint-cli-v4 exchange asset download " + c.group_id + "/" + c.asset_id +
              "/" + c.version + " ./" + c.asset_id);
}

void DependencySummary(Html& html, const AssetContext& context, const DependencyGraph& graph) {
  html.Element("h2", {{"id", "dependencies"}}, "Dependencies");
  std::vector<size_t> direct, users;
  for (const auto& [from, to] : graph.edges) {
    if (from == 0) direct.push_back(to);
    if (to == 0) users.push_back(from);
  }
  if (direct.empty()) {
    html.Element("p", "It depends on no other asset.");
  } else {
    html.Element("p", "It depends on " + std::to_string(direct.size()) + " asset" + (direct.size() == 1 ? "" : "s") +
                          (graph.dependency_count > direct.size()
                               ? " directly, " + std::to_string(graph.dependency_count) + " in all:"
                               : ":"));
    auto list = html.Tag("ul");
    for (size_t i : direct) {
      const auto& node = graph.nodes[i];
      auto item = html.Tag("li");
      if (node.version) {
        html.Element("a", {{"href", VersionUrl(node.coordinates)}}, node.version->name);
        html.Text(" " + node.coordinates.ToString() + " ");
        Badge(html, node.version->status);
      } else {
        html.Element("code", node.coordinates.ToString());
        html.Text(node.readable ? " (missing)" : " (another organization's)");
      }
    }
  }
  html.Element("p", users.empty() ? "No asset you can see depends on it."
                                  : std::to_string(graph.dependent_count) + " asset" +
                                        (graph.dependent_count == 1 ? " uses" : "s use") + " it.");
  if (!graph.edges.empty())
    html.Open("p").Element("a", {{"href", DependenciesUrl(context.version->coordinates)}}, "View the dependency graph").Close("p");
}

void DependencyWarnings(Html& html, const DependencyGraph& graph) {
  std::vector<std::pair<const DependencyNode*, std::string>> warnings;
  std::vector<bool> dependency(graph.nodes.size(), false);
  // Only what the version depends on (not who depends on it) can put it at risk.
  std::vector<size_t> stack{0};
  while (!stack.empty()) {
    const size_t from = stack.back();
    stack.pop_back();
    for (const auto& [a, b] : graph.edges)
      if (a == from && !dependency[b]) dependency[b] = true, stack.push_back(b);
  }
  for (size_t i = 1; i < graph.nodes.size(); ++i)
    if (dependency[i])
      if (auto warning = DependencyWarning(graph.nodes[i]); !warning.empty()) warnings.emplace_back(&graph.nodes[i], warning);
  if (warnings.empty()) return;
  auto box = html.Tag("section", {{"class", "warnings"}, {"aria-labelledby", "dependency-warnings"}});
  html.Element("h2", {{"id", "dependency-warnings"}}, "Dependency warnings");
  auto list = html.Tag("ul");
  for (const auto& [node, warning] : warnings) {
    auto item = html.Tag("li");
    html.Element("code", node->coordinates.ToString());
    html.Text(": " + warning);
  }
}

}  // namespace

std::string DependencyWarning(const DependencyNode& node) {
  if (!node.readable) return "";
  if (!node.version) return "missing: this version no longer exists";
  if (node.version->status == assets::Lifecycle::kDeprecated) return "deprecated";
  if (node.version->status == assets::Lifecycle::kDevelopment) return "in development and may still change";
  return "";
}

std::string PageTitle(const std::string& path) {
  std::string title = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  for (char& c : title)
    if (c == '-' || c == '_') c = ' ';
  if (!title.empty()) title[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(title[0])));
  return title.empty() ? path : title;
}

void BeginAssetPage(Html& html, const AssetContext& context, AssetSection section, const std::string& current) {
  const auto& v = *context.version;
  std::vector<std::pair<std::string, std::string>> trail = {
      {"Catalogue", "/exchange/"},
      {context.directory->OrganizationName(v.organization_id), SearchLink("org", v.organization_id)},
      {v.name, VersionUrl(v.coordinates)}};
  if (section == AssetSection::kPage) trail.emplace_back(PageTitle(current), "");
  if (section == AssetSection::kReference) trail.emplace_back("API reference", "");
  if (section == AssetSection::kDependencies) trail.emplace_back("Dependencies", "");
  if (section == AssetSection::kCompare) trail.emplace_back("Compare versions", "");
  if (section == AssetSection::kDelete) trail.emplace_back("Delete version", "");
  if (section == AssetSection::kEdit) trail.emplace_back("Edit details", "");
  if (section == AssetSection::kDocumentation) trail.emplace_back("Edit documentation", "");
  if (section == AssetSection::kOverview) trail.back().second.clear();
  Breadcrumbs(html, trail);
  html.Open("div", {{"class", "with-sidebar"}});
  {
    auto aside = html.Tag("nav", {{"class", "sidebar"}, {"aria-label", "Asset"}});
    html.Element("h2", "Asset");
    {
      auto list = html.Tag("ul");
      NavLink(html, VersionUrl(v.coordinates), "Overview", section == AssetSection::kOverview);
      if (context.has_specification)
        NavLink(html, ReferenceUrl(v.coordinates), "API reference", section == AssetSection::kReference);
      NavLink(html, DependenciesUrl(v.coordinates), "Dependencies", section == AssetSection::kDependencies);
      if (context.has_specification && context.view->versions.size() > 1)
        NavLink(html, CompareUrl(v.coordinates, ""), "Compare versions", section == AssetSection::kCompare);
    }
    std::vector<const storage::PortalPage*> pages, terms;
    for (const auto& page : context.pages) (page.path == "terms" ? terms : pages).push_back(&page);
    if (!pages.empty() || !terms.empty()) {
      html.Element("h2", "Documentation");
      auto list = html.Tag("ul");
      for (const auto* page : pages)
        NavLink(html, PageUrl(v.coordinates, page->path), PageTitle(page->path),
                section == AssetSection::kPage && current == page->path);
      for (const auto* page : terms)
        NavLink(html, PageUrl(v.coordinates, page->path), "Terms and conditions",
                section == AssetSection::kPage && current == page->path);
    }
    VersionPicker(html, context);
  }
  html.Open("div", {{"class", "asset-main"}});
  auto head = html.Tag("div", {{"class", "asset-head"}});
  html.Element(section == AssetSection::kOverview ? "h1" : "p", {{"class", "asset-name"}}, v.name);
  html.Element("span", {{"class", "muted"}}, TypeLabel(v.type) + " · " + v.coordinates.version);
  Badge(html, v.status);
}

void EndAssetPage(Html& html) { html.Close("div").Close("div"); }

void RenderOverview(Html& html, const AssetContext& context, const OverviewContent& content) {
  const auto& v = *context.version;
  RenderOutcome(html, content.outcome);
  if (!v.description.empty()) html.Element("p", {{"class", "lead"}}, v.description);
  if (content.graph) DependencyWarnings(html, *content.graph);
  Facts(html, context);
  RenderManageControls(html, v, content.controls);
  if (!content.home.str().empty()) {
    html.Element("h2", {{"id", "documentation"}}, "Documentation");
    auto doc = html.Tag("div", {{"class", "doc"}});
    html.Raw(content.home);
  }
  Files(html, v);
  HowToUse(html, v, content.base_url);
  if (content.graph) DependencySummary(html, context, *content.graph);
}

}  // namespace agora::portal
