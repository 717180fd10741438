#include "publication/portal.h"

#include <limits>

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <optional>

#include "common/hash.h"
#include "common/ids.h"
#include "packaging/zip_archive.h"

namespace agora::publication {
namespace {

constexpr uint64_t kMaxDocsFileBytes = 16 << 20;

bool HasExtension(const std::string& name, const std::string& extension) {
  return name.size() > extension.size() && name.compare(name.size() - extension.size(), extension.size(), extension) == 0;
}

std::string MediaType(const std::string& name) {
  static const std::map<std::string, std::string> kTypes = {
      {".png", "image/png"}, {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".gif", "image/gif"},
      {".svg", "image/svg+xml"}, {".webp", "image/webp"}, {".pdf", "application/pdf"}};
  const auto dot = name.rfind('.');
  std::string extension = dot == std::string::npos ? "" : name.substr(dot);
  std::transform(extension.begin(), extension.end(), extension.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto found = kTypes.find(extension);
  return found == kTypes.end() ? "application/octet-stream" : found->second;
}

auto FindPage(storage::Portal& portal, const std::string& path) {
  return std::find_if(portal.pages.begin(), portal.pages.end(), [&](const auto& p) { return p.path == path; });
}

// Pages in config.json's pageOrder first (by name, with or without ".md"), the rest by name.
void OrderPages(std::vector<storage::PortalPage>& pages, const std::vector<std::string>& order) {
  auto rank = [&](const storage::PortalPage& page) {
    for (size_t i = 0; i < order.size(); ++i)
      if (order[i] == page.path || order[i] == page.path + ".md") return i;
    return order.size();
  };
  std::stable_sort(pages.begin(), pages.end(), [&](const auto& a, const auto& b) {
    return rank(a) != rank(b) ? rank(a) < rank(b) : a.path < b.path;
  });
}

Result<std::vector<std::string>> PageOrder(const std::string& config) {
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(config, ec);
  const auto* order = !ec && value.is_object() ? value.as_object().if_contains("pageOrder") : nullptr;
  if (ec || !value.is_object() || (order && !order->is_array()))
    return Status::InvalidArgument("INVALID_DOCS", "config.json must be {\"pageOrder\": [page names]}");
  std::vector<std::string> names;
  if (order)
    for (const auto& name : order->as_array())
      if (name.is_string()) names.emplace_back(name.as_string());
  return names;
}

// After a change, the blobs the old portal used that nothing references any more are swept.
std::vector<std::string> BlobsOf(const std::optional<storage::Portal>& portal) {
  return portal ? portal->Blobs() : std::vector<std::string>{};
}

}  // namespace

std::string PageOrderRevision(const storage::Portal& portal) {
  std::string paths;
  for (const auto& page : portal.pages) paths.append(page.path).push_back('\n');
  return Sha256Hex(paths).substr(0, 16);
}

Status CheckPagePath(const std::string& path) {
  auto invalid = [&] { return Status::InvalidArgument("INVALID_PAGE_PATH", "'" + path.substr(0, 300) + "' is not a valid page path"); };
  if (path.empty() || path.size() > 255) return invalid();
  size_t start = 0;
  while (start <= path.size()) {
    const size_t end = std::min(path.find('/', start), path.size());
    const std::string segment = path.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") return invalid();
    start = end + 1;
  }
  for (unsigned char c : path)
    if (c < 0x20 || c == 0x7f || c == '\\') return invalid();
  return Status::Ok();
}

Result<std::string> DocumentationPortal::Store(const std::string& content, BlobLease& lease) {
  AGORA_ASSIGN_OR_RETURN(auto writer, blobs_.NewWriter());
  AGORA_RETURN_IF_ERROR(writer->Append(content.data(), content.size()));
  AGORA_ASSIGN_OR_RETURN(storage::BlobInfo blob, lease.Commit(*writer));
  return blob.sha256;
}

Result<std::string> DocumentationPortal::Load(const std::string& sha256) {
  return storage::ReadBlob(blobs_, sha256, std::numeric_limits<uint64_t>::max());
}

Result<storage::Portal> DocumentationPortal::Published(const assets::AssetVersion& version, BlobLease& lease) {
  AGORA_ASSIGN_OR_RETURN(auto stored, metadata_.GetPortal(version.coordinates, false));
  if (stored) return *stored;
  AGORA_ASSIGN_OR_RETURN(std::string home, Store(version.description, lease));
  return storage::Portal{{{"home", home}}, {}};
}

Result<storage::Portal> DocumentationPortal::Draft(const assets::AssetVersion& version, BlobLease& lease) {
  AGORA_ASSIGN_OR_RETURN(auto stored, metadata_.GetPortal(version.coordinates, true));
  if (stored) return *stored;
  AGORA_ASSIGN_OR_RETURN(storage::Portal portal, Published(version, lease));
  AGORA_RETURN_IF_ERROR(metadata_.PutPortal(version.coordinates, true, portal));
  return portal;
}

Result<PortalView> DocumentationPortal::Get(const assets::AssetVersion& version, bool draft) {
  std::lock_guard lock(edit_mutex_);
  BlobLease lease(reaper_);
  PortalView view;
  if (draft) {
    AGORA_ASSIGN_OR_RETURN(view.portal, Draft(version, lease));
    view.draft_exists = true;
  } else {
    AGORA_ASSIGN_OR_RETURN(view.portal, Published(version, lease));
    AGORA_ASSIGN_OR_RETURN(auto stored_draft, metadata_.GetPortal(version.coordinates, true));
    view.draft_exists = stored_draft.has_value();
  }
  lease.Release(/*sweep=*/false);
  return view;
}

Result<std::string> DocumentationPortal::PageContent(const assets::AssetVersion& version, bool draft,
                                                     const std::string& path) {
  AGORA_ASSIGN_OR_RETURN(PortalView view, Get(version, draft));
  const auto page = FindPage(view.portal, path);
  if (page == view.portal.pages.end()) return Status::NotFound("No page " + path.substr(0, 300));
  return Load(page->sha256);
}

Result<storage::PortalResource> DocumentationPortal::Resource(const assets::AssetVersion& version, bool draft,
                                                              const std::string& path) {
  AGORA_ASSIGN_OR_RETURN(PortalView view, Get(version, draft));
  for (const auto& resource : view.portal.resources)
    if (resource.path == path) return resource;
  return Status::NotFound("No resource " + path.substr(0, 300));
}

template <typename Change>
Status DocumentationPortal::EditDraft(const assets::AssetVersion& version, Change change) {
  std::lock_guard lock(edit_mutex_);
  BlobLease lease(reaper_);
  AGORA_ASSIGN_OR_RETURN(storage::Portal draft, Draft(version, lease));
  const std::vector<std::string> before = BlobsOf(draft);
  AGORA_RETURN_IF_ERROR(change(draft, lease));
  AGORA_RETURN_IF_ERROR(metadata_.PutPortal(version.coordinates, true, draft));
  lease.Release(/*sweep=*/false);
  return reaper_.Sweep(before);
}

Status DocumentationPortal::CreatePage(const assets::AssetVersion& version, const std::string& path,
                                       const std::string& move_source) {
  AGORA_RETURN_IF_ERROR(CheckPagePath(path));
  return EditDraft(version, [&](storage::Portal& draft, BlobLease& lease) -> Status {
    if (FindPage(draft, path) != draft.pages.end()) return Status::Conflict("PAGE_EXISTS", "A page " + path + " exists");
    if (move_source.empty()) {
      AGORA_ASSIGN_OR_RETURN(std::string empty, Store("", lease));
      draft.pages.push_back({path, empty});
      return Status::Ok();
    }
    bool moved = false;
    for (auto& page : draft.pages) {
      if (page.path == move_source) page.path = path, moved = true;
      else if (page.path.rfind(move_source + "/", 0) == 0) page.path = path + page.path.substr(move_source.size()), moved = true;
    }
    if (!moved) return Status::NotFound("No page or folder " + move_source.substr(0, 300) + " to move");
    return Status::Ok();
  });
}

Status DocumentationPortal::PutPage(const assets::AssetVersion& version, const std::string& path,
                                    const std::string& markdown) {
  AGORA_RETURN_IF_ERROR(CheckPagePath(path));
  return EditDraft(version, [&](storage::Portal& draft, BlobLease& lease) -> Status {
    AGORA_ASSIGN_OR_RETURN(std::string sha256, Store(markdown, lease));
    auto page = FindPage(draft, path);
    if (page == draft.pages.end()) draft.pages.push_back({path, sha256});
    else page->sha256 = sha256;
    return Status::Ok();
  });
}

Status DocumentationPortal::DeletePage(const assets::AssetVersion& version, const std::string& path) {
  return EditDraft(version, [&](storage::Portal& draft, BlobLease&) -> Status {
    auto page = FindPage(draft, path);
    if (page == draft.pages.end()) return Status::NotFound("No page " + path.substr(0, 300));
    draft.pages.erase(page);
    return Status::Ok();
  });
}

Status DocumentationPortal::SetPageOrder(const assets::AssetVersion& version, const std::vector<std::string>& order,
                                         const std::string& revision) {
  return EditDraft(version, [&](storage::Portal& draft, BlobLease&) -> Status {
    if (!revision.empty() && revision != PageOrderRevision(draft))
      return Status::Conflict("PAGES_ORDER_OUT_OF_SYNC", "The pages have changed since this order was made: reload them");
    std::vector<storage::PortalPage> ordered;
    for (const auto& path : order) {
      const auto page = FindPage(draft, path);
      if (page == draft.pages.end() ||
          std::any_of(ordered.begin(), ordered.end(), [&](const auto& p) { return p.path == path; }))
        return Status::InvalidArgument("INVALID_PAGES_ORDER", "The order names " + path.substr(0, 300) +
                                                                  (page == draft.pages.end() ? ", which is no page of the draft"
                                                                                              : " twice"));
      ordered.push_back(*page);
    }
    if (ordered.size() != draft.pages.size())
      return Status::InvalidArgument("INVALID_PAGES_ORDER", "The order must name every page of the draft once");
    draft.pages = std::move(ordered);
    return Status::Ok();
  });
}

Result<std::string> DocumentationPortal::AddResource(const assets::AssetVersion& version, const std::string& file_name,
                                                     const std::string& content) {
  const auto dot = file_name.rfind('.');
  std::string extension = dot == std::string::npos ? "" : file_name.substr(dot);
  if (extension.size() > 10 || extension.find_first_of("/\\") != std::string::npos) extension.clear();
  const std::string path = "resources/file-" + NewUuid() + extension;
  AGORA_RETURN_IF_ERROR(EditDraft(version, [&](storage::Portal& draft, BlobLease& lease) -> Status {
    AGORA_ASSIGN_OR_RETURN(std::string sha256, Store(content, lease));
    draft.resources.push_back({path, sha256, MediaType(file_name)});
    return Status::Ok();
  }));
  return path;
}

Status DocumentationPortal::DeleteResource(const assets::AssetVersion& version, const std::string& path) {
  return EditDraft(version, [&](storage::Portal& draft, BlobLease&) -> Status {
    const auto before = draft.resources.size();
    std::erase_if(draft.resources, [&](const auto& r) { return r.path == path; });
    if (draft.resources.size() == before) return Status::NotFound("No resource " + path.substr(0, 300));
    return Status::Ok();
  });
}

Status DocumentationPortal::Publish(const assets::AssetVersion& version) {
  std::lock_guard lock(edit_mutex_);
  AGORA_ASSIGN_OR_RETURN(auto published, metadata_.GetPortal(version.coordinates, false));
  const Status st = metadata_.PublishDraft(version.coordinates);
  if (st.kind() == Status::Kind::kNotFound) return Status::Ok();  // nothing to publish
  AGORA_RETURN_IF_ERROR(st);
  return reaper_.Sweep(BlobsOf(published));
}

Status DocumentationPortal::Discard(const assets::AssetVersion& version) {
  std::lock_guard lock(edit_mutex_);
  AGORA_ASSIGN_OR_RETURN(auto draft, metadata_.GetPortal(version.coordinates, true));
  AGORA_RETURN_IF_ERROR(metadata_.DeletePortal(version.coordinates, true));
  return reaper_.Sweep(BlobsOf(draft));
}

Result<storage::Portal> DocumentationPortal::ReadDocsZip(const std::string& zip_path, BlobLease& lease) {
  packaging::ZipLimits limits;
  limits.max_entries = 1000;
  limits.max_total_uncompressed = 256ull << 20;
  AGORA_ASSIGN_OR_RETURN(auto entries, packaging::InspectZip(zip_path, limits));
  storage::Portal portal;
  std::vector<std::string> order;
  for (const auto& entry : entries) {
    if (entry.is_directory) continue;
    const bool root = entry.name.find('/') == std::string::npos;
    if (root && HasExtension(entry.name, ".md")) {
      const std::string path = entry.name.substr(0, entry.name.size() - 3);
      AGORA_RETURN_IF_ERROR(CheckPagePath(path));
      AGORA_ASSIGN_OR_RETURN(std::string markdown, packaging::ReadZipEntry(zip_path, entry.name, kMaxDocsFileBytes));
      AGORA_ASSIGN_OR_RETURN(std::string sha256, Store(markdown, lease));
      portal.pages.push_back({path, sha256});
    } else if (entry.name.rfind("resources/", 0) == 0 && entry.name.find('/', 10) == std::string::npos) {
      AGORA_ASSIGN_OR_RETURN(std::string content, packaging::ReadZipEntry(zip_path, entry.name, kMaxDocsFileBytes));
      AGORA_ASSIGN_OR_RETURN(std::string sha256, Store(content, lease));
      portal.resources.push_back({entry.name, sha256, MediaType(entry.name)});
    } else if (entry.name == "config.json") {
      AGORA_ASSIGN_OR_RETURN(std::string config, packaging::ReadZipEntry(zip_path, entry.name, 1 << 20));
      AGORA_ASSIGN_OR_RETURN(order, PageOrder(config));
    }
  }
  OrderPages(portal.pages, order);
  return portal;
}

Status DocumentationPortal::ReplacePublished(const assets::AssetVersion& version, const storage::Portal& portal) {
  std::lock_guard lock(edit_mutex_);
  AGORA_ASSIGN_OR_RETURN(auto published, metadata_.GetPortal(version.coordinates, false));
  AGORA_ASSIGN_OR_RETURN(auto draft, metadata_.GetPortal(version.coordinates, true));
  AGORA_RETURN_IF_ERROR(metadata_.PutPortal(version.coordinates, false, portal));
  AGORA_RETURN_IF_ERROR(metadata_.DeletePortal(version.coordinates, true));
  std::vector<std::string> before = BlobsOf(published);
  for (auto& sha256 : BlobsOf(draft)) before.push_back(std::move(sha256));
  return reaper_.Sweep(before);
}

}  // namespace agora::publication
