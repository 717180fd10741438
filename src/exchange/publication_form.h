// PublicationForm turns the multipart body of an asset creation request into a
// PublicationRequest: text fields are collected (bounded), file parts (files.<classifier>.<packaging>,
// files.pom, files.pom.xml) are streamed straight into the blob store while they are hashed, so
// memory stays bounded whatever the upload size. Field names Exchange does not define are
// collected and reported together as one 400 by Finish, never silently dropped.
//
// The legacy dialect is the v1-style form of POST /exchange/api/v2/assets (anypoint-cli's `asset
// copy`): the coordinates and organizationId travel as fields, the one file as field `asset` with
// its `classifier`, `main` and `apiVersion` beside it, and dependencies as a JSON array.
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

// What only the legacy dialect carries; organizationId may come more than once.
struct LegacyAssetFields {
  assets::Coordinates coordinates;
  std::vector<std::string> organization_ids;
};

class PublicationForm : public server::MultipartHandler {
 public:
  // legacy: nullptr for the usual form, else where the legacy dialect's own fields go.
  PublicationForm(storage::BlobStore& blobs, publication::BlobLease& lease, publication::PublicationRequest& request,
                  LegacyAssetFields* legacy = nullptr);

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
  bool StoreLegacyText(const std::string& field, std::string& value);
  Status FinishLegacy();

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
  LegacyAssetFields* legacy_;
  std::string legacy_classifier_;
  std::optional<std::string> legacy_dependencies_;
  std::optional<std::string> legacy_metadata_;  // the JSON metadata field, checked at Finish
};

}  // namespace agora::exchange
