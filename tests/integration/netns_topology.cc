#include "tests/integration/netns_topology.h"

#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace newsflow::testing {

absl::Status EnterPrivateNamespaces() {
  if (geteuid() != 0) return absl::PermissionDeniedError("not running as root");
  if (Shell("command -v ip && command -v tc").code() != absl::StatusCode::kOk) {
    return absl::NotFoundError("the iproute2 tools ip and tc are not installed");
  }
  if (unshare(CLONE_NEWNS | CLONE_NEWNET) != 0) {
    return absl::PermissionDeniedError(
        fmt::format("unshare(CLONE_NEWNS | CLONE_NEWNET): {} (a container without CAP_SYS_ADMIN?)",
                    std::strerror(errno)));
  }
  // Mount events must not travel back to the machine's mount namespace
  // (systemd makes / shared), or the tmpfs below would appear there.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return absl::InternalError(fmt::format("making / private: {}", std::strerror(errno)));
  }
  mkdir("/run/netns", 0755);  // may exist already
  if (mount("tmpfs", "/run/netns", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755") != 0) {
    return absl::InternalError(fmt::format("tmpfs on /run/netns: {}", std::strerror(errno)));
  }
  return Shell("ip link set lo up");
}

absl::Status Shell(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return absl::InternalError(fmt::format("popen: {}", std::strerror(errno)));
  std::array<char, 512> buffer{};
  while (fgets(buffer.data(), static_cast<int>(buffer.size()), pipe) != nullptr) output += buffer.data();
  int status = pclose(pipe);
  if (status != 0) {
    return absl::InternalError(fmt::format("`{}` failed ({}): {}", command, status, output));
  }
  return absl::OkStatus();
}

Topology::~Topology() {
  for (const NetnsHost& h : hosts_) (void)Shell(fmt::format("ip netns delete {}", h.name));
  if (!bridge_.empty()) (void)Shell(fmt::format("ip link delete {}", bridge_));
}

absl::Status Topology::Create(const std::vector<std::string>& host_names, int subnet) {
  bridge_ = "nfsw0";
  if (auto s = Shell(fmt::format("ip link add {0} type bridge && ip addr add 10.{1}.0.1/24 dev {0} && "
                                 "ip link set {0} up",
                                 bridge_, subnet));
      !s.ok()) {
    bridge_.clear();
    return s;
  }
  for (std::size_t i = 0; i < host_names.size(); ++i) {
    NetnsHost h{host_names[i], fmt::format("10.{}.0.{}", subnet, 10 + i), fmt::format("nfp{}", i)};
    if (auto s = Shell(fmt::format("ip netns add {}", h.name)); !s.ok()) return s;
    hosts_.push_back(h);
    auto s = Shell(fmt::format(
        "ip link add {port} type veth peer name eth0 netns {ns} && "
        "ip link set {port} master {bridge} up && "
        "ip -n {ns} addr add {addr}/24 dev eth0 && ip -n {ns} link set eth0 up && ip -n {ns} link set lo up",
        fmt::arg("port", h.port), fmt::arg("ns", h.name), fmt::arg("bridge", bridge_),
        fmt::arg("addr", h.address)));
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

const NetnsHost& Topology::host(const std::string& name) const {
  for (const NetnsHost& h : hosts_) {
    if (h.name == name) return h;
  }
  throw std::out_of_range("no host " + name);
}

absl::Status Topology::SetNetem(const std::string& netem) {
  for (const NetnsHost& h : hosts_) {
    std::string command =
        netem.empty()
            ? fmt::format("tc qdisc del dev {0} root; tc -n {1} qdisc del dev eth0 root; true", h.port, h.name)
            : fmt::format("tc qdisc replace dev {0} root netem {2} && tc -n {1} qdisc replace dev eth0 root netem {2}",
                          h.port, h.name, netem);
    if (auto s = Shell(command); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Topology::SetLink(const std::string& name, bool up) {
  return Shell(fmt::format("ip link set {} {}", host(name).port, up ? "up" : "down"));
}

}  // namespace newsflow::testing
