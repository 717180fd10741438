// `agora serve`: opens the data directory, bootstraps an empty one (default organisation and
// admin token, printed once), collects blobs a crash left behind, resumes unfinished
// asynchronous publications, and serves the Exchange API until SIGTERM or SIGINT, when it stops
// gracefully (in-flight requests and running publications finish).
//
// Thread safety: called once from main().
#pragma once

#include <string>
#include <vector>

namespace agora::cli {

int RunServe(const std::vector<std::string>& args);

}  // namespace agora::cli
