#include "storage/direct_io_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <new>
#include <system_error>
#include <utility>

#include "storage/posix_error.h"

namespace agora::storage {
namespace {

std::atomic<int> active_writers{0};

bool TakeSlot() {
  int active = active_writers.load();
  while (active < DirectIoWriter::kMaxWriters)
    if (active_writers.compare_exchange_weak(active, active + 1)) return true;
  return false;
}

// 0, or the errno of the write that failed.
int PwriteAll(int fd, const char* data, size_t size, uint64_t offset) {
  while (size > 0) {
    const ssize_t n = ::pwrite(fd, data, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return EIO;
    data += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return 0;
}

}  // namespace

std::unique_ptr<DirectIoWriter> DirectIoWriter::Start(int fd, const std::string& path, uint64_t offset) {
  if (!TakeSlot()) return nullptr;
  const int flags = ::fcntl(fd, F_GETFL);
  std::unique_ptr<DirectIoWriter> writer;
  try {
    writer.reset(new DirectIoWriter(fd, path, flags));
  } catch (const std::bad_alloc&) {
  } catch (const std::system_error&) {
  }
  if (!writer) {
    active_writers.fetch_sub(1);
    return nullptr;
  }
  // The partial block before `offset` was written through the page cache: it is read back from
  // there (before O_DIRECT is on) and becomes the head of the first buffer.
  Buffer* first = writer->free_.back();
  const uint64_t head = offset % kAlignment;
  first->offset = offset - head;
  if (flags < 0 || ::pread(fd, first->bytes.get(), head, static_cast<off_t>(first->offset)) != static_cast<ssize_t>(head) ||
      ::fcntl(fd, F_SETFL, flags | O_DIRECT) != 0)
    return nullptr;  // the destructor gives the slot back; the descriptor is unchanged
  writer->free_.pop_back();
  first->size = head;
  writer->current_ = first;
  writer->next_offset_ = first->offset + kBufferBytes;
  try {
    writer->thread_ = std::thread([w = writer.get()] { w->Work(); });
  } catch (const std::system_error&) {
    (void)::fcntl(fd, F_SETFL, flags);
    return nullptr;
  }
  return writer;
}

DirectIoWriter::DirectIoWriter(int fd, std::string path, int flags)
    : fd_(fd), path_(std::move(path)), flags_(flags), buffers_(kBuffers) {
  for (Buffer& buffer : buffers_) {
    buffer.bytes.reset(static_cast<char*>(std::aligned_alloc(kAlignment, kBufferBytes)));
    if (!buffer.bytes) throw std::bad_alloc();
    free_.push_back(&buffer);
  }
}

DirectIoWriter::~DirectIoWriter() {
  Stop();
  active_writers.fetch_sub(1);
}

Status DirectIoWriter::Append(std::string_view data) {
  while (!data.empty()) {
    if (!current_) {
      current_ = TakeFreeBuffer();
      if (!current_) return FirstError();
      current_->offset = next_offset_;
      next_offset_ += kBufferBytes;
    }
    const size_t n = std::min(data.size(), kBufferBytes - current_->size);
    std::memcpy(current_->bytes.get() + current_->size, data.data(), n);
    current_->size += n;
    data.remove_prefix(n);
    if (current_->size == kBufferBytes) Queue(std::exchange(current_, nullptr));
  }
  return FirstError();
}

Status DirectIoWriter::Finish() {
  // The whole blocks of the last buffer go with O_DIRECT, the rest through the page cache.
  std::string tail;
  uint64_t tail_offset = next_offset_;
  if (current_) {
    const size_t whole = current_->size / kAlignment * kAlignment;
    tail.assign(current_->bytes.get() + whole, current_->size - whole);
    tail_offset = current_->offset + whole;
    current_->size = whole;
    Queue(std::exchange(current_, nullptr));
  }
  {
    std::unique_lock lock(mutex_);
    done_cv_.wait(lock, [this] { return queue_.empty(); });
  }
  Stop();
  Status st = FirstError();
  if (::fcntl(fd_, F_SETFL, flags_) != 0 && st.ok()) st = PosixError("fcntl " + path_, errno);
  if (st.ok()) {
    if (const int error = PwriteAll(fd_, tail.data(), tail.size(), tail_offset)) st = PosixError("write " + path_, error);
  }
  if (st.ok() && ::lseek(fd_, static_cast<off_t>(tail_offset + tail.size()), SEEK_SET) < 0)
    st = PosixError("lseek " + path_, errno);
  return st;
}

int DirectIoWriter::Active() { return active_writers.load(); }

void DirectIoWriter::Work() {
  std::unique_lock lock(mutex_);
  while (true) {
    work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Buffer* buffer = queue_.front();
    const bool failed = !error_.ok();
    lock.unlock();
    Status st = failed || buffer->size == 0 ? Status::Ok() : WriteOut(*buffer);
    lock.lock();
    if (!st.ok() && error_.ok()) error_ = std::move(st);
    queue_.pop_front();
    buffer->size = 0;
    free_.push_back(buffer);
    done_cv_.notify_all();
  }
}

Status DirectIoWriter::WriteOut(const Buffer& buffer) {
  int error = PwriteAll(fd_, buffer.bytes.get(), buffer.size, buffer.offset);
  // A file system that accepted O_DIRECT but not these writes (a larger block size): the rest
  // goes through the page cache, which is slower, never wrong.
  if (error == EINVAL && ::fcntl(fd_, F_SETFL, flags_) == 0)
    error = PwriteAll(fd_, buffer.bytes.get(), buffer.size, buffer.offset);
  return error == 0 ? Status::Ok() : PosixError("write " + path_, error);
}

DirectIoWriter::Buffer* DirectIoWriter::TakeFreeBuffer() {
  std::unique_lock lock(mutex_);
  done_cv_.wait(lock, [this] { return !free_.empty() || !error_.ok(); });
  if (!error_.ok()) return nullptr;
  Buffer* buffer = free_.back();
  free_.pop_back();
  return buffer;
}

void DirectIoWriter::Queue(Buffer* buffer) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(buffer);
  }
  work_cv_.notify_one();
}

void DirectIoWriter::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status DirectIoWriter::FirstError() {
  std::lock_guard lock(mutex_);
  return error_;
}

}  // namespace agora::storage
