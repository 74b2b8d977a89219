#include "cli/run.h"

int main(int argc, char** argv) { return godx::cli::Run(argc, argv); }
