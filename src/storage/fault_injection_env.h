// FaultInjectionEnv wraps another Env and fails chosen operations, after LevelDB's
// fault-injection tests: tests arm a fault ("the 3rd Sync from now fails with ENOSPC") and then
// check that the operation under test ends with a clear error and leaves no partial state.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <atomic>
#include <mutex>

#include "storage/env.h"

namespace agora::storage {

class FaultInjectionEnv : public Env {
 public:
  enum class Operation { kNewWritableFile, kAppend, kSync, kRename, kRead, kCount };
  enum class Fault { kNoSpace, kIOError };

  explicit FaultInjectionEnv(Env* base) : base_(base) {}

  // The `nth` call (1 = the next one) of `operation` from now on fails, and so does every later
  // one if `sticky`.
  void FailNth(Operation operation, int nth, Fault fault, bool sticky = false);
  void Heal();
  int calls(Operation operation) const { return calls_[static_cast<int>(operation)]; }

  // Consumes one call of `operation`: the injected error, or OK.
  Status Check(Operation operation);

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override;
  bool FileExists(const std::string& path) override { return base_->FileExists(path); }
  Result<uint64_t> GetFileSize(const std::string& path) override { return base_->GetFileSize(path); }
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status RemoveFile(const std::string& path) override { return base_->RemoveFile(path); }
  Status CreateDirs(const std::string& path) override { return base_->CreateDirs(path); }
  Result<std::vector<std::string>> ListDir(const std::string& path) override { return base_->ListDir(path); }
  Status SyncFile(const std::string& path) override;
  Status SyncDir(const std::string& path) override { return base_->SyncDir(path); }

 private:
  struct Armed {
    int remaining = 0;  // 0: not armed
    Fault fault = Fault::kIOError;
    bool sticky = false;
  };

  Env* base_;
  std::mutex mutex_;
  Armed armed_[static_cast<int>(Operation::kCount)];
  std::atomic<int> calls_[static_cast<int>(Operation::kCount)] = {};
};

}  // namespace agora::storage
