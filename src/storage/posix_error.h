// The Status of a failed POSIX call, shared by the POSIX Env (env_posix.cpp) and the writers it
// hands files to (direct_io_writer.cpp), so that a full disk is NoSpace wherever it is met.
//
// Thread safety: a pure function.
#pragma once

#include <string>

#include "common/status.h"

namespace agora::storage {

// `context` names the call and its file ("write /path"); `error` is its errno. ENOSPC and EDQUOT
// are NoSpace, ENOENT NotFound, anything else IOError.
Status PosixError(const std::string& context, int error);

}  // namespace agora::storage
