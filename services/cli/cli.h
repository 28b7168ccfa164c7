// The `newsflow` command: run the pipeline in one process, talk to running
// daemons (subscribe, get, query, tags, feeds, dead-letters), and run single
// stages on files for scripts and evaluation (parse-feed, extract, enrich),
// with the same code the daemons run. `newsflow --help` lists everything.
#ifndef NEWSFLOW_SERVICES_CLI_CLI_H_
#define NEWSFLOW_SERVICES_CLI_CLI_H_

namespace newsflow::cli {

// Exit codes: 0 ok, 1 failure, 2 usage or config error.
int Main(int argc, char** argv);

}  // namespace newsflow::cli

#endif  // NEWSFLOW_SERVICES_CLI_CLI_H_
