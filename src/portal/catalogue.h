// Catalogue is what the portal's pages read, through the same stores and the same access checks
// as the Exchange API (exchange/handler_support.h): a principal sees an asset only when
// auth::Authorize lets it read the asset's organisation. Searches go through src/search (with its
// facet index); the portal adds its caches: the directory of names for a principal's
// organisations and parsed API models, so that a large specification's reference is not parsed
// again on every page.
//
// Thread safety: all methods may be called from any thread (the caches are locked; the services
// are thread-safe).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/auth.h"
#include "exchange/exchange_api.h"
#include "portal/cache.h"
#include "portal/search_page.h"
#include "search/catalogue_search.h"
#include "specs/api_model.h"

namespace agora::portal {

// One asset as a page shows it: every version the principal may read, and the one shown.
struct AssetView {
  std::vector<assets::AssetVersion> versions;  // oldest first
  const assets::AssetVersion* shown = nullptr;  // points into versions
};

// A node of a dependency graph: the coordinates, and the version when it exists and may be read.
struct DependencyNode {
  assets::Coordinates coordinates;
  std::optional<assets::AssetVersion> version;  // nullopt: missing, or not readable
  bool readable = false;                        // false: another organisation's, shown by name only
};

struct DependencyGraph {
  std::vector<DependencyNode> nodes;  // nodes[0] is the version itself
  // Edges (from, to) by node index: `from` depends on `to`.
  std::vector<std::pair<size_t, size_t>> edges;
  size_t dependency_count = 0;  // nodes reached following dependencies (transitively)
  size_t dependent_count = 0;   // nodes reached following dependents (transitively)
  bool truncated = false;       // more than the graph's bound
};

class Catalogue {
 public:
  explicit Catalogue(exchange::ExchangeServices& services) : s_(services), search_(services.metadata) {}

  exchange::ExchangeServices& services() { return s_; }

  Result<std::shared_ptr<const Directory>> DirectoryFor(const auth::Principal& principal);
  Result<SearchView> Search(const auth::Principal& principal, const SearchState& state, const Directory& directory);

  // The asset's versions; `version` empty: the latest, "minor:1.2": the latest of that minor
  // version, else that version. 404 for an unknown asset or version, and for one the principal
  // may not read (the portal does not tell another organisation's assets exist).
  Result<AssetView> Asset(const auth::Principal& principal, const std::string& group_id, const std::string& asset_id,
                          const std::string& version);

  // The parsed API model of a version (nullptr for assets without a specification).
  Result<std::shared_ptr<const specs::ApiModel>> Model(const assets::AssetVersion& version);

  // Dependencies and dependents, transitively, up to `max_nodes` nodes.
  Result<DependencyGraph> Dependencies(const auth::Principal& principal, const assets::AssetVersion& version,
                                       size_t max_nodes = 60);

 private:
  exchange::ExchangeServices& s_;
  GenerationCache<Directory> directories_{512, 10'000};
  search::CatalogueSearch search_;
  // Models are keyed by version and update time, so no write elsewhere invalidates them.
  GenerationCache<specs::ApiModel> models_{8, 600'000};
};

}  // namespace agora::portal
