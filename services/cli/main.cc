// newsflow: the command-line interface. All logic lives in newsflow_cli_lib.
#include "services/cli/cli.h"

int main(int argc, char** argv) { return newsflow::cli::Main(argc, argv); }
