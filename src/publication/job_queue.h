// PublicationQueue runs asynchronous publications. Submit stores the job (with the request and
// the blobs it holds) in the metadata store before answering, so a 202 means the job survives a
// crash. Workers take jobs from the store (MetadataStore::ClaimJob), so that any server over a
// shared store runs any server's jobs: a job is leased to its server, which renews the lease
// while it runs; when a server dies, another takes its jobs once their leases run out. Workers
// run the Publisher and record each step in the job row, which the publication status endpoint
// reads. A job may thus run more than once: a publication is idempotent (a version it already
// stored counts as done), and a server that lost a job to another never records its outcome.
//
// Thread safety: all public methods may be called from any thread. Start and Stop are called by
// the owner, once each.
#pragma once

#include <condition_variable>
#include <set>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "publication/blob_reaper.h"
#include "publication/publisher.h"
#include "publication/request.h"
#include "storage/metadata_store.h"

namespace agora::publication {

struct QueueOptions {
  int64_t lease_millis = 30'000;  // a dead server's jobs wait this long before another takes them
  int64_t poll_millis = 1'000;    // how often idle workers look for jobs that other servers stored
};

class PublicationQueue {
 public:
  PublicationQueue(Publisher& publisher, storage::MetadataStore& metadata, BlobReaper& reaper, int workers,
                   QueueOptions options = {});
  ~PublicationQueue();

  // Before Start, when this is the only server over the store: the jobs a previous process left
  // running are taken again at once, rather than after their leases run out.
  Status Recover();
  void Start();
  // Finishes the jobs being run; queued ones stay queued in the store for the next start.
  void Stop();

  // Stores the job and queues it; returns its run id.
  Result<std::string> Submit(const PublicationRequest& request);
  Result<storage::PublicationJob> Get(const std::string& run_id);

  // Blocks until no job is queued or running (for tests and benchmarks).
  void WaitIdle();

 private:
  void WorkerLoop();
  void HeartbeatLoop();
  void RunJob(storage::PublicationJob job);
  Status Finish(storage::PublicationJob& job, const PublicationRequest& request,
                const Result<assets::AssetVersion>& outcome, size_t reached_step);
  bool AlreadyPublished(const storage::PublicationJob& job);

  Publisher& publisher_;
  storage::MetadataStore& metadata_;
  BlobReaper& reaper_;
  const int worker_count_;
  const QueueOptions options_;
  const std::string owner_;  // this queue, as the owner of the jobs it runs

  std::mutex mutex_;
  std::condition_variable wake_;
  int wakeups_ = 0;  // jobs submitted here that no worker has looked for yet
  std::set<std::string> running_;  // run ids of the jobs this queue runs
  bool stopping_ = false;
  std::vector<std::thread> workers_;
  std::thread heartbeat_;
};

// A new queued job holding `request` (and its blobs), with a fresh run id.
storage::PublicationJob QueuedJob(const PublicationRequest& request);

// Renders the steps of a job as the status endpoint's JSON array: every step up to `reached`
// (completed, then the one reached with `reached_status` and `errors`).
std::string StepsJson(size_t reached, const std::string& reached_status, const std::vector<std::string>& errors);

}  // namespace agora::publication
