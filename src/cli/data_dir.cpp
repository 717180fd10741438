#include "cli/data_dir.h"

#include <boost/program_options.hpp>

#include <fstream>

#include "storage/blob_store_s3.h"
#include "storage/env.h"

namespace agora::cli {
namespace po = boost::program_options;

void AddStorageOptions(po::options_description& options) {
  options.add_options()("data", po::value<std::string>()->value_name("DIR")->default_value("./agora-data"),
                        "data directory (with --metadata: this server's scratch files only)")(
      "metadata", po::value<std::string>()->value_name("URL")->default_value(""),
      "postgresql://USER@HOST:PORT/DATABASE: keep the metadata in PostgreSQL, shared by several servers "
      "(password from PGPASSWORD, ~/.pgpass or --metadata-password-file; never in the URL)")(
      "metadata-password-file", po::value<std::string>()->value_name("FILE")->default_value(""),
      "a file whose first line is the PostgreSQL password")(
      "blobs", po::value<std::string>()->value_name("DIR|s3://BUCKET[/PREFIX]?endpoint=URL&region=R")->default_value(""),
      "where file contents live (default: DATA/blobs): a directory every server over --metadata shares, or "
      "S3-compatible storage (credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
      "~/.aws/credentials; never on the command line)");
}

StorageLocation StorageFromOptions(const po::variables_map& vm) {
  StorageLocation location(vm["data"].as<std::string>());
  location.metadata = vm["metadata"].as<std::string>();
  location.metadata_password_file = vm["metadata-password-file"].as<std::string>();
  location.blobs = vm["blobs"].as<std::string>();
  return location;
}

Status CheckMetadataUrl(const std::string& url) {
  const size_t scheme = url.find("://");
  const std::string name = scheme == std::string::npos ? "" : url.substr(0, scheme);
  if (name != "postgresql" && name != "postgres")
    return Status::InvalidArgument("USAGE", "--metadata takes a postgresql://USER@HOST:PORT/DATABASE URL");
  const std::string rest = url.substr(scheme + 3);
  const std::string authority = rest.substr(0, rest.find_first_of("/?"));
  const size_t at = authority.rfind('@');
  const bool password_in_userinfo = at != std::string::npos && authority.substr(0, at).find(':') != std::string::npos;
  const size_t query = rest.find('?');
  const bool password_in_query = query != std::string::npos && (rest.find("?password=", query) != std::string::npos ||
                                                                rest.find("&password=", query) != std::string::npos);
  if (password_in_userinfo || password_in_query)
    return Status::InvalidArgument("USAGE", "the --metadata URL must not hold the password, which would show in the "
                                            "process list: use PGPASSWORD, ~/.pgpass or --metadata-password-file");
  return Status::Ok();
}

Result<std::string> ReadMetadataPassword(const std::string& file) {
  if (file.empty()) return std::string();
  std::ifstream in(file);
  std::string password;
  if (!in || !std::getline(in, password))
    return Status::InvalidArgument("USAGE", "cannot read the password from --metadata-password-file " + file);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

Result<DataDir> DataDir::Open(const StorageLocation& location, bool serving) {
  DataDir dir;
  dir.path = location.data_dir;
  dir.shared = location.shared();
  storage::Env* env = storage::Env::Default();
  AGORA_RETURN_IF_ERROR(env->CreateDirs(dir.path));
  if (location.shared()) {
    AGORA_RETURN_IF_ERROR(CheckMetadataUrl(location.metadata));
    storage::PostgresOptions options;
    AGORA_ASSIGN_OR_RETURN(options.password, ReadMetadataPassword(location.metadata_password_file));
    if (!serving) options = {.connections = 1, .password = options.password, .listen = false};
    AGORA_ASSIGN_OR_RETURN(dir.metadata, storage::OpenPostgresMetadataStore(location.metadata, options));
  } else {
    if (!location.metadata_password_file.empty())
      return Status::InvalidArgument("USAGE", "--metadata-password-file goes with --metadata");
    AGORA_ASSIGN_OR_RETURN(dir.metadata, storage::OpenSqliteMetadataStore(dir.path + "/agora.db"));
  }
  dir.shared_blobs = !location.blobs.empty();
  if (location.blobs.rfind("s3://", 0) == 0) {
    AGORA_ASSIGN_OR_RETURN(storage::S3BlobStoreOptions options, storage::ParseS3BlobStoreUrl(location.blobs));
    options.local_dir = dir.path + "/s3-local";  // this server's scratch files and cache
    AGORA_ASSIGN_OR_RETURN(dir.blobs, storage::OpenS3BlobStore(env, std::move(options)));
  } else {
    AGORA_ASSIGN_OR_RETURN(dir.blobs,
                           storage::OpenFileBlobStore(env, dir.shared_blobs ? location.blobs : dir.path + "/blobs"));
  }
  return dir;
}

}  // namespace agora::cli
