#include "publication/job_queue.h"

#include <boost/json.hpp>

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
                                   int workers)
    : publisher_(publisher), metadata_(metadata), reaper_(reaper), worker_count_(workers < 1 ? 1 : workers) {}

PublicationQueue::~PublicationQueue() { Stop(); }

Status PublicationQueue::Recover() {
  AGORA_ASSIGN_OR_RETURN(std::vector<storage::PublicationJob> jobs, metadata_.ListUnfinishedJobs());
  std::lock_guard lock(mutex_);
  for (const auto& job : jobs) queue_.push_back(job.run_id);
  return Status::Ok();
}

void PublicationQueue::Start() {
  std::lock_guard lock(mutex_);
  stopping_ = false;
  for (int i = 0; i < worker_count_; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

void PublicationQueue::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& worker : workers_) worker.join();
  workers_.clear();
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
    queue_.push_back(job.run_id);
  }
  wake_.notify_one();
  return job.run_id;
}

Result<storage::PublicationJob> PublicationQueue::Get(const std::string& run_id) { return metadata_.GetJob(run_id); }

void PublicationQueue::WaitIdle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return queue_.empty() && running_ == 0; });
}

void PublicationQueue::WorkerLoop() {
  while (true) {
    std::string run_id;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      run_id = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    }
    RunJob(run_id);
    {
      std::lock_guard lock(mutex_);
      --running_;
    }
    idle_.notify_all();
  }
}

// A job found running after a restart may have stored its version just before the crash.
bool PublicationQueue::AlreadyPublished(const storage::PublicationJob& job) {
  if (job.status != "running") return false;
  auto version = metadata_.GetVersion(job.coordinates);
  return version.ok() && version->created_millis >= job.created_millis;
}

void PublicationQueue::RunJob(const std::string& run_id) {
  auto loaded = metadata_.GetJob(run_id);
  if (!loaded.ok()) return;  // nothing to run: the row is gone
  storage::PublicationJob job = std::move(loaded).value();
  auto request = PublicationRequest::FromJson(job.request_json);
  if (!request.ok()) {
    job.status = "error";
    job.steps_json = StepsJson(0, "error", {request.status().message()});
    job.updated_millis = NowMillis();
    (void)metadata_.PutJob(job);
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
    (void)metadata_.PutJob(job);  // progress only; the final state below is what must be stored
  };
  const auto outcome = publisher_.Publish(*request, observe);
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
    std::vector<std::string> errors = outcome.status().errors();
    if (errors.empty()) errors.push_back(outcome.status().message());
    job.steps_json = StepsJson(reached_step, "error", errors);
  }
  AGORA_RETURN_IF_ERROR(metadata_.PutJob(job));
  // The finished job no longer holds its request's blobs; what no version references goes.
  return reaper_.Sweep(request.BlobRefs());
}

}  // namespace agora::publication
