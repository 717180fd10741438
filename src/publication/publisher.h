// Publisher runs the publication pipeline for one PublicationRequest: it merges the form and the
// POM, infers the asset type, applies Exchange's rules (coordinates, name, apiVersion per major,
// lifecycle, dependencies), validates the uploaded files (zip safety, mainFile, spec format),
// enforces the compatibility rule in force against earlier versions (publication/compatibility.h),
// builds the derived files (exchange.json inside spec archives, the fat package, the generated
// POM) and stores the version in one metadata transaction. A version is stored whole or not at
// all; blobs the pipeline created for a failed request are swept.
//
// The request's own uploaded blobs stay pinned by the caller for the duration of Publish.
//
// Thread safety: Publish may be called concurrently from any number of threads; concurrent
// publications of the same coordinates are resolved by the metadata store (one wins, the other
// gets 409 unless the version is in development).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "assets/asset.h"
#include "common/counters.h"
#include "common/status.h"
#include "publication/blob_reaper.h"
#include "publication/compatibility.h"
#include "publication/request.h"
#include "publication/spec_reading.h"
#include "publication/spec_verdicts.h"
#include "storage/blob_store.h"
#include "storage/metadata_store.h"

namespace agora::publication {

struct PublisherOptions {
  uint64_t max_pom_bytes = 1 << 20;
  uint64_t max_spec_file_bytes = 64ull << 20;  // the main spec file read for format detection
  uint64_t max_zip_entries = 10000;
  uint64_t max_zip_uncompressed_bytes = 2ull << 30;
  size_t spec_verdict_cache_bytes = 64ull << 20;  // SpecVerdicts' budget; 0 reads every spec afresh
  // A generated package (spec zip with exchange.json, fat zip) whose inputs total at most this
  // is built in memory and hashed as the store takes it; a larger one goes through a scratch file
  // that libzip writes and the store adopts (hashing it again), so memory stays bounded.
  uint64_t max_in_memory_package_bytes = 16ull << 20;
  // Where specs are read: worker processes (see spec_reading.h); null: in the calling thread.
  std::shared_ptr<SpecReaderPool> spec_readers;
};

// Called as the pipeline enters each step (see Publisher::Steps()).
using StepObserver = std::function<void(size_t step_index)>;

class Publisher {
 public:
  Publisher(storage::MetadataStore& metadata, storage::BlobStore& blobs, BlobReaper& reaper,
            PublisherOptions options = {});

  Result<assets::AssetVersion> Publish(const PublicationRequest& request, const StepObserver& observe = {});
  // Runs the pipeline up to the compatibility check and stores nothing: what the rule in force
  // (publication/compatibility.h) makes of the version, with a report against the previous
  // version of its major even when the rule is NONE. The request's errors are Publish's.
  Result<CompatibilityCheck> DryRun(const PublicationRequest& request);

  // The descriptions of the pipeline's steps, in order, as the status endpoint reports them.
  static const std::vector<std::string>& Steps();
  // The asset type a request names (its type field) or implies (a file's classifier); empty when
  // it names an unknown one or none. What a failed publication's status reports.
  static std::string RequestedType(const PublicationRequest& request);

  // How many spec verdicts are remembered (see SpecVerdicts).
  size_t RememberedVerdicts() const { return verdicts_.size(); }
  // Every publication's outcome, and how often a remembered verdict spared reading a spec.
  const OutcomeCounter& outcomes() const { return outcomes_; }
  const HitCounter& verdict_hits() const { return verdicts_.hit_counter(); }

 private:
  class Run;

  storage::MetadataStore& metadata_;
  storage::BlobStore& blobs_;
  BlobReaper& reaper_;
  PublisherOptions options_;
  OutcomeCounter outcomes_;
  SpecVerdicts verdicts_;
};

}  // namespace agora::publication
