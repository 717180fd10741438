// The agora command line: `agora serve` runs the server, `agora admin ...` manages organisations
// and tokens directly in a data directory (safe while a server runs on it: SQLite WAL allows a
// second process). Every command prints the value a script needs (an id, a token) as its last
// line, and reports errors on stderr with a non-zero exit status.
//
// Thread safety: called once from main().
#pragma once

namespace agora::cli {

int Main(int argc, char** argv);

}  // namespace agora::cli
