#include "tests/integration/netns_topology.h"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <random>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "absl/status/statusor.h"

namespace newsflow::testing {

// Copies Ethernet frames between two TAP devices (a host's eth0 and its
// switch port), each held for the delay and a share dropped at random.
class TapWire {
 public:
  // Takes ownership of both descriptors (non-blocking TAP devices).
  TapWire(int host_fd, int switch_fd, const Impairment& impairment)
      : fds_{host_fd, switch_fd},
        wake_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
        delay_(impairment.delay_ms),
        loss_(impairment.loss_percent / 100.0),
        thread_([this](std::stop_token stop) { Run(stop); }) {}
  ~TapWire() {
    thread_.request_stop();
    uint64_t one = 1;
    (void)!write(wake_, &one, sizeof one);
    thread_.join();
    // Closing the last descriptor of a TAP device removes the device.
    for (int fd : fds_) close(fd);
    close(wake_);
  }
  TapWire(const TapWire&) = delete;
  TapWire& operator=(const TapWire&) = delete;

 private:
  using Clock = std::chrono::steady_clock;
  struct Frame {
    Clock::time_point due;
    std::string bytes;
  };

  void Run(const std::stop_token& stop) {
    std::mt19937_64 rng{std::random_device{}()};
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::array<char, 65536> buffer{};
    while (!stop.stop_requested()) {
      // Sleep until a frame arrives or the next held frame is due.
      int timeout_ms = -1;
      for (const auto& q : queues_) {
        if (q.empty()) continue;
        auto wait = std::chrono::ceil<std::chrono::milliseconds>(q.front().due - Clock::now()).count();
        int ms = static_cast<int>(std::max<int64_t>(wait, 0));
        timeout_ms = timeout_ms < 0 ? ms : std::min(timeout_ms, ms);
      }
      std::array<pollfd, 3> polls{pollfd{fds_[0], POLLIN, 0}, pollfd{fds_[1], POLLIN, 0},
                                  pollfd{wake_, POLLIN, 0}};
      poll(polls.data(), polls.size(), timeout_ms);
      const auto now = Clock::now();
      for (int side = 0; side < 2; ++side) {
        if ((polls[side].revents & POLLIN) == 0) continue;
        ssize_t n = 0;
        while ((n = read(fds_[side], buffer.data(), buffer.size())) > 0) {
          if (loss_ > 0 && uniform(rng) < loss_) continue;
          queues_[side].push_back({now + delay_, std::string(buffer.data(), static_cast<std::size_t>(n))});
        }
      }
      for (int side = 0; side < 2; ++side) {
        auto& q = queues_[side];
        while (!q.empty() && q.front().due <= Clock::now()) {
          // A port that is down refuses the frame: it is lost, as on a cut cable.
          (void)!write(fds_[1 - side], q.front().bytes.data(), q.front().bytes.size());
          q.pop_front();
        }
      }
    }
  }

  std::array<int, 2> fds_;
  int wake_;
  std::chrono::milliseconds delay_;
  double loss_;
  // queues_[i]: frames read from fds_[i], to be written to the other side.
  std::array<std::deque<Frame>, 2> queues_;
  std::jthread thread_;
};

namespace {

// A new non-blocking TAP device `name` in the current network namespace.
absl::StatusOr<int> OpenTap(const std::string& name) {
  int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return absl::UnavailableError(fmt::format("/dev/net/tun: {}", std::strerror(errno)));
  ifreq request{};
  request.ifr_flags = IFF_TAP | IFF_NO_PI;
  std::strncpy(request.ifr_name, name.c_str(), IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &request) != 0) {
    int error = errno;
    close(fd);
    return absl::UnavailableError(fmt::format("TAP device {}: {}", name, std::strerror(error)));
  }
  return fd;
}

}  // namespace

std::string Impairment::netem() const { return fmt::format("delay {}ms loss {}%", delay_ms, loss_percent); }

bool KernelHasNetem() {
  bool has = Shell(
                 "ip link add nfprobe0 type veth peer name nfprobe1 && "
                 "tc qdisc add dev nfprobe0 root netem delay 1ms")
                 .ok();
  (void)Shell("ip link delete nfprobe0");
  return has;
}

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

Topology::Topology() = default;

Topology::~Topology() {
  // The TAP devices go first: a device still alive in a namespace being
  // removed would move to the machine's own namespace.
  wires_.clear();
  for (const NetnsHost& h : hosts_) (void)Shell(fmt::format("ip netns delete {}", h.name));
  if (!bridge_.empty()) (void)Shell(fmt::format("ip link delete {}", bridge_));
}

absl::Status Topology::Create(const std::vector<std::string>& host_names, const Impairment& impairment,
                              int subnet) {
  bridge_ = "nfsw0";
  if (auto s = Shell(fmt::format("ip link add {0} type bridge && ip addr add 10.{1}.0.1/24 dev {0} && "
                                 "ip link set {0} up",
                                 bridge_, subnet));
      !s.ok()) {
    bridge_.clear();
    return s;
  }
  const bool netem = !impairment.none() && KernelHasNetem();
  impairment_kind_ = impairment.none() ? "none" : netem ? "netem" : "userspace wire";
  for (std::size_t i = 0; i < host_names.size(); ++i) {
    NetnsHost h{host_names[i], fmt::format("10.{}.0.{}", subnet, 10 + i), fmt::format("nfp{}", i)};
    if (auto s = Shell(fmt::format("ip netns add {}", h.name)); !s.ok()) return s;
    hosts_.push_back(h);
    auto s = impairment.none() || netem ? AddVethHost(h, impairment) : AddWiredHost(h, impairment);
    if (!s.ok()) return s;
    s =
        Shell(fmt::format("ip -n {0} addr add {1}/24 dev eth0 && ip -n {0} link set eth0 up && "
                          "ip -n {0} link set lo up",
                          h.name, h.address));
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Topology::AddVethHost(const NetnsHost& h, const Impairment& impairment) {
  auto s =
      Shell(fmt::format("ip link add {0} type veth peer name eth0 netns {1} && ip link set {0} master {2} up",
                        h.port, h.name, bridge_));
  if (!s.ok() || impairment.none()) return s;
  return Shell(
      fmt::format("tc qdisc add dev {0} root netem {2} && tc -n {1} qdisc add dev eth0 root netem {2}",
                  h.port, h.name, impairment.netem()));
}

absl::Status Topology::AddWiredHost(const NetnsHost& h, const Impairment& impairment) {
  // The host's end is made here and moved into its namespace; the
  // descriptor keeps working there.
  const std::string host_end = "nfh" + h.port.substr(3);
  auto host_fd = OpenTap(host_end);
  if (!host_fd.ok()) return host_fd.status();
  auto switch_fd = OpenTap(h.port);
  if (!switch_fd.ok()) {
    close(*host_fd);
    return switch_fd.status();
  }
  wires_.push_back(std::make_unique<TapWire>(*host_fd, *switch_fd, impairment));
  return Shell(
      fmt::format("ip link set {0} netns {1} && ip -n {1} link set {0} name eth0 && "
                  "ip link set {2} master {3} up",
                  host_end, h.name, h.port, bridge_));
}

const NetnsHost& Topology::host(const std::string& name) const {
  for (const NetnsHost& h : hosts_) {
    if (h.name == name) return h;
  }
  throw std::out_of_range("no host " + name);
}

absl::Status Topology::SetLink(const std::string& name, bool up) {
  return Shell(fmt::format("ip link set {} {}", host(name).port, up ? "up" : "down"));
}

}  // namespace newsflow::testing
