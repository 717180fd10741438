// Search benchmark: bulk-loads N generated assets (realistic names, descriptions, keywords and
// tags) into a data directory, then times two-word searches through the MetadataStore (the
// engine, without HTTP) and prints p50 and p99. It also leaves an admin token in DIR/bench-token
// so bench/search.sh can time the same queries over HTTP against `agora serve`.
//
//   build/search_bench --data DIR [--assets 100000] [--queries 200] [--tag-values]
//
// --tag-values also gives every asset a category (domain) and a custom field (team), as the
// portal's facets show them (bench/portal.sh).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "auth/auth.h"
#include "common/ids.h"
#include "storage/metadata_store.h"

namespace {

using agora::assets::AssetVersion;

const char* const kDomains[] = {"flight", "hotel", "payment", "order", "customer", "inventory", "shipment", "loyalty",
                                "billing", "account", "claim", "policy", "patient", "weather", "catalog", "pricing",
                                "invoice", "partner", "employee", "booking", "ticket", "vehicle", "warehouse", "loan"};
const char* const kKinds[] = {"management", "search", "status", "history", "notification", "reporting", "sync",
                              "gateway", "directory", "analytics", "validation", "scheduling"};
const char* const kSuffixes[] = {"API", "Service", "System API", "Process API", "Experience API", "Connector"};
const char* const kTypes[] = {"rest-api", "rest-api", "rest-api", "soap-api", "http-api", "raml-fragment", "custom"};

template <size_t N>
const char* Pick(const char* const (&words)[N], std::mt19937& rng) {
  return words[rng() % N];
}

AssetVersion Generate(const std::string& org, int i, std::mt19937& rng, bool tag_values) {
  const std::string domain = Pick(kDomains, rng), other = Pick(kDomains, rng), kind = Pick(kKinds, rng);
  AssetVersion v;
  v.organization_id = org;
  v.coordinates = {org, domain + "-" + kind + "-" + std::to_string(i), "1.0." + std::to_string(rng() % 5)};
  v.type = Pick(kTypes, rng);
  v.name = domain + " " + kind + " " + Pick(kSuffixes, rng) + " " + std::to_string(i);
  v.description = "Exposes " + kind + " of " + domain + " records to " + other + " systems, with paging, filtering "
                  "and audit trails for the " + other + " team.";
  v.keywords = {domain, kind, other};
  v.tags = {"team-" + std::to_string(rng() % 40), rng() % 2 ? "internal" : "partner"};
  v.properties = {{"apiVersion", "v1"}};
  if (tag_values) {
    v.categories = {{"domain", {domain}}};
    v.fields = {{"team", {"team-" + std::to_string(i % 40)}}};
  }
  v.created_by = "bench";
  v.created_millis = v.updated_millis = agora::NowMillis();
  return v;
}

double Percentile(std::vector<double> samples, double p) {
  std::sort(samples.begin(), samples.end());
  return samples[std::min(samples.size() - 1, static_cast<size_t>(p * samples.size()))];
}

int Fail(const agora::Status& st) {
  std::fprintf(stderr, "search_bench: %s\n", st.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  int assets = 100000, queries = 200;
  bool tag_values = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--tag-values")) {
      tag_values = true;
      continue;
    }
    if (i + 1 >= argc) break;
    if (!std::strcmp(argv[i], "--data")) dir = argv[++i];
    else if (!std::strcmp(argv[i], "--assets")) assets = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--queries")) queries = std::atoi(argv[++i]);
  }
  if (dir.empty()) {
    std::fprintf(stderr, "usage: search_bench --data DIR [--assets N] [--queries N] [--tag-values]\n");
    return 2;
  }
  auto store = agora::storage::OpenSqliteMetadataStore(dir + "/agora.db");
  if (!store.ok()) return Fail(store.status());
  const std::string org = agora::NewUuid();
  if (auto st = (*store)->CreateOrganization({org, "bench", "", agora::NowMillis()}); !st.ok()) return Fail(st);
  agora::auth::Authenticator authenticator(**store);
  auto token = authenticator.IssueToken(org, agora::auth::Role::kAdmin, "bench", 0);
  if (!token.ok()) return Fail(token.status());
  std::ofstream(dir + "/bench-token") << org << "\n" << *token << "\n";

  std::mt19937 rng(42);
  const auto load_start = std::chrono::steady_clock::now();
  for (int i = 0; i < assets;) {
    std::vector<AssetVersion> batch;
    for (int j = 0; j < 1000 && i < assets; ++j, ++i) batch.push_back(Generate(org, i, rng, tag_values));
    if (auto st = (*store)->PutVersions(batch); !st.ok()) return Fail(st);
  }
  const double load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
  std::printf("loaded %d assets in %.1f s (%.0f assets/s)\n", assets, load_seconds, assets / load_seconds);

  // Steady state, not the first queries on cold connections (cold start is its own benchmark):
  // warm-up queries are drawn like the measured ones but not timed.
  for (int q = 0; q < 20; ++q) {
    agora::storage::AssetQuery query;
    query.organization_ids = {org};
    query.search = std::string(Pick(kDomains, rng)) + " " + Pick(kKinds, rng);
    if (auto found = (*store)->FindVersions(query); !found.ok()) return Fail(found.status());
  }
  std::vector<double> millis;
  std::vector<std::pair<double, std::string>> slowest;
  std::ofstream query_file(dir + "/bench-queries");
  for (int q = 0; q < queries; ++q) {
    agora::storage::AssetQuery query;
    query.organization_ids = {org};
    query.search = std::string(Pick(kDomains, rng)) + " " + Pick(kKinds, rng);
    query_file << query.search << "\n";
    const auto start = std::chrono::steady_clock::now();
    auto found = (*store)->FindVersions(query);
    millis.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    if (!found.ok()) return Fail(found.status());
    slowest.emplace_back(millis.back(), query.search + " (" + std::to_string(found->size()) + " found)");
  }
  std::sort(slowest.rbegin(), slowest.rend());
  for (size_t i = 0; i < std::min<size_t>(3, slowest.size()); ++i)
    std::printf("slow query: %.2f ms %s\n", slowest[i].first, slowest[i].second.c_str());
  std::printf("engine search, %d two-word queries over %d assets: p50 %.2f ms, p99 %.2f ms\n", queries, assets,
              Percentile(millis, 0.50), Percentile(millis, 0.99));
  return 0;
}
