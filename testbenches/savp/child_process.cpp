#include "testbenches/savp/child_process.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "testbenches/savp/output_dir.hpp"

namespace savp::tb {

namespace {

// Writes all of `n` bytes, retrying after signals (async-signal-safe: used in the forked child).
void write_all(int fd, const void* data, std::size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

// Forks and execs argv[0] with fd `out` as its standard output and error. In the child only
// async-signal-safe calls run. Returns the pid; throws when the program cannot be started (the
// child reports exec's errno through a pipe that closes on a successful exec).
pid_t fork_exec(const std::vector<std::string>& argv, int out) {
  if (argv.empty()) throw std::runtime_error("cannot start a program: empty command");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(errno));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    const int err = errno;
    close(report[0]);
    close(report[1]);
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(err));
  }
  if (pid == 0) {
    close(report[0]);
    // Die with the parent; if it is already gone, end here (the check closes the race).
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(127);
    if (dup2(out, 1) < 0 || dup2(out, 2) < 0 || fcntl(1, F_SETFD, 0) < 0) {
      const int err = errno;
      write_all(report[1], &err, sizeof err);
      _exit(127);
    }
    execv(args[0], args.data());
    const int err = errno;
    write_all(report[1], &err, sizeof err);
    _exit(127);
  }
  close(report[1]);
  int err = 0;
  ssize_t n;
  do {
    n = read(report[0], &err, sizeof err);
  } while (n < 0 && errno == EINTR);
  close(report[0]);
  if (n > 0) {
    waitpid(pid, nullptr, 0);
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(err));
  }
  return pid;
}

int exit_code_of(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace

pid_t start_child(const std::vector<std::string>& argv, const std::string& output_file) {
  const int fd = create_fresh_file(output_file);
  try {
    const pid_t pid = fork_exec(argv, fd);
    close(fd);
    return pid;
  } catch (...) {
    close(fd);
    throw;
  }
}

int wait_child(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 127;
  }
  return exit_code_of(status);
}

pid_t wait_any_child(int& code) {
  int status = 0;
  pid_t pid;
  while ((pid = waitpid(-1, &status, 0)) < 0) {
    if (errno != EINTR) {
      code = 127;
      return -1;
    }
  }
  code = exit_code_of(status);
  return pid;
}

std::string run_captured(const std::vector<std::string>& argv, int& exit_code) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    throw std::runtime_error("cannot start " + argv.at(0) + ": " + std::strerror(errno));
  pid_t pid = -1;
  try {
    pid = fork_exec(argv, fds[1]);
  } catch (...) {
    close(fds[0]);
    close(fds[1]);
    throw;
  }
  close(fds[1]);
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  exit_code = wait_child(pid);
  return text;
}

std::string find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::string dir = end > start ? dirs.substr(start, end - start) : ".";
    const std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

}  // namespace savp::tb
