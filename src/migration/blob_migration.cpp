#include "migration/blob_migration.h"

#include "common/hash.h"

namespace agora::migration {
namespace {

constexpr size_t kChunk = 256 * 1024;

// Streams one blob from `from` into `to`; the copy must hash to its id.
Result<uint64_t> CopyOne(storage::BlobStore& from, storage::BlobStore& to, const std::string& sha256) {
  auto source = from.Open(sha256);
  if (!source.ok() && source.status().kind() == Status::Kind::kNotFound)
    return Status::NotFound("blob " + sha256 + " is missing from the source's blob store");
  AGORA_RETURN_IF_ERROR(source.status());
  AGORA_ASSIGN_OR_RETURN(auto writer, to.NewWriter());
  std::string buffer(kChunk, '\0');
  while (true) {
    AGORA_ASSIGN_OR_RETURN(size_t n, (*source)->Read(buffer.data(), buffer.size()));
    if (n == 0) break;
    AGORA_RETURN_IF_ERROR(writer->Append(buffer.data(), n));
  }
  AGORA_ASSIGN_OR_RETURN(storage::BlobInfo info, writer->Commit());
  if (info.sha256 != sha256)  // the copy stays under its own digest, unreferenced, for the reaper
    return Status::Corruption("blob " + sha256 + " of the source holds content whose SHA-256 is " + info.sha256);
  return info.size;
}

}  // namespace

Result<BlobCopyReport> CopyBlobs(storage::BlobStore& from, storage::BlobStore& to, const std::vector<std::string>& sha256s,
                                 const BlobProgress& progress) {
  BlobCopyReport report;
  for (const auto& sha256 : sha256s) {
    const bool present = to.Exists(sha256);
    if (present) {
      ++report.skipped;
    } else {
      AGORA_ASSIGN_OR_RETURN(uint64_t size, CopyOne(from, to, sha256));
      ++report.copied;
      report.bytes += size;
    }
    if (progress) progress(sha256, !present);
  }
  return report;
}

Result<std::vector<std::string>> VerifyBlobs(storage::BlobStore& to, const std::vector<std::string>& sha256s) {
  std::vector<std::string> bad;
  std::string buffer(kChunk, '\0');
  for (const auto& sha256 : sha256s) {
    auto source = to.Open(sha256);
    if (!source.ok()) {
      if (source.status().kind() != Status::Kind::kNotFound) return source.status();
      bad.push_back(sha256);
      continue;
    }
    Sha256Hasher hasher;
    bool readable = true;
    while (true) {
      auto n = (*source)->Read(buffer.data(), buffer.size());
      if (!n.ok()) {
        if (n.status().kind() != Status::Kind::kCorruption) return n.status();
        readable = false;  // the store's own check refused it
        break;
      }
      if (*n == 0) break;
      hasher.Update(buffer.data(), *n);
    }
    if (!readable || hasher.FinishHex() != sha256) bad.push_back(sha256);
  }
  return bad;
}

}  // namespace agora::migration
