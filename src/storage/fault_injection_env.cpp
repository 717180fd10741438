#include "storage/fault_injection_env.h"

namespace agora::storage {
namespace {

class FaultyWritableFile : public WritableFile {
 public:
  FaultyWritableFile(FaultInjectionEnv& env, std::unique_ptr<WritableFile> base) : env_(env), base_(std::move(base)) {}
  Status Append(std::string_view data) override {
    AGORA_RETURN_IF_ERROR(env_.Check(FaultInjectionEnv::Operation::kAppend));
    return base_->Append(data);
  }
  Status Sync() override {
    AGORA_RETURN_IF_ERROR(env_.Check(FaultInjectionEnv::Operation::kSync));
    return base_->Sync();
  }
  Status Close() override { return base_->Close(); }

 private:
  FaultInjectionEnv& env_;
  std::unique_ptr<WritableFile> base_;
};

class FaultySequentialFile : public SequentialFile {
 public:
  FaultySequentialFile(FaultInjectionEnv& env, std::unique_ptr<SequentialFile> base)
      : env_(env), base_(std::move(base)) {}
  Result<size_t> Read(char* scratch, size_t n) override {
    AGORA_RETURN_IF_ERROR(env_.Check(FaultInjectionEnv::Operation::kRead));
    return base_->Read(scratch, n);
  }
  Status Skip(uint64_t n) override { return base_->Skip(n); }

 private:
  FaultInjectionEnv& env_;
  std::unique_ptr<SequentialFile> base_;
};

}  // namespace

void FaultInjectionEnv::FailNth(Operation operation, int nth, Fault fault, bool sticky) {
  std::lock_guard lock(mutex_);
  armed_[static_cast<int>(operation)] = Armed{nth, fault, sticky};
}

void FaultInjectionEnv::Heal() {
  std::lock_guard lock(mutex_);
  for (auto& armed : armed_) armed = Armed{};
}

Status FaultInjectionEnv::Check(Operation operation) {
  const int index = static_cast<int>(operation);
  ++calls_[index];
  std::lock_guard lock(mutex_);
  Armed& armed = armed_[index];
  if (armed.remaining == 0) return Status::Ok();
  if (armed.remaining > 1) {
    --armed.remaining;
    return Status::Ok();
  }
  const Fault fault = armed.fault;
  if (!armed.sticky) armed = Armed{};
  return fault == Fault::kNoSpace ? Status::NoSpace("injected: no space left on device")
                                  : Status::IOError("injected: input/output error");
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewWritableFile(const std::string& path) {
  AGORA_RETURN_IF_ERROR(Check(Operation::kNewWritableFile));
  AGORA_ASSIGN_OR_RETURN(auto file, base_->NewWritableFile(path));
  return std::unique_ptr<WritableFile>(new FaultyWritableFile(*this, std::move(file)));
}

Result<std::unique_ptr<SequentialFile>> FaultInjectionEnv::NewSequentialFile(const std::string& path) {
  AGORA_ASSIGN_OR_RETURN(auto file, base_->NewSequentialFile(path));
  return std::unique_ptr<SequentialFile>(new FaultySequentialFile(*this, std::move(file)));
}

Status FaultInjectionEnv::SyncFile(const std::string& path) {
  AGORA_RETURN_IF_ERROR(Check(Operation::kSync));
  return base_->SyncFile(path);
}

Status FaultInjectionEnv::RenameFile(const std::string& from, const std::string& to) {
  AGORA_RETURN_IF_ERROR(Check(Operation::kRename));
  return base_->RenameFile(from, to);
}

}  // namespace agora::storage
