#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "storage/direct_io_writer.h"
#include "storage/env.h"
#include "storage/posix_error.h"

namespace agora::storage {
Status PosixError(const std::string& context, int error) {
  const std::string message = context + ": " + std::strerror(error);
  if (error == ENOSPC || error == EDQUOT) return Status::NoSpace(message);
  if (error == ENOENT) return Status::NotFound(message);
  return Status::IOError(message);
}

namespace {

class PosixWritableFile : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) { buffer_.reserve(kBufferSize); }
  ~PosixWritableFile() override {
    direct_.reset();  // its thread may be writing to fd_
    if (fd_ >= 0) ::close(fd_);
  }

  Status Append(std::string_view data) override {
    if (!direct_ && may_go_direct_ && written_ + buffer_.size() + data.size() >= kDirectFromBytes) {
      AGORA_RETURN_IF_ERROR(Flush());
      direct_ = DirectIoWriter::Start(fd_, path_, written_);
      may_go_direct_ = direct_ != nullptr;  // refused once (busy, or no O_DIRECT here): stays buffered
    }
    if (direct_) {
      written_ += data.size();
      return direct_->Append(data);
    }
    if (buffer_.size() + data.size() <= kBufferSize) {
      buffer_.append(data);
      return Status::Ok();
    }
    AGORA_RETURN_IF_ERROR(Flush());
    if (data.size() < kBufferSize) {
      buffer_.append(data);
      return Status::Ok();
    }
    return WriteAll(data.data(), data.size());
  }

  Status Sync() override {
    AGORA_RETURN_IF_ERROR(FinishDirect());
    AGORA_RETURN_IF_ERROR(Flush());
    if (::fdatasync(fd_) != 0) return PosixError("fdatasync " + path_, errno);
    return Status::Ok();
  }

  Status Close() override {
    Status flushed = FinishDirect();
    if (flushed.ok()) flushed = Flush();
    const int fd = fd_;
    fd_ = -1;
    if (fd >= 0 && ::close(fd) != 0 && flushed.ok()) return PosixError("close " + path_, errno);
    return flushed;
  }

 private:
  static constexpr size_t kBufferSize = 256 * 1024;
  // Every this many bytes written, the kernel is asked to start writing them to disk, so that a
  // large file's Sync waits for at most this much instead of the whole file (a 1 GiB upload's
  // fdatasync took 0.46 s). Files smaller than this never ask.
  static constexpr uint64_t kWritebackBytes = 8 << 20;
  // Past this size a file is written with O_DIRECT (DirectIoWriter): the kernel's copy into the
  // page cache was a fifth of a large upload's CPU.
  static constexpr uint64_t kDirectFromBytes = 8 << 20;

  Status FinishDirect() {
    if (!direct_) return Status::Ok();
    Status st = direct_->Finish();
    direct_.reset();
    return st;
  }

  Status Flush() {
    Status st = WriteAll(buffer_.data(), buffer_.size());
    buffer_.clear();
    return st;
  }

  Status WriteAll(const char* data, size_t size) {
    while (size > 0) {
      const ssize_t n = ::write(fd_, data, size);
      if (n < 0) {
        if (errno == EINTR) continue;
        return PosixError("write " + path_, errno);
      }
      data += n;
      size -= static_cast<size_t>(n);
      written_ += static_cast<uint64_t>(n);
    }
    StartWriteback();
    return Status::Ok();
  }

  // Starts the write-back of the whole kWritebackBytes blocks written since the last start (never
  // the page still being appended to). Advisory: a failure here shows again at Sync.
  void StartWriteback() {
    const uint64_t end = written_ / kWritebackBytes * kWritebackBytes;
    if (end <= writeback_started_) return;
    (void)::sync_file_range(fd_, static_cast<off_t>(writeback_started_), static_cast<off_t>(end - writeback_started_),
                            SYNC_FILE_RANGE_WRITE);
    writeback_started_ = end;
  }

  std::string path_;
  int fd_;
  std::string buffer_;
  uint64_t written_ = 0;            // bytes handed to write(2) or to direct_
  uint64_t writeback_started_ = 0;  // bytes whose write-back was started
  std::unique_ptr<DirectIoWriter> direct_;  // writing the file past kDirectFromBytes
  bool may_go_direct_ = true;
};

class PosixSequentialFile : public SequentialFile {
 public:
  PosixSequentialFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixSequentialFile() override { ::close(fd_); }

  Result<size_t> Read(char* scratch, size_t n) override {
    while (true) {
      const ssize_t r = ::read(fd_, scratch, n);
      if (r >= 0) return static_cast<size_t>(r);
      if (errno != EINTR) return PosixError("read " + path_, errno);
    }
  }

  Status Skip(uint64_t n) override {
    if (::lseek(fd_, static_cast<off_t>(n), SEEK_CUR) < 0) return PosixError("lseek " + path_, errno);
    return Status::Ok();
  }

 private:
  std::string path_;
  int fd_;
};

class PosixEnv : public Env {
 public:
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    // Read and write: a DirectIoWriter reads back the partial block it takes over.
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return PosixError("open " + path, errno);
    return std::unique_ptr<WritableFile>(new PosixWritableFile(path, fd));
  }

  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return PosixError("open " + path, errno);
    return std::unique_ptr<SequentialFile>(new PosixSequentialFile(path, fd));
  }

  bool FileExists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }

  Result<uint64_t> GetFileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return PosixError("stat " + path, errno);
    return static_cast<uint64_t>(st.st_size);
  }

  Status RenameFile(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return PosixError("rename " + from + " to " + to, errno);
    return Status::Ok();
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return PosixError("unlink " + path, errno);
    return Status::Ok();
  }

  Status CreateDirs(const std::string& path) override {
    if (path.empty()) return Status::Ok();
    // Usually only the last directory is missing, if any (a blob's fan-out directory): one call.
    if (::mkdir(path.c_str(), 0755) == 0 || errno == EEXIST) return Status::Ok();
    if (errno != ENOENT) return PosixError("mkdir " + path, errno);
    for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
      const std::string prefix = path.substr(0, slash);
      if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) return PosixError("mkdir " + prefix, errno);
      if (slash == std::string::npos) return Status::Ok();
    }
  }

  Result<std::vector<std::string>> ListDir(const std::string& path) override {
    DIR* dir = ::opendir(path.c_str());
    if (!dir) return PosixError("opendir " + path, errno);
    std::vector<std::string> names;
    while (struct dirent* entry = ::readdir(dir)) {
      const std::string name = entry->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(dir);
    return names;
  }

  Status SyncFile(const std::string& path) override { return SyncPath(path, O_RDONLY); }
  Status SyncDir(const std::string& path) override { return SyncPath(path, O_RDONLY | O_DIRECTORY); }

 private:
  static Status SyncPath(const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) return PosixError("open " + path, errno);
    const int result = ::fsync(fd);
    const int error = errno;
    ::close(fd);
    if (result != 0) return PosixError("fsync " + path, error);
    return Status::Ok();
  }
};

}  // namespace

Status SequentialFile::Skip(uint64_t n) {
  char scratch[64 * 1024];
  while (n > 0) {
    AGORA_ASSIGN_OR_RETURN(size_t got, Read(scratch, static_cast<size_t>(std::min<uint64_t>(n, sizeof scratch))));
    if (got == 0) return Status::Ok();
    n -= got;
  }
  return Status::Ok();
}

Env* Env::Default() {
  static PosixEnv* env = new PosixEnv();  // never deleted: used until the process exits
  return env;
}

}  // namespace agora::storage
