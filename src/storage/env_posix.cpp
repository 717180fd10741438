#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "storage/env.h"

namespace agora::storage {
namespace {

// `context` names the call and its file ("write /path"); `error` is its errno. ENOSPC and EDQUOT
// are NoSpace, ENOENT NotFound, anything else IOError.
Status PosixError(const std::string& context, int error) {
  const std::string message = context + ": " + std::strerror(error);
  if (error == ENOSPC || error == EDQUOT) return Status::NoSpace(message);
  if (error == ENOENT) return Status::NotFound(message);
  return Status::IOError(message);
}

class PosixWritableFile : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) { buffer_.reserve(kBufferSize); }
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Append(std::string_view data) override {
    if (const size_t direct = DirectPrefix(data)) {
      AGORA_RETURN_IF_ERROR(Flush());
      AGORA_ASSIGN_OR_RETURN(const bool written, WriteDirect(data.substr(0, direct)));
      if (written) data.remove_prefix(direct);
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
    AGORA_RETURN_IF_ERROR(Flush());
    if (::fdatasync(fd_) != 0) return PosixError("fdatasync " + path_, errno);
    return Status::Ok();
  }

  Status Close() override {
    Status flushed = Flush();
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
  // O_DIRECT asks buffers, offsets and lengths in multiples of the device's logical block size;
  // every size Linux block devices use divides this.
  static constexpr size_t kDirectAlignment = 4096;
  // Smaller appends are not worth a synchronous device write each.
  static constexpr size_t kDirectFromBytes = 256 * 1024;

  // How much of `data` goes to the disk without the page cache (O_DIRECT): its whole blocks, when
  // it is large and both its memory and its place in the file are block-aligned, as the chunks
  // PipelinedHasher passes on are. The kernel's copy into the page cache was a fifth of a 1 GiB
  // upload's CPU (docs/performance.md, section 4); the device reads these bytes itself.
  size_t DirectPrefix(std::string_view data) const {
    if (!may_go_direct_ || data.size() < kDirectFromBytes) return 0;
    const uint64_t end = written_ + buffer_.size();
    if (end % kDirectAlignment != 0 || reinterpret_cast<uintptr_t>(data.data()) % kDirectAlignment != 0) return 0;
    return data.size() / kDirectAlignment * kDirectAlignment;
  }

  // Writes `data` at the file's end with O_DIRECT; false, with nothing written, where the file
  // system refuses it (the caller writes through the page cache, which is slower, never wrong).
  Result<bool> WriteDirect(std::string_view data) {
    AGORA_RETURN_IF_ERROR(SetDirect(true));
    if (!may_go_direct_) return false;
    const uint64_t before = written_;
    const int error = PwriteAll(data.data(), data.size());
    // O_DIRECT accepted, but not these writes (a larger block size). Only a refusal of the first
    // write may fall back: after a partial write the rest would land after what was written.
    if (error == EINVAL && written_ == before) {
      may_go_direct_ = false;
      AGORA_RETURN_IF_ERROR(SetDirect(false));
      return false;
    }
    if (error != 0) return PosixError("write " + path_, error);
    return true;
  }

  // Turns O_DIRECT on or off for the descriptor; a file system that refuses it leaves the file
  // buffered for good.
  Status SetDirect(bool on) {
    if (direct_ == on) return Status::Ok();
    const int flags = ::fcntl(fd_, F_GETFL);
    if (flags < 0) return PosixError("fcntl " + path_, errno);
    if (::fcntl(fd_, F_SETFL, on ? flags | O_DIRECT : flags & ~O_DIRECT) != 0) {
      if (on && errno == EINVAL) {
        may_go_direct_ = false;
        return Status::Ok();
      }
      return PosixError("fcntl " + path_, errno);
    }
    direct_ = on;
    return Status::Ok();
  }

  Status Flush() {
    Status st = WriteAll(buffer_.data(), buffer_.size());
    buffer_.clear();
    return st;
  }

  Status WriteAll(const char* data, size_t size) {
    if (size == 0) return Status::Ok();
    AGORA_RETURN_IF_ERROR(SetDirect(false));
    if (const int error = PwriteAll(data, size)) return PosixError("write " + path_, error);
    StartWriteback();
    return Status::Ok();
  }

  // 0, or the errno of the write that failed; the file's size so far grows by what was written.
  int PwriteAll(const char* data, size_t size) {
    while (size > 0) {
      const ssize_t n = ::pwrite(fd_, data, size, static_cast<off_t>(written_));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return errno;
      if (n == 0) return EIO;
      data += n;
      size -= static_cast<size_t>(n);
      written_ += static_cast<uint64_t>(n);
    }
    return 0;
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
  uint64_t written_ = 0;            // bytes written to the file
  uint64_t writeback_started_ = 0;  // bytes whose write-back was started
  bool direct_ = false;             // O_DIRECT is on for fd_
  bool may_go_direct_ = true;       // false once the file system refused O_DIRECT
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
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
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
