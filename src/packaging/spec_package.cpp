#include "packaging/spec_package.h"

#include <zip.h>

#include <cerrno>
#include <filesystem>
#include <memory>

namespace agora::packaging {
namespace {

constexpr const char* kModules = "exchange_modules/";

bool IsModuleEntry(const std::string& name) { return name.rfind(kModules, 0) == 0 || name == "exchange_modules"; }

// An archive being written to `path`; discarded (and the file removed) unless closed successfully.
class ArchiveWriter {
 public:
  ~ArchiveWriter() {
    if (archive_) zip_discard(archive_);
    for (zip_t* source : sources_) zip_discard(source);
    if (!closed_) std::filesystem::remove(path_, ignored_);
  }

  Status Open(const std::string& path, bool create) {
    path_ = path;
    int error = 0;
    archive_ = zip_open(path.c_str(), create ? ZIP_CREATE | ZIP_TRUNCATE : 0, &error);
    if (!archive_) return Status::IOError("cannot open " + path + " for writing (libzip error " + std::to_string(error) + ")");
    return Status::Ok();
  }

  // Removes root exchange.json and, if asked, every exchange_modules/ entry.
  void DeleteGeneratedEntries(bool strip_modules) {
    const zip_int64_t count = zip_get_num_entries(archive_, 0);
    for (zip_int64_t i = 0; i < count; ++i) {
      const char* name = zip_get_name(archive_, static_cast<zip_uint64_t>(i), 0);
      if (!name) continue;
      const std::string entry = name;
      if (entry == "exchange.json" || (strip_modules && IsModuleEntry(entry))) zip_delete(archive_, static_cast<zip_uint64_t>(i));
    }
  }

  Status AddBuffer(const std::string& name, const std::string& content) {
    buffers_.push_back(std::make_unique<std::string>(content));
    zip_source_t* source = zip_source_buffer(archive_, buffers_.back()->data(), buffers_.back()->size(), 0);
    return AddSource(name, source);
  }

  Status AddFile(const std::string& name, const std::string& path) {
    return AddSource(name, zip_source_file(archive_, path.c_str(), 0, -1));
  }

  // Copies the entries of another archive under `prefix`, compressed bytes as they are.
  Status AddArchive(const std::string& prefix, const std::string& path) {
    int error = 0;
    zip_t* source = zip_open(path.c_str(), ZIP_RDONLY, &error);
    if (!source) return Status::IOError("cannot open dependency archive " + path);
    sources_.push_back(source);  // must stay open until the destination is written
    const zip_int64_t count = zip_get_num_entries(source, 0);
    for (zip_int64_t i = 0; i < count; ++i) {
      const char* raw = zip_get_name(source, static_cast<zip_uint64_t>(i), 0);
      if (!raw) continue;
      const std::string name = raw;
      if (name.empty() || name.back() == '/' || IsModuleEntry(name)) continue;
      zip_source_t* entry = zip_source_zip(archive_, source, static_cast<zip_uint64_t>(i), ZIP_FL_COMPRESSED, 0, -1);
      AGORA_RETURN_IF_ERROR(AddSource(prefix + name, entry));
    }
    return Status::Ok();
  }

  Status Close() {
    if (zip_close(archive_) != 0) {
      const std::string message = zip_strerror(archive_);
      const bool no_space = zip_error_code_system(zip_get_error(archive_)) == ENOSPC;
      return no_space ? Status::NoSpace("writing " + path_ + ": " + message)
                      : Status::IOError("writing " + path_ + ": " + message);
    }
    archive_ = nullptr;
    closed_ = true;
    return Status::Ok();
  }

 private:
  Status AddSource(const std::string& name, zip_source_t* source) {
    if (!source) return Status::IOError(std::string("libzip: ") + zip_strerror(archive_));
    if (zip_file_add(archive_, name.c_str(), source, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8) < 0) {
      zip_source_free(source);
      return Status::IOError("cannot add " + name + ": " + zip_strerror(archive_));
    }
    return Status::Ok();
  }

  std::string path_;
  zip_t* archive_ = nullptr;
  std::vector<zip_t*> sources_;
  std::vector<std::unique_ptr<std::string>> buffers_;
  bool closed_ = false;
  std::error_code ignored_;
};

// Starts `dest` from the base content: a copy of the zip (so untouched entries stay raw), or an
// archive holding the single spec file.
Status StartFrom(ArchiveWriter& writer, const PackageContent& base, const std::string& dest) {
  if (!base.is_zip) {
    AGORA_RETURN_IF_ERROR(writer.Open(dest, /*create=*/true));
    return writer.AddFile(base.single_file_name, base.path);
  }
  std::error_code ec;
  std::filesystem::copy_file(base.path, dest, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) {
    return ec.value() == ENOSPC ? Status::NoSpace("copying " + base.path + ": " + ec.message())
                                : Status::IOError("copying " + base.path + ": " + ec.message());
  }
  return writer.Open(dest, /*create=*/false);
}

}  // namespace

Status RewriteSpecArchive(const std::string& source_zip, const std::string& dest_zip, const std::string& exchange_json,
                          bool strip_exchange_modules) {
  ArchiveWriter writer;
  AGORA_RETURN_IF_ERROR(StartFrom(writer, PackageContent{source_zip, true, ""}, dest_zip));
  writer.DeleteGeneratedEntries(strip_exchange_modules);
  AGORA_RETURN_IF_ERROR(writer.AddBuffer("exchange.json", exchange_json));
  return writer.Close();
}

Status BuildFatPackage(const PackageContent& base, const std::string& exchange_json,
                       const std::vector<FatDependency>& dependencies, const std::string& dest_zip) {
  ArchiveWriter writer;
  AGORA_RETURN_IF_ERROR(StartFrom(writer, base, dest_zip));
  if (base.is_zip) writer.DeleteGeneratedEntries(/*strip_modules=*/true);
  AGORA_RETURN_IF_ERROR(writer.AddBuffer("exchange.json", exchange_json));
  for (const auto& dependency : dependencies) {
    const auto& c = dependency.coordinates;
    const std::string prefix = std::string(kModules) + c.group_id + "/" + c.asset_id + "/" + c.version + "/";
    if (dependency.content.is_zip) {
      AGORA_RETURN_IF_ERROR(writer.AddArchive(prefix, dependency.content.path));
    } else {
      AGORA_RETURN_IF_ERROR(writer.AddFile(prefix + dependency.content.single_file_name, dependency.content.path));
    }
  }
  return writer.Close();
}

}  // namespace agora::packaging
