// PublicationForm turns the multipart body of an asset creation request into a
// PublicationRequest: text fields are collected (bounded), file parts (files.<classifier>.<packaging>,
// files.pom, files.pom.xml) are streamed straight into the blob store while they are hashed, so
// memory stays bounded whatever the upload size. Field names Exchange does not define are
// collected and reported together as one 400 by Finish, never silently dropped.
//
// Thread safety: one instance per request, used by the request's thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "publication/blob_reaper.h"
#include "publication/request.h"
#include "server/multipart.h"
#include "storage/blob_store.h"

namespace agora::exchange {

class PublicationForm : public server::MultipartHandler {
 public:
  PublicationForm(storage::BlobStore& blobs, publication::BlobLease& lease, publication::PublicationRequest& request);

  Status OnPartBegin(const server::MultipartPart& part) override;
  Status OnPartData(const char* data, size_t size) override;
  Status OnPartEnd() override;
  // Checks what can only be checked once the whole form was read.
  Status Finish();

 private:
  enum class PartKind { kText, kFile, kUnknown };
  Status BeginFile(const std::string& field, const std::string& classifier, const std::string& packaging,
                   const server::MultipartPart& part);
  Status StoreText(const std::string& field, std::string value);

  static constexpr size_t kMaxTextBytes = 4 << 20;  // all text fields of one form together

  storage::BlobStore& blobs_;
  publication::BlobLease& lease_;
  publication::PublicationRequest& request_;
  PartKind kind_ = PartKind::kUnknown;
  std::string field_;
  std::string text_;
  size_t text_bytes_ = 0;
  std::unique_ptr<storage::BlobWriter> writer_;
  publication::UploadedFile file_;
  // categories / fields sent as JSON arrays; they take priority over categories.<key> / fields.<key>.
  std::optional<std::vector<publication::KeyValues>> json_categories_;
  std::optional<std::vector<publication::KeyValues>> json_fields_;
  std::vector<std::string> unknown_fields_;
  std::vector<std::string> bad_file_fields_;
};

}  // namespace agora::exchange
