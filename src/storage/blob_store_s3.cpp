// S3BlobStore (see blob_store_s3.h).
#include "storage/blob_store_s3.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

#include "common/ids.h"
#include "storage/blob_scratch.h"

namespace agora::storage {
namespace {

// Recently used blobs as local files, up to a budget of bytes; a held blob stays whatever the
// budget. Owned through a shared_ptr, so that a LocalBlob outliving its store stays valid.
class BlobCache : public std::enable_shared_from_this<BlobCache> {
 public:
  BlobCache(Env* env, std::string dir, uint64_t budget) : env_(env), dir_(std::move(dir)), budget_(budget) {}

  const std::string& dir() const { return dir_; }

  std::optional<LocalBlob> Find(const std::string& sha256) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(sha256);
    if (it == entries_.end()) return std::nullopt;
    return HoldLocked(it);
  }

  // Moves `file`, a complete copy of the blob, into the cache and holds it.
  Result<LocalBlob> Insert(const std::string& sha256, const std::string& file, uint64_t size) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(sha256);
    if (it != entries_.end()) {
      (void)env_->RemoveFile(file);
      return HoldLocked(it);
    }
    Status st = env_->RenameFile(file, Path(sha256));
    if (!st.ok()) {
      (void)env_->RemoveFile(file);
      return st;
    }
    it = entries_.emplace(sha256, Entry{size, 0, 0}).first;
    bytes_ += size;
    LocalBlob held = HoldLocked(it);
    EvictLocked();
    return held;
  }

 private:
  struct Entry {
    uint64_t size;
    uint64_t last_use;
    int holds;
  };

  std::string Path(const std::string& sha256) const { return dir_ + "/" + sha256; }

  LocalBlob HoldLocked(std::map<std::string, Entry>::iterator it) {
    it->second.last_use = ++clock_;
    ++it->second.holds;
    std::shared_ptr<BlobCache> self = shared_from_this();
    const std::string sha256 = it->first;
    std::shared_ptr<const void> hold(nullptr, [self, sha256](const void*) { self->Release(sha256); });
    return LocalBlob(Path(sha256), std::move(hold));
  }

  void Release(const std::string& sha256) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(sha256);
    if (it != entries_.end()) --it->second.holds;
    EvictLocked();
  }

  // Drops the least recently used blobs that nobody holds until the cache fits its budget.
  void EvictLocked() {
    while (bytes_ > budget_) {
      auto victim = entries_.end();
      for (auto it = entries_.begin(); it != entries_.end(); ++it)
        if (it->second.holds == 0 && (victim == entries_.end() || it->second.last_use < victim->second.last_use))
          victim = it;
      if (victim == entries_.end()) return;
      (void)env_->RemoveFile(Path(victim->first));
      bytes_ -= victim->second.size;
      entries_.erase(victim);
    }
  }

  Env* env_;
  const std::string dir_;
  const uint64_t budget_;
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
  uint64_t bytes_ = 0;
  uint64_t clock_ = 0;
};

// A directory of this process's own under LOCAL_DIR/instances, locked (flock) while it lives.
class InstanceDir {
 public:
  static Result<std::unique_ptr<InstanceDir>> Create(Env* env, const std::string& local_dir) {
    const std::string parent = local_dir + "/instances";
    auto dir = std::unique_ptr<InstanceDir>(new InstanceDir(parent, parent + "/" + NewUuid()));
    AGORA_RETURN_IF_ERROR(env->CreateDirs(dir->path_));
    dir->lock_fd_ = ::open((dir->path_ + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (dir->lock_fd_ < 0 || ::flock(dir->lock_fd_, LOCK_EX | LOCK_NB) != 0)
      return Status::IOError("cannot lock " + dir->path_ + "/lock");
    return dir;
  }
  ~InstanceDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
    if (lock_fd_ >= 0) ::close(lock_fd_);
  }
  const std::string& path() const { return path_; }

  // Removes the directories of instances whose process is gone (their lock is free).
  void RemoveAbandonedSiblings() const {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(parent_, ec)) {
      if (entry.path().string() == path_) continue;
      const int fd = ::open((entry.path() / "lock").c_str(), O_RDWR | O_CLOEXEC);
      const bool abandoned = fd < 0 || ::flock(fd, LOCK_EX | LOCK_NB) == 0;
      if (abandoned) std::filesystem::remove_all(entry.path(), ec);
      if (fd >= 0) ::close(fd);
    }
  }

 private:
  InstanceDir(std::string parent, std::string path) : parent_(std::move(parent)), path_(std::move(path)) {}
  std::string parent_;
  std::string path_;
  int lock_fd_ = -1;
};

class S3BlobStore : public BlobStore {
 public:
  S3BlobStore(Env* env, S3BlobStoreOptions options, std::unique_ptr<S3Client> client,
              std::unique_ptr<InstanceDir> instance)
      : env_(env),
        options_(std::move(options)),
        client_(std::move(client)),
        instance_(std::move(instance)),
        scratch_(env, instance_->path() + "/tmp"),
        cache_(std::make_shared<BlobCache>(env, instance_->path() + "/cache", options_.cache_bytes)) {}

  Status Init() {
    AGORA_RETURN_IF_ERROR(scratch_.Create());
    AGORA_RETURN_IF_ERROR(env_->CreateDirs(cache_->dir()));
    return client_->CheckBucket();
  }

  Result<std::unique_ptr<BlobWriter>> NewWriter() override {
    return NewSpoolingBlobWriter(scratch_, Installer(), /*stored=*/nullptr, /*sync=*/false);
  }

  std::string NewScratchPath(const std::string& suffix) override { return scratch_.NewPath(suffix); }

  Result<BlobInfo> AdoptFile(const std::string& scratch_path) override {
    return AdoptScratchFile(scratch_, scratch_path, /*sync=*/false, Installer());
  }

  bool Exists(const std::string& sha256) override { return IsSha256(sha256) && Head(sha256).ok(); }

  Result<uint64_t> Size(const std::string& sha256) override {
    if (!IsSha256(sha256)) return InvalidBlobId(sha256);
    AGORA_ASSIGN_OR_RETURN(S3ObjectInfo info, Head(sha256));
    return info.size;
  }

  Result<LocalBlob> Fetch(const std::string& sha256) override {
    if (!IsSha256(sha256)) return InvalidBlobId(sha256);
    if (auto cached = cache_->Find(sha256)) return *cached;
    auto object = client_->Get(Key(sha256), 0, UINT64_MAX, sha256);
    if (!object.ok()) return Missing(sha256, object.status());
    const std::string path = scratch_.NewPath(".fetch");
    Result<uint64_t> size = Download(**object, path);
    if (!size.ok()) {
      (void)env_->RemoveFile(path);
      return size.status();
    }
    return cache_->Insert(sha256, path, *size);
  }

  std::optional<std::string> FilePath(const std::string&) override { return std::nullopt; }

  Result<std::unique_ptr<SequentialFile>> OpenRange(const std::string& sha256, uint64_t offset,
                                                    uint64_t length) override {
    if (!IsSha256(sha256)) return InvalidBlobId(sha256);
    auto object = client_->Get(Key(sha256), offset, length, sha256);
    if (!object.ok()) return Missing(sha256, object.status());
    return object;
  }

  Status Remove(const std::string& sha256) override {
    if (!IsSha256(sha256)) return InvalidBlobId(sha256);
    // As the file store does, removing a missing blob says so.
    AGORA_RETURN_IF_ERROR(Size(sha256).status());
    return client_->Delete(Key(sha256));
  }

  Result<std::vector<std::string>> List() override {
    const std::string prefix = options_.prefix + "blobs/sha256/";
    AGORA_ASSIGN_OR_RETURN(auto objects, client_->List(prefix));
    std::vector<std::string> all;
    for (const auto& object : objects) {
      std::string sha256 = object.key.substr(prefix.size());
      if (IsSha256(sha256)) all.push_back(std::move(sha256));  // other objects are not blobs
    }
    return all;
  }

  Status CleanScratch() override {
    instance_->RemoveAbandonedSiblings();
    return scratch_.Clean();
  }

 private:
  std::string Key(const std::string& sha256) const { return options_.prefix + "blobs/sha256/" + sha256; }

  // The blob's object, if it is whole: it carries the digest its upload recorded.
  Result<S3ObjectInfo> Head(const std::string& sha256) {
    auto info = client_->Head(Key(sha256));
    if (!info.ok()) return Missing(sha256, info.status());
    if (info->sha256 != sha256) return Status::NotFound("blob " + sha256 + " not found (its object is not whole)");
    return info;
  }

  static Status Missing(const std::string& sha256, const Status& why) {
    return why.kind() == Status::Kind::kNotFound ? Status::NotFound("blob " + sha256 + " not found") : why;
  }

  BlobInstaller Installer() {
    return [this](const std::string& scratch, const BlobInfo& info) { return Upload(scratch, info); };
  }

  // Sends a complete scratch file to its content address (unless the content is there already),
  // then keeps it in the cache: a blob just written is usually read next (a spec, a zip).
  Result<BlobInfo> Upload(const std::string& scratch, const BlobInfo& info) {
    auto existing = Head(info.sha256);
    Status st = existing.ok() && existing->size == info.size ? Status::Ok()
                                                               : client_->PutFile(Key(info.sha256), scratch, info.size, info.sha256);
    if (!st.ok()) {
      (void)env_->RemoveFile(scratch);
      return st;
    }
    if (info.size > options_.cache_bytes / 4) {
      (void)env_->RemoveFile(scratch);  // too large to be worth the cache
    } else {
      (void)cache_->Insert(info.sha256, scratch, info.size);
    }
    return info;
  }

  Result<uint64_t> Download(SequentialFile& object, const std::string& path) {
    AGORA_ASSIGN_OR_RETURN(auto file, env_->NewWritableFile(path));
    std::string buffer(256 * 1024, '\0');
    uint64_t size = 0;
    while (true) {
      AGORA_ASSIGN_OR_RETURN(size_t n, object.Read(buffer.data(), buffer.size()));
      if (n == 0) break;
      AGORA_RETURN_IF_ERROR(file->Append(std::string_view(buffer.data(), n)));
      size += n;
    }
    AGORA_RETURN_IF_ERROR(file->Close());
    return size;
  }

  Env* env_;
  const S3BlobStoreOptions options_;
  std::unique_ptr<S3Client> client_;
  std::unique_ptr<InstanceDir> instance_;
  ScratchDir scratch_;
  std::shared_ptr<BlobCache> cache_;
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecoded(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 && HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

Status Usage(const std::string& message) { return Status::InvalidArgument("INVALID_BLOBS_URL", message); }

std::string Trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

// The profile's keys in an AWS shared credentials file (INI: "[profile]", "key = value").
std::map<std::string, std::string> ReadCredentialsProfile(const std::string& path, const std::string& profile) {
  std::map<std::string, std::string> values;
  std::ifstream in(path);
  std::string line, section;
  while (std::getline(in, line)) {
    line = Trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = Trim(line.substr(1, line.size() - 2));
      continue;
    }
    const auto equals = line.find('=');
    if (section == profile && equals != std::string::npos) values[Trim(line.substr(0, equals))] = Trim(line.substr(equals + 1));
  }
  return values;
}

Result<S3Credentials> CredentialsFromEnvironment() {
  auto env = [](const char* name) {
    const char* value = std::getenv(name);
    return std::string(value ? value : "");
  };
  S3Credentials credentials{env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), env("AWS_SESSION_TOKEN")};
  if (!credentials.access_key_id.empty() && !credentials.secret_access_key.empty()) return credentials;
  std::string file = env("AWS_SHARED_CREDENTIALS_FILE");
  if (file.empty() && !env("HOME").empty()) file = env("HOME") + "/.aws/credentials";
  const std::string profile = env("AWS_PROFILE").empty() ? "default" : env("AWS_PROFILE");
  if (!file.empty()) {
    auto values = ReadCredentialsProfile(file, profile);
    credentials = S3Credentials{values["aws_access_key_id"], values["aws_secret_access_key"], values["aws_session_token"]};
    if (!credentials.access_key_id.empty() && !credentials.secret_access_key.empty()) return credentials;
  }
  return Status::InvalidArgument(
      "MISSING_S3_CREDENTIALS",
      "no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or put aws_access_key_id and "
      "aws_secret_access_key under [" + profile + "] in " + (file.empty() ? "~/.aws/credentials" : file) +
          " (AWS_SHARED_CREDENTIALS_FILE, AWS_PROFILE)");
}

}  // namespace

Result<std::unique_ptr<BlobStore>> OpenS3BlobStore(Env* env, S3BlobStoreOptions options) {
  AGORA_ASSIGN_OR_RETURN(auto client, S3Client::Create(options.s3));
  AGORA_ASSIGN_OR_RETURN(auto instance, InstanceDir::Create(env, options.local_dir));
  auto store = std::make_unique<S3BlobStore>(env, std::move(options), std::move(client), std::move(instance));
  AGORA_RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<BlobStore>(std::move(store));
}

Result<S3BlobStoreOptions> ParseS3BlobStoreUrl(const std::string& url) {
  const std::string scheme = "s3://";
  if (url.rfind(scheme, 0) != 0) return Usage("a blob store URL starts with s3://, got '" + url + "'");
  const std::string rest = url.substr(scheme.size());
  const auto query_at = rest.find('?');
  const std::string location = rest.substr(0, query_at);
  const auto slash = location.find('/');
  S3BlobStoreOptions options;
  options.s3.bucket = location.substr(0, slash);
  if (options.s3.bucket.find('@') != std::string::npos || options.s3.bucket.find(':') != std::string::npos)
    return Usage("credentials do not go in the blob store URL (command lines are visible to every user): "
                 "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or use ~/.aws/credentials");
  if (slash != std::string::npos) {
    options.prefix = location.substr(slash + 1);
    while (!options.prefix.empty() && options.prefix.front() == '/') options.prefix.erase(0, 1);
    if (!options.prefix.empty() && options.prefix.back() != '/') options.prefix.push_back('/');
    // Keys stay within the characters every S3 implementation signs alike.
    if (options.prefix.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-") !=
            std::string::npos ||
        options.prefix.find("//") != std::string::npos)
      return Usage("an S3 key prefix may hold only letters, digits, '.', '_', '-' and '/', got '" + options.prefix + "'");
  }
  bool style_given = false;
  if (query_at != std::string::npos) {
    std::string query = rest.substr(query_at + 1);
    size_t start = 0;
    while (start <= query.size()) {
      const size_t end = std::min(query.find('&', start), query.size());
      const std::string pair = query.substr(start, end - start);
      start = end + 1;
      if (pair.empty()) continue;
      const auto equals = pair.find('=');
      const std::string name = pair.substr(0, equals);
      const std::string value = equals == std::string::npos ? "" : PercentDecoded(pair.substr(equals + 1));
      if (name == "endpoint") {
        options.s3.endpoint = value;
      } else if (name == "region") {
        options.s3.region = value;
      } else if (name == "style" && (value == "path" || value == "virtual")) {
        options.s3.path_style = value == "path";
        style_given = true;
      } else if (name == "cache_mb" && !value.empty() && value.find_first_not_of("0123456789") == std::string::npos &&
                 value.size() < 9) {
        options.cache_bytes = std::stoull(value) << 20;
      } else {
        return Usage("unknown or invalid parameter '" + pair + "' in the blob store URL (known: endpoint=URL, "
                     "region=NAME, style=path|virtual, cache_mb=N)");
      }
    }
  }
  // AWS's own endpoints want virtual-hosted buckets; other S3 servers (MinIO, Ceph, s3rver) paths.
  if (!style_given) options.s3.path_style = !options.s3.endpoint.empty();
  AGORA_ASSIGN_OR_RETURN(options.s3.credentials, CredentialsFromEnvironment());
  return options;
}

}  // namespace agora::storage
