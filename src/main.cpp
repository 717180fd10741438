// agora: a self-hosted API exchange. The command line lives in src/cli.
#include "cli/cli.h"

int main(int argc, char** argv) { return agora::cli::Main(argc, argv); }
