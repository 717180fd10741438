// DocumentationPortal owns an asset version's documentation: its published pages (Markdown) and
// resources (images), and the draft that editors change and then publish. A version that never
// had a portal stored shows one page, "home", written from the asset's description; the first
// draft starts from what is published (or that home page). Contents live in the blob store.
// A docs.zip (mutable data) replaces the published portal: each root *.md is a page named after
// its file, terms.md the terms page, resources/ the images, config.json {"pageOrder": [...]}.
//
// Thread safety: every method may be called from any thread; changes to one store are
// serialised so that concurrent edits of a draft do not lose one another.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "assets/asset.h"
#include "common/status.h"
#include "publication/blob_reaper.h"
#include "storage/blob_store.h"
#include "storage/metadata_store.h"

namespace agora::publication {

struct PortalView {
  bool draft_exists = false;
  storage::Portal portal;
};

class DocumentationPortal {
 public:
  // The largest page and image the editors (the Exchange API's and the portal's) accept.
  static constexpr size_t kMaxPageBytes = 4 << 20;
  static constexpr size_t kMaxResourceBytes = 16 << 20;

  DocumentationPortal(storage::MetadataStore& metadata, storage::BlobStore& blobs, BlobReaper& reaper)
      : metadata_(metadata), blobs_(blobs), reaper_(reaper) {}

  // The published portal (draft = false) or the draft, which is created on first use.
  Result<PortalView> Get(const assets::AssetVersion& version, bool draft);
  // The Markdown of a page; NotFound if there is no such page.
  Result<std::string> PageContent(const assets::AssetVersion& version, bool draft, const std::string& path);
  // A resource's blob and media type; NotFound if absent.
  Result<storage::PortalResource> Resource(const assets::AssetVersion& version, bool draft, const std::string& path);

  // Draft edits. CreatePage adds an empty page (409 if one has that path) or, with `move_source`,
  // renames that page or every page under that folder. PutPage creates or replaces a page.
  Status CreatePage(const assets::AssetVersion& version, const std::string& path, const std::string& move_source);
  Status PutPage(const assets::AssetVersion& version, const std::string& path, const std::string& markdown);
  Status DeletePage(const assets::AssetVersion& version, const std::string& path);
  // Puts the draft's pages in `order`, which names each of them once (400 INVALID_PAGES_ORDER
  // otherwise). With a `revision` (PageOrderRevision of the order the editor saw), 409
  // PAGES_ORDER_OUT_OF_SYNC when the draft's pages have changed since.
  Status SetPageOrder(const assets::AssetVersion& version, const std::vector<std::string>& order,
                      const std::string& revision);
  // Stores an image under resources/; returns its path.
  Result<std::string> AddResource(const assets::AssetVersion& version, const std::string& file_name,
                                  const std::string& content);
  Status DeleteResource(const assets::AssetVersion& version, const std::string& path);
  // The draft becomes the published portal (nothing to do without a draft); Discard drops it.
  Status Publish(const assets::AssetVersion& version);
  Status Discard(const assets::AssetVersion& version);

  // The published portal a docs.zip describes; validated, its blobs committed under `lease`.
  Result<storage::Portal> ReadDocsZip(const std::string& zip_path, BlobLease& lease);
  // Replaces the published portal (and drops any draft).
  Status ReplacePublished(const assets::AssetVersion& version, const storage::Portal& portal);

 private:
  Result<storage::Portal> Published(const assets::AssetVersion& version, BlobLease& lease);
  Result<storage::Portal> Draft(const assets::AssetVersion& version, BlobLease& lease);
  // Reads the draft, lets `change` edit it, and stores it, under the edit lock.
  template <typename Change>
  Status EditDraft(const assets::AssetVersion& version, Change change);
  Result<std::string> Store(const std::string& content, BlobLease& lease);
  Result<std::string> Load(const std::string& sha256);

  storage::MetadataStore& metadata_;
  storage::BlobStore& blobs_;
  BlobReaper& reaper_;
  std::mutex edit_mutex_;
};

// The revision of a portal's page order (X-Pages-Order-Revision): a hash of its pages' paths in order.
std::string PageOrderRevision(const storage::Portal& portal);

// Page paths: 1-255 characters, '/'-separated non-empty segments other than "." and "..", no
// backslash or control character. 400 INVALID_PAGE_PATH otherwise.
Status CheckPagePath(const std::string& path);

}  // namespace agora::publication
