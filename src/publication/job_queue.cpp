#include "publication/job_queue.h"

#include <boost/json.hpp>

#include <chrono>

#include "common/ids.h"

namespace agora::publication {

std::string StepsJson(size_t reached, const std::string& reached_status, const std::vector<std::string>& errors) {
  boost::json::array steps;
  const auto& names = Publisher::Steps();
  for (size_t i = 0; i <= reached && i < names.size(); ++i) {
    boost::json::array step_errors;
    if (i == reached)
      for (const auto& e : errors) step_errors.push_back(boost::json::string(e));
    steps.push_back(boost::json::object{{"description", names[i]},
                                        {"status", i == reached ? reached_status : "completed"},
                                        {"errors", std::move(step_errors)}});
  }
  return boost::json::serialize(steps);
}

PublicationQueue::PublicationQueue(Publisher& publisher, storage::MetadataStore& metadata, BlobReaper& reaper,
                                   int workers, QueueOptions options)
    : publisher_(publisher), metadata_(metadata), reaper_(reaper), worker_count_(workers < 1 ? 1 : workers),
      options_(options), owner_(NewUuid()) {}

PublicationQueue::~PublicationQueue() { Stop(); }

Status PublicationQueue::Recover() { return metadata_.ReleaseJobLeases(); }

void PublicationQueue::Start() {
  std::lock_guard lock(mutex_);
  stopping_ = false;
  for (int i = 0; i < worker_count_; ++i) workers_.emplace_back([this] { WorkerLoop(); });
  heartbeat_ = std::thread([this] { HeartbeatLoop(); });
}

void PublicationQueue::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& worker : workers_) worker.join();
  workers_.clear();
  if (heartbeat_.joinable()) heartbeat_.join();
}

storage::PublicationJob QueuedJob(const PublicationRequest& request) {
  storage::PublicationJob job;
  job.run_id = NewUuid();
  job.organization_id = request.organization_id;
  job.coordinates = request.coordinates;
  job.status = "queued";
  job.steps_json = "[]";
  job.request_json = request.ToJson();
  job.blob_refs = request.BlobRefs();
  job.created_millis = job.updated_millis = NowMillis();
  return job;
}

Result<std::string> PublicationQueue::Submit(const PublicationRequest& request) {
  const storage::PublicationJob job = QueuedJob(request);
  AGORA_RETURN_IF_ERROR(metadata_.PutJob(job));
  {
    std::lock_guard lock(mutex_);
    ++wakeups_;
  }
  wake_.notify_one();
  return job.run_id;
}

Result<storage::PublicationJob> PublicationQueue::Get(const std::string& run_id) { return metadata_.GetJob(run_id); }

void PublicationQueue::WaitIdle() {
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (running_.empty() && wakeups_ == 0) {
        auto unfinished = metadata_.ListUnfinishedJobs();
        if (!unfinished.ok() || unfinished->empty()) return;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void PublicationQueue::WorkerLoop() {
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      if (wakeups_ > 0) --wakeups_;
    }
    const int64_t now = NowMillis();
    auto claimed = metadata_.ClaimJob(owner_, now, now + options_.lease_millis);
    if (claimed.ok() && claimed->has_value()) {
      storage::PublicationJob job = std::move(**claimed);
      {
        std::lock_guard lock(mutex_);
        running_.insert(job.run_id);
      }
      const std::string run_id = job.run_id;
      RunJob(std::move(job));
      std::lock_guard lock(mutex_);
      running_.erase(run_id);
      continue;
    }
    // Nothing to take (or the store failed): wait for a submission here, or look again later
    // for jobs that other servers stored or whose leases run out.
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(options_.poll_millis),
                   [this] { return stopping_ || wakeups_ > 0; });
  }
}

// Renews the leases of the jobs this queue runs, well before they run out.
void PublicationQueue::HeartbeatLoop() {
  const auto period = std::chrono::milliseconds(std::max<int64_t>(options_.lease_millis / 3, 1));
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, period, [this] { return stopping_; })) {
    const std::set<std::string> running = running_;
    lock.unlock();
    for (const auto& run_id : running)
      (void)metadata_.RenewJobLease(run_id, owner_, NowMillis() + options_.lease_millis);
    lock.lock();
  }
}

// A job taken again (its server died, or lost its lease) may have stored its version already.
bool PublicationQueue::AlreadyPublished(const storage::PublicationJob& job) {
  if (job.attempts < 2) return false;
  auto version = metadata_.GetVersion(job.coordinates);
  return version.ok() && version->created_millis >= job.created_millis;
}

void PublicationQueue::RunJob(storage::PublicationJob job) {
  auto request = PublicationRequest::FromJson(job.request_json);
  if (!request.ok()) {
    job.status = "error";
    job.steps_json = StepsJson(0, "error", {request.status().message()});
    job.updated_millis = NowMillis();
    (void)metadata_.UpdateClaimedJob(job, owner_);
    return;
  }
  if (AlreadyPublished(job)) {
    (void)Finish(job, *request, metadata_.GetVersion(job.coordinates), Publisher::Steps().size() - 1);
    return;
  }
  size_t reached = 0;
  auto observe = [&](size_t step) {
    reached = step;
    job.status = "running";
    job.steps_json = StepsJson(step, "running", {});
    job.updated_millis = NowMillis();
    (void)metadata_.UpdateClaimedJob(job, owner_);  // progress only; the final state below is what must be stored
  };
  const auto outcome = publisher_.Publish(*request, observe);
  // Another run of this job (on a server that took it over) may have stored the version first.
  if (!outcome.ok() && outcome.status().kind() == Status::Kind::kConflict && AlreadyPublished(job)) {
    (void)Finish(job, *request, metadata_.GetVersion(job.coordinates), Publisher::Steps().size() - 1);
    return;
  }
  (void)Finish(job, *request, outcome, reached);
}

Status PublicationQueue::Finish(storage::PublicationJob& job, const PublicationRequest& request,
                                const Result<assets::AssetVersion>& outcome, size_t reached_step) {
  job.updated_millis = NowMillis();
  if (outcome.ok()) {
    job.status = "completed";
    job.asset_type = outcome->type;
    job.steps_json = StepsJson(Publisher::Steps().size() - 1, "completed", {});
  } else {
    job.status = "error";
    if (job.asset_type.empty()) job.asset_type = Publisher::RequestedType(request);
    std::vector<std::string> errors = outcome.status().errors();
    if (errors.empty()) errors.push_back(outcome.status().message());
    job.steps_json = StepsJson(reached_step, "error", errors);
  }
  // A server that lost the job leaves its outcome to the new owner (JOB_LEASE_LOST).
  AGORA_RETURN_IF_ERROR(metadata_.UpdateClaimedJob(job, owner_));
  // The finished job no longer holds its request's blobs; what no version references goes.
  return reaper_.Sweep(request.BlobRefs());
}

}  // namespace agora::publication
