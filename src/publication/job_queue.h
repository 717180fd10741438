// PublicationQueue runs asynchronous publications. Submit stores the job (with the request and
// the blobs it holds) in the metadata store before answering, so a 202 means the job survives a
// crash: after a restart, Recover requeues every job that was queued or running. Workers run the
// Publisher and record each step in the job row, which the publication status endpoint reads.
//
// Thread safety: all public methods may be called from any thread. Start and Stop are called by
// the owner, once each.
#pragma once

#include <condition_variable>
#include <deque>
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

class PublicationQueue {
 public:
  PublicationQueue(Publisher& publisher, storage::MetadataStore& metadata, BlobReaper& reaper, int workers);
  ~PublicationQueue();

  // Requeues the jobs a previous process left queued or running. Call before Start.
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
  void RunJob(const std::string& run_id);
  Status Finish(storage::PublicationJob& job, const PublicationRequest& request,
                const Result<assets::AssetVersion>& outcome, size_t reached_step);
  bool AlreadyPublished(const storage::PublicationJob& job);

  Publisher& publisher_;
  storage::MetadataStore& metadata_;
  BlobReaper& reaper_;
  const int worker_count_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::string> queue_;
  int running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

// A new queued job holding `request` (and its blobs), with a fresh run id.
storage::PublicationJob QueuedJob(const PublicationRequest& request);

// Renders the steps of a job as the status endpoint's JSON array: every step up to `reached`
// (completed, then the one reached with `reached_status` and `errors`).
std::string StepsJson(size_t reached, const std::string& reached_status, const std::vector<std::string>& errors);

}  // namespace agora::publication
