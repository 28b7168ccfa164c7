// Hosts for multi-host tests on one Linux machine: each host is a network
// namespace with one interface, eth0, linked to a port of a bridge (the
// "switch") in the test process's own network namespace. Links can be cut
// and restored, per host, and made slow and lossy:
//
//  - with the kernel's netem qdisc when it has one (sch_netem), on both ends
//    of veth pairs;
//  - otherwise (kernels built without it) by a wire in the test process:
//    eth0 and the switch port are TAP devices and a thread copies the
//    Ethernet frames between them, holding each for the delay and dropping
//    the given share at random, in each direction. Same model as netem's
//    "delay D loss L" on both ends, without its jitter options.
//
// The test process first moves itself into a fresh network namespace and a
// private mount namespace with its own tmpfs on /run/netns
// (EnterPrivateNamespaces). Everything it creates then lives only as long
// as the test process and its children: when the last of them exits,
// however it exits (a failed assertion, Ctrl-C, SIGKILL from a ctest
// timeout), the kernel drops the namespace names, the namespaces, the
// veths and the bridge. Nothing is left on the machine's own network and no
// two runs see each other's hosts. Daemons started in a host (Daemon with
// `netns`) are killed when the test process dies.
//
// Requires root (CAP_SYS_ADMIN and CAP_NET_ADMIN) and the iproute2 tools
// `ip` and `tc`; EnterPrivateNamespaces says why when it cannot.
#ifndef NEWSFLOW_TESTS_INTEGRATION_NETNS_TOPOLOGY_H_
#define NEWSFLOW_TESTS_INTEGRATION_NETNS_TOPOLOGY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace newsflow::testing {

// The file `ip netns` names a network namespace by (open it and setns()).
inline std::string NetnsPath(const std::string& name) { return "/run/netns/" + name; }

// Moves the calling process into a new network namespace (loopback up) and
// a new mount namespace, private from the machine's, with an empty tmpfs on
// /run/netns. Call it before any thread starts (unshare of a mount namespace
// fails in a multi-threaded process). An error says why the machine does not
// allow it (not root, in a container without CAP_SYS_ADMIN, no `ip`).
absl::Status EnterPrivateNamespaces();

// Runs `command` through /bin/sh; an error carries its output.
absl::Status Shell(const std::string& command);

// Delay and loss on each direction of every link.
struct Impairment {
  int delay_ms = 0;
  double loss_percent = 0;
  bool none() const { return delay_ms == 0 && loss_percent == 0; }
  // As netem's parameters: "delay 50ms loss 2%".
  std::string netem() const;
};

// Whether this kernel has the netem qdisc (checked on a throwaway veth pair
// in the current network namespace).
bool KernelHasNetem();

class TapWire;

// One host of a Topology.
struct NetnsHost {
  std::string name;     // namespace name, also the name used for Daemon's `netns`
  std::string address;  // IPv4 address of its eth0
  std::string port;     // its link's end on the switch
};

// A switch (bridge) in the current network namespace with one host per
// name, addressed 10.<subnet>.0.<10 + index>/24 in the order given; the
// switch itself takes 10.<subnet>.0.1. Hosts are removed at destruction.
// With an Impairment, every link is impaired from the start (netem or
// wires, see above; impairment_kind() says which).
class Topology {
 public:
  Topology();
  ~Topology();
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  absl::Status Create(const std::vector<std::string>& host_names, const Impairment& impairment = {},
                      int subnet = 77);

  const NetnsHost& host(const std::string& name) const;
  const std::vector<NetnsHost>& hosts() const { return hosts_; }

  // "none", "netem" or "userspace wire".
  const std::string& impairment_kind() const { return impairment_kind_; }
  // Takes a host's switch port down (the host is cut off: nothing reaches it
  // or leaves it, and no connection is reset) or up again.
  absl::Status SetLink(const std::string& name, bool up);

 private:
  absl::Status AddVethHost(const NetnsHost& h, const Impairment& impairment);
  absl::Status AddWiredHost(const NetnsHost& h, const Impairment& impairment);

  std::vector<NetnsHost> hosts_;
  std::string bridge_;
  std::string impairment_kind_ = "none";
  std::vector<std::unique_ptr<TapWire>> wires_;
};

}  // namespace newsflow::testing

#endif  // NEWSFLOW_TESTS_INTEGRATION_NETNS_TOPOLOGY_H_
