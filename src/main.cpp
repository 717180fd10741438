// agora: a self-hosted API exchange. The command line lives in src/cli.
int main() { return 0; }
