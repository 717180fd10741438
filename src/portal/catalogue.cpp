#include "portal/catalogue.h"

#include <algorithm>
#include <deque>
#include <map>

#include "exchange/discovery.h"
#include "exchange/handler_support.h"

namespace agora::portal {
namespace {

bool MayRead(const auth::Principal& principal, const std::string& organization_id) {
  return auth::Authorize(principal, organization_id, auth::Action::kRead).ok();
}

}  // namespace

Result<std::shared_ptr<const Directory>> Catalogue::DirectoryFor(const auth::Principal& principal) {
  const uint64_t generation = s_.metadata.Generation();
  return directories_.GetOrBuild(principal.organization_id, generation, [&]() -> Result<Directory> {
    Directory directory;
    AGORA_ASSIGN_OR_RETURN(auto tree, s_.metadata.ListOrganizationTree(principal.organization_id));
    for (const auto& organization : tree) {
      directory.organization_ids.push_back(organization.id);
      directory.organization_names[organization.id] = organization.name;
      for (const char* kind : {"category", "field"}) {
        AGORA_ASSIGN_OR_RETURN(auto definitions, s_.metadata.ListTagDefinitions(organization.id, kind));
        for (const auto& d : definitions) directory.tag_names.emplace(std::pair{d.kind, d.tag_key}, d.display_name);
      }
    }
    return directory;
  });
}

Result<SearchView> Catalogue::Search(const auth::Principal& principal, const SearchState& state,
                                     const Directory& directory) {
  std::vector<std::string> readable;
  for (const auto& id : directory.organization_ids)
    if (MayRead(principal, id)) readable.push_back(id);
  if (readable.empty()) return SearchView{};
  return search_.Search(state.Query(readable), readable);
}

Result<AssetView> Catalogue::Asset(const auth::Principal& principal, const std::string& group_id,
                                   const std::string& asset_id, const std::string& version) {
  const std::string name = "Asset " + group_id + ":" + asset_id;
  // Another organisation's asset is not found, as in the API: a page must not confirm that it exists.
  AGORA_ASSIGN_OR_RETURN(auto versions, exchange::ReadableVersions(s_, principal, group_id, asset_id));
  AssetView view;
  view.versions = std::move(versions);
  if (version.empty()) {
    view.shown = &exchange::LatestVersion(view.versions);
  } else if (version.rfind("minor:", 0) == 0) {
    std::vector<assets::AssetVersion> in_minor;
    for (const auto& v : view.versions)
      if (v.MinorVersion() == version.substr(6)) in_minor.push_back(v);
    if (in_minor.empty()) return Status::NotFound(name + " has no version " + version.substr(6) + ".x");
    const auto& latest = exchange::LatestVersion(in_minor);
    for (const auto& v : view.versions)
      if (v.coordinates == latest.coordinates) view.shown = &v;
  } else {
    for (const auto& v : view.versions)
      if (v.coordinates.version == version) view.shown = &v;
    if (!view.shown) return Status::NotFound(name + " has no version " + version);
  }
  return view;
}

Result<std::shared_ptr<const specs::ApiModel>> Catalogue::Model(const assets::AssetVersion& version) {
  const std::string key = version.coordinates.ToString() + "@" + std::to_string(version.created_millis) + "@" +
                          std::to_string(version.updated_millis);
  if (auto cached = models_.Get(key, 0)) return cached;
  AGORA_ASSIGN_OR_RETURN(std::string json, s_.metadata.GetApiModel(version.coordinates));
  if (json.empty()) return std::shared_ptr<const specs::ApiModel>();
  AGORA_ASSIGN_OR_RETURN(specs::ApiModel model, specs::ApiModel::FromJson(json));
  auto shared = std::make_shared<const specs::ApiModel>(std::move(model));
  models_.Put(key, 0, shared);
  return shared;
}

Result<DependencyGraph> Catalogue::Dependencies(const auth::Principal& principal, const assets::AssetVersion& version,
                                                size_t max_nodes) {
  DependencyGraph graph;
  std::map<std::string, size_t> index;  // coordinates -> node
  graph.nodes.push_back({version.coordinates, version, true});
  index[version.coordinates.ToString()] = 0;

  // The node for `c`, added (looked up and checked) when new; nullopt when the graph is full or,
  // for a dependent the principal may not read, when it is not to be shown at all.
  auto node = [&](const assets::Coordinates& c, bool dependent) -> Result<std::optional<size_t>> {
    if (auto it = index.find(c.ToString()); it != index.end()) return std::optional<size_t>(it->second);
    if (graph.nodes.size() >= max_nodes) {
      graph.truncated = true;
      return std::optional<size_t>();
    }
    DependencyNode added{c, std::nullopt, true};
    auto found = s_.metadata.GetVersion(c);
    if (found.ok()) {
      added.readable = MayRead(principal, found->organization_id);
      if (!added.readable && dependent) return std::optional<size_t>();
      if (added.readable) added.version = std::move(found).value();
    } else if (found.status().kind() != Status::Kind::kNotFound) {
      return found.status();
    }
    graph.nodes.push_back(std::move(added));
    index[c.ToString()] = graph.nodes.size() - 1;
    return std::optional<size_t>(graph.nodes.size() - 1);
  };

  // Dependencies, breadth first.
  std::deque<size_t> queue{0};
  while (!queue.empty()) {
    const size_t from = queue.front();
    queue.pop_front();
    if (!graph.nodes[from].version) continue;
    const auto dependencies = graph.nodes[from].version->dependencies;
    for (const auto& c : dependencies) {
      const size_t before = graph.nodes.size();
      AGORA_ASSIGN_OR_RETURN(auto to, node(c, /*dependent=*/false));
      if (!to) continue;
      graph.edges.emplace_back(from, *to);
      if (graph.nodes.size() > before) {
        ++graph.dependency_count;
        queue.push_back(*to);
      }
    }
  }
  // Dependents, breadth first: who depends on the version, and on them.
  queue = {0};
  while (!queue.empty()) {
    const size_t to = queue.front();
    queue.pop_front();
    AGORA_ASSIGN_OR_RETURN(auto dependents, s_.metadata.ListDependents(graph.nodes[to].coordinates));
    for (const auto& c : dependents) {
      const size_t before = graph.nodes.size();
      AGORA_ASSIGN_OR_RETURN(auto from, node(c, /*dependent=*/true));
      if (!from) continue;
      if (std::find(graph.edges.begin(), graph.edges.end(), std::pair{*from, to}) == graph.edges.end())
        graph.edges.emplace_back(*from, to);
      if (graph.nodes.size() > before) {
        ++graph.dependent_count;
        queue.push_back(*from);
      }
    }
  }
  return graph;
}

}  // namespace agora::portal
