// Metadata store benchmark of scenario 1's publications (docs/performance.md, section 1): the
// store's share of a synchronous publication without HTTP, spec reading or blobs. Each of
// --threads threads publishes versions of --assets assets as the publisher does: it reads the
// token, the dependency and what the publication rules need of the asset's versions, then stores
// the version (its rows, its search terms and an API model shared by every version, as when the
// spec's verdict is remembered). Prints publications per second and the process's CPU time per
// publication.
//
//   build/store_bench --data DIR [--versions 4000] [--threads 16] [--assets 50] [--model-kib 340]
//                     [--mmap-bytes N] [--cache-kib N]
//
// DIR must be new or empty; the embedded default's options (synchronous = FULL) apply.
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "common/hash.h"
#include "common/ids.h"
#include "specs/api_model.h"
#include "storage/metadata_store.h"

namespace {

using agora::assets::AssetVersion;

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// The words of scenario 1's API as its spec reading finds them: two paths per resource, about 11.5 KB
// of paths as in bench/bench.py's api_raml().
std::string ApiTerms() {
  const char* const words[] = {"route", "account", "balance", "discount", "contract", "token", "shipment",
                               "catalogue", "schedule", "product", "parcel", "tracking", "status", "currency"};
  agora::specs::ApiModel model;
  model.title = "Bench Orders API";
  for (size_t k = 0, bytes = 0; bytes < 11500; ++k) {
    const std::string path = std::string("/") + words[k % 14] + "-" + words[(k * 5 + 3) % 14] + "-" + std::to_string(k);
    model.resources.push_back({});
    model.resources.back().path = path;
    model.resources.push_back({});
    model.resources.back().path = path + "/{id}";
    bytes += 2 * path.size() + 7;
  }
  return model.SearchTerms();
}

std::string ApiModel(size_t bytes) {
  std::string model = "{\"title\":\"Bench Orders API\",\"resources\":[";
  for (int k = 0; model.size() < bytes; ++k)
    model += "{\"path\":\"/resource-" + std::to_string(k) + "\",\"methods\":[\"get\",\"put\"]},";
  return model + "{}]}";
}

AssetVersion Publication(const std::string& org, int asset, int version, const std::string& model,
                         const std::string& terms) {
  AssetVersion v;
  v.organization_id = org;
  v.coordinates = {org, "bench-api-" + std::to_string(asset), "1.0." + std::to_string(version)};
  v.type = "rest-api";
  v.name = "Bench Orders API";
  v.description = "Orders, lines and prices, published by bench/run";
  v.keywords = {"bench", "orders"};
  v.properties = {{"mainFile", "api.raml"}, {"apiVersion", "v1"}};
  v.dependencies = {{org, "bench-types", "1.0.0"}};
  const std::string sha = agora::Sha256Hex(v.coordinates.ToString());
  v.created_millis = v.updated_millis = agora::NowMillis();
  v.files = {{"raml", "zip", sha, sha.substr(0, 32), sha.substr(0, 40), 20981, "api.raml", false, v.created_millis},
             {"fat-raml", "zip", sha, sha.substr(0, 32), sha.substr(0, 40), 21710, "api.raml", false, v.created_millis},
             {"", "pom", sha, sha.substr(0, 32), sha.substr(0, 40), 599, "", false, v.created_millis}};
  v.created_by = "bench";
  v.api_model = model;
  v.api_terms = terms;
  return v;
}

int Fail(const agora::Status& st) {
  std::fprintf(stderr, "store_bench: %s\n", st.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  int versions = 4000, threads = 16, assets = 50, model_kib = 340;
  agora::storage::SqliteOptions options;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--data")) dir = argv[i + 1];
    else if (!std::strcmp(argv[i], "--versions")) versions = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--assets")) assets = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--model-kib")) model_kib = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--mmap-bytes")) options.mmap_bytes = std::atoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--cache-kib")) options.cache_kib = std::atoi(argv[i + 1]);
  }
  if (dir.empty() || versions < 1 || threads < 1 || assets < 1) {
    std::fprintf(stderr, "usage: store_bench --data DIR [--versions N] [--threads N] [--assets N] [--model-kib N] "
                 "[--mmap-bytes N] [--cache-kib N]\n");
    return 2;
  }
  auto opened = agora::storage::OpenSqliteMetadataStore(dir + "/agora.db", options);
  if (!opened.ok()) return Fail(opened.status());
  agora::storage::MetadataStore& store = **opened;
  const std::string org = agora::NewUuid(), token_hash = agora::Sha256Hex(org);
  if (auto st = store.CreateOrganization({org, "bench", "", agora::NowMillis()}); !st.ok()) return Fail(st);
  if (auto st = store.CreateToken({token_hash, org, "admin", "bench", agora::NowMillis(), 0, ""}); !st.ok())
    return Fail(st);
  AssetVersion dependency = Publication(org, 0, 0, "", "");
  dependency.coordinates.asset_id = "bench-types";
  dependency.type = "raml-fragment";
  dependency.dependencies.clear();
  if (auto st = store.PutVersion(dependency); !st.ok()) return Fail(st);

  const std::string model = ApiModel(static_cast<size_t>(model_kib) * 1024), terms = ApiTerms();
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  const double cpu_start = CpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (int i = next++; i < versions && !failed; i = next++) {
        const AssetVersion v = Publication(org, i % assets, i / assets, model, terms);
        agora::Status st = store.FindToken(token_hash).status();
        if (st.ok()) st = store.GetVersion(dependency.coordinates).status();
        if (st.ok()) st = store.GetVersionRuleFacts(org, v.coordinates.asset_id, v.coordinates.version, true).status();
        if (st.ok()) st = store.PutVersion(v);
        if (!st.ok() && !failed.exchange(true)) Fail(st);
      }
    });
  }
  for (auto& worker : workers) worker.join();
  if (failed) return 1;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = CpuSeconds() - cpu_start;
  std::printf("%d publications by %d threads over %d assets: %.0f/s, %.3f ms of CPU per publication\n", versions,
              threads, assets, versions / seconds, 1000 * cpu / versions);
  return 0;
}
