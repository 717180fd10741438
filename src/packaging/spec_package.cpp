#include "packaging/spec_package.h"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <functional>
#include <memory>
#include <string_view>

#include "packaging/zip_archive.h"
#include "packaging/zip_handle.h"

namespace agora::packaging {
namespace {

constexpr std::string_view kModulesFolder = "exchange_modules";
constexpr std::string_view kDescriptor = "exchange.json";

bool IsModulesEntry(const std::string& name) {
  return name.compare(0, kModulesFolder.size(), kModulesFolder) == 0 &&
         (name.size() == kModulesFolder.size() || name[kModulesFolder.size()] == '/');
}

Status InvalidEntry(const std::string& message) {
  return Status::InvalidArgument("INVALID_PACKAGE_ENTRY", message, {message});
}

// Which entries of a source archive to leave out.
using EntryFilter = std::function<bool(const std::string& name)>;

// An archive being written to `dest`, or to memory when `dest` is empty. Nothing reaches `dest`
// until Commit succeeds; after a failed Commit the file is removed, so callers never see a
// partial archive.
class ArchiveWriter {
 public:
  explicit ArchiveWriter(std::string dest) : dest_(std::move(dest)) {}
  ArchiveWriter(const ArchiveWriter&) = delete;
  ArchiveWriter& operator=(const ArchiveWriter&) = delete;
  ~ArchiveWriter() {
    archive_.reset();  // before the sources it reads from
    sources_.clear();
    if (memory_) zip_source_free(memory_);
    if (!committed_ && !dest_.empty()) std::filesystem::remove(dest_, ignored_);
  }

  Status Open() {
    if (!dest_.empty()) {
      int error = 0;
      archive_.reset(zip_open(dest_.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error));
      if (!archive_) return Status::IOError("cannot create " + dest_ + ": " + ZipOpenErrorText(error));
      return Status::Ok();
    }
    zip_error_t error;
    zip_error_init(&error);
    memory_ = zip_source_buffer_create(nullptr, 0, 0, &error);
    if (memory_) {
      zip_source_keep(memory_);  // the archive's reference goes with zip_close; Commit reads it after
      archive_.reset(zip_open_from_source(memory_, ZIP_CREATE | ZIP_TRUNCATE, &error));
      if (!archive_) zip_source_free(memory_);  // the reference the failed open did not take
    }
    const std::string why = zip_error_strerror(&error);
    zip_error_fini(&error);
    if (!archive_) return Status::IOError("cannot create an archive in memory: " + why);
    return Status::Ok();
  }

  Status AddBuffer(const std::string& name, const std::string& content) {
    buffers_.push_back(std::make_unique<std::string>(content));  // must outlive zip_close
    const std::string& kept = *buffers_.back();
    return Add(name, zip_source_buffer(archive_.get(), kept.data(), kept.size(), 0));
  }

  Status AddFile(const std::string& name, const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return Status::IOError("cannot read " + path);
    return Add(name, zip_source_file(archive_.get(), path.c_str(), 0, -1));
  }

  // Copies every entry of the archive at `path` that `skip` does not reject, under `prefix`,
  // as raw compressed bytes with the same method, time and attributes.
  Status AddEntriesOf(const std::string& path, const std::string& prefix, const EntryFilter& skip) {
    AGORA_ASSIGN_OR_RETURN(ZipHandle opened, OpenZipForReading(path));
    sources_.push_back(std::move(opened));  // zip_close reads the entries from it
    zip_t* source = sources_.back().get();
    const zip_int64_t count = zip_get_num_entries(source, 0);
    for (zip_uint64_t i = 0; i < static_cast<zip_uint64_t>(std::max<zip_int64_t>(count, 0)); ++i) {
      zip_stat_t st;
      if (zip_stat_index(source, i, 0, &st) != 0 || !st.name)
        return Status::InvalidArgument("INVALID_ZIP", "Entry " + std::to_string(i) + " of " + path + " cannot be read");
      if (skip(st.name)) continue;
      AGORA_RETURN_IF_ERROR(CopyRaw(source, i, st, prefix + st.name));
    }
    return Status::Ok();
  }

  // The archive's bytes when it was built in memory (empty when it went to a file).
  Result<std::string> Commit() {
    const std::string where = dest_.empty() ? "an archive in memory" : dest_;
    if (zip_close(archive_.get()) != 0) {
      zip_error_t* error = zip_get_error(archive_.get());
      const std::string message = "writing " + where + ": " + zip_error_strerror(error);
      return zip_error_code_system(error) == ENOSPC ? Status::NoSpace(message) : Status::IOError(message);
    }
    archive_.release();  // zip_close freed it
    committed_ = true;
    std::string bytes;
    if (!memory_) return bytes;
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_source_stat(memory_, &stat) != 0 || !(stat.valid & ZIP_STAT_SIZE) || zip_source_open(memory_) != 0)
      return Status::IOError("reading " + where + ": " + zip_error_strerror(zip_source_error(memory_)));
    bytes.resize(stat.size);
    zip_uint64_t done = 0;
    while (done < stat.size) {
      const zip_int64_t read = zip_source_read(memory_, bytes.data() + done, stat.size - done);
      if (read <= 0) break;
      done += static_cast<zip_uint64_t>(read);
    }
    zip_source_close(memory_);
    if (done != stat.size) return Status::IOError("reading " + where + ": it ended early");
    return bytes;
  }

 private:
  // Content agora compresses itself (exchange.json, a single-file spec) is deflated at level 1:
  // libzip's default is level 9, which took 6 ms of a publication's CPU for a 165 KiB RAML file
  // against under 1 ms, for an entry about a fifth larger.
  // Their mode is a plain file's 0644: libzip's default, 0666, would let any user of a
  // consumer's machine rewrite what it extracted.
  Status Add(const std::string& name, zip_source_t* source) {
    AGORA_ASSIGN_OR_RETURN(zip_uint64_t added, AddSource(name, source));
    if (zip_set_file_compression(archive_.get(), added, ZIP_CM_DEFLATE, 1) != 0)
      return Status::IOError("cannot set the compression of " + name + ": " + zip_strerror(archive_.get()));
    return SetPlainFileMode(added, name);
  }

  Status SetPlainFileMode(zip_uint64_t index, const std::string& name) {
    constexpr zip_uint32_t kRegularFile0644 = 0100644;
    if (zip_file_set_external_attributes(archive_.get(), index, 0, ZIP_OPSYS_UNIX, kRegularFile0644 << 16) != 0)
      return Status::IOError("cannot set the mode of " + name + ": " + zip_strerror(archive_.get()));
    return Status::Ok();
  }

  Result<zip_uint64_t> AddSource(const std::string& name, zip_source_t* source) {
    if (!source) return Status::IOError("libzip: " + std::string(zip_strerror(archive_.get())));
    if (!IsSafeEntryName(name)) {
      zip_source_free(source);
      return InvalidEntry("'" + name + "' is not a safe entry name");
    }
    const zip_int64_t index = zip_file_add(archive_.get(), name.c_str(), source, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(source);
      if (zip_error_code_zip(zip_get_error(archive_.get())) == ZIP_ER_EXISTS)
        return InvalidEntry("the package would hold '" + name + "' twice");
      return Status::IOError("cannot add " + name + ": " + zip_strerror(archive_.get()));
    }
    return static_cast<zip_uint64_t>(index);
  }

  Status CopyRaw(zip_t* source, zip_uint64_t index, const zip_stat_t& st, const std::string& name) {
    zip_source_t* raw = zip_source_zip(archive_.get(), source, index, ZIP_FL_COMPRESSED, 0, -1);
    AGORA_ASSIGN_OR_RETURN(zip_uint64_t added, AddSource(name, raw));
    // Without the source's method libzip would deflate stored entries (and re-encode others).
    if (zip_set_file_compression(archive_.get(), added, st.comp_method, 0) != 0)
      return Status::InvalidArgument("INVALID_ZIP_ENTRY", "The zip entry '" + std::string(st.name) +
                                                              "' uses an unsupported compression method");
    // zip_source_zip carries the time of file entries but not of directories.
    if ((st.valid & ZIP_STAT_MTIME) && zip_file_set_mtime(archive_.get(), added, st.mtime, 0) != 0)
      return Status::IOError("cannot keep the time of " + name + ": " + zip_strerror(archive_.get()));
    zip_uint8_t opsys = 0;
    zip_uint32_t attributes = 0;
    if (zip_file_get_external_attributes(source, index, 0, &opsys, &attributes) != 0) return Status::Ok();
    // Inspection refuses links, but a dependency stored before it did must not pass one on.
    if (!IsPlainFileMode(attributes)) return SetPlainFileMode(added, name);
    zip_file_set_external_attributes(archive_.get(), added, 0, opsys, attributes);
    return Status::Ok();
  }

  std::string dest_;
  zip_source_t* memory_ = nullptr;  // the archive's bytes, when built in memory
  std::vector<ZipHandle> sources_;
  ZipHandle archive_;
  std::vector<std::unique_ptr<std::string>> buffers_;
  bool committed_ = false;
  std::error_code ignored_;
};

// Each coordinate becomes one folder level: it must be a plain, non-empty name.
Status CheckFolderName(const std::string& part, const assets::Coordinates& c) {
  if (part.empty() || part == "." || part == ".." || part.find('/') != std::string::npos)
    return InvalidEntry("the coordinates " + c.ToString() + " cannot name a folder of exchange_modules");
  return Status::Ok();
}

Result<std::string> ModuleFolder(const assets::Coordinates& c) {
  for (const std::string* part : {&c.group_id, &c.asset_id, &c.version}) AGORA_RETURN_IF_ERROR(CheckFolderName(*part, c));
  return std::string(kModulesFolder) + "/" + c.group_id + "/" + c.asset_id + "/" + c.version + "/";
}

Result<std::vector<std::string>> ModuleFolders(const std::vector<assets::Coordinates>& dependencies) {
  std::vector<std::string> folders;
  for (const assets::Coordinates& c : dependencies) {
    AGORA_ASSIGN_OR_RETURN(std::string folder, ModuleFolder(c));
    folders.push_back(std::move(folder));
  }
  return folders;
}

// Whether `name` lies in one of `folders` (each ending in '/'), or is one of them written as a file.
bool InAnyFolder(const std::string& name, const std::vector<std::string>& folders) {
  return std::any_of(folders.begin(), folders.end(), [&](const std::string& folder) {
    return name.compare(0, folder.size(), folder) == 0 || name + '/' == folder;
  });
}

// Whether an entry of the upload itself is left out of a package: its exchange.json (agora writes
// its own), and its copy of a dependency the package resolves from the dependency's own content.
// Exchange deletes an uploaded exchange_modules/ whole when dependencies are declared; agora keeps
// the modules no dependency replaces, because publication read the spec with them (see
// specs::ArchiveSpecSource), and a package must resolve what was validated.
EntryFilter UploadEntriesReplaced(std::vector<std::string> dependency_folders) {
  return [folders = std::move(dependency_folders)](const std::string& name) {
    return name == kDescriptor || InAnyFolder(name, folders);
  };
}

Status AddContent(ArchiveWriter& writer, const PackageContent& content, const std::string& prefix,
                  const EntryFilter& skip) {
  if (content.is_zip) return writer.AddEntriesOf(content.path, prefix, skip);
  const std::string& name = content.single_file_name;
  if (name.empty() || name.back() == '/') return InvalidEntry("a single spec file needs a file name, not '" + name + "'");
  return writer.AddFile(prefix + content.single_file_name, content.path);
}

}  // namespace

Result<std::string> RewriteSpecArchive(const std::string& source_zip, const std::string& dest_zip,
                                       const std::string& exchange_json,
                                       const std::vector<assets::Coordinates>& dependencies) {
  AGORA_ASSIGN_OR_RETURN(std::vector<std::string> folders, ModuleFolders(dependencies));
  ArchiveWriter writer(dest_zip);
  AGORA_RETURN_IF_ERROR(writer.Open());
  AGORA_RETURN_IF_ERROR(writer.AddEntriesOf(source_zip, "", UploadEntriesReplaced(std::move(folders))));
  AGORA_RETURN_IF_ERROR(writer.AddBuffer(std::string(kDescriptor), exchange_json));
  return writer.Commit();
}

Result<std::string> BuildFatPackage(const PackageContent& base, const std::string& exchange_json,
                                    const std::vector<FatDependency>& dependencies, const std::string& dest_zip) {
  std::vector<assets::Coordinates> coordinates;
  for (const FatDependency& dependency : dependencies) coordinates.push_back(dependency.coordinates);
  AGORA_ASSIGN_OR_RETURN(std::vector<std::string> folders, ModuleFolders(coordinates));
  ArchiveWriter writer(dest_zip);
  AGORA_RETURN_IF_ERROR(writer.Open());
  AGORA_RETURN_IF_ERROR(AddContent(writer, base, "", UploadEntriesReplaced(folders)));
  AGORA_RETURN_IF_ERROR(writer.AddBuffer(std::string(kDescriptor), exchange_json));
  // A dependency keeps its exchange.json (it describes that dependency) but not its modules: its
  // dependencies are in the closure, so at the root, where its references to them resolve.
  for (size_t i = 0; i < dependencies.size(); ++i)
    AGORA_RETURN_IF_ERROR(AddContent(writer, dependencies[i].content, folders[i], IsModulesEntry));
  return writer.Commit();
}

}  // namespace agora::packaging
