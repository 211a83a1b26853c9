#include "format/ship_checkpoint.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>

namespace lynx::format {

namespace {

constexpr std::string_view kMagic = "lynx-ship-checkpoint 1";

Status errno_status(const std::string& what) {
  return Status::error(Status::Code::io_error, what + ": " + std::strerror(errno));
}

bool write_all(int fd, const std::string& s) {
  std::size_t done = 0;
  while (done < s.size()) {
    const ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::string directory_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
}

}  // namespace

Status load_ship_checkpoint(const std::string& path, ShipCheckpoint* checkpoint) {
  checkpoint->clear();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return errno == ENOENT ? Status() : errno_status(path);
  std::ifstream in(path);
  if (!in) return errno_status(path);
  std::string line;
  if (!std::getline(in, line) || line != kMagic) {
    return Status::error(
        Status::Code::corrupt,
        path + ": not a lynx ship checkpoint (first line is not '" + std::string(kMagic) + "')");
  }
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    ShipPosition p;
    int done = -1;
    fields >> p.blocks >> p.records >> done;
    std::string name;
    if (fields.get() == ' ') std::getline(fields, name);
    if (!fields.eof() || (done != 0 && done != 1) || name.empty() ||
        name.find('/') != std::string::npos) {
      return Status::error(Status::Code::corrupt, path + ": line " + std::to_string(number) +
                                                      ": expected '<blocks> <records> <done> "
                                                      "<file name>'");
    }
    p.done = done == 1;
    (*checkpoint)[name] = p;
  }
  return Status();
}

Status store_ship_checkpoint(const std::string& path, const ShipCheckpoint& checkpoint) {
  std::string text(kMagic);
  text += '\n';
  for (const auto& [name, p] : checkpoint) {
    text += std::to_string(p.blocks) + ' ' + std::to_string(p.records) + ' ' +
            (p.done ? "1 " : "0 ") + name + '\n';
  }
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return errno_status(temp);
  if (!write_all(fd, text) || ::fsync(fd) != 0) {
    Status s = errno_status(temp);
    ::close(fd);
    ::unlink(temp.c_str());
    return s;
  }
  if (::close(fd) != 0) return errno_status(temp);
  if (::rename(temp.c_str(), path.c_str()) != 0) return errno_status(path);
  // The rename itself must survive a crash: fsync the directory that holds the new entry.
  const int dir = ::open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return errno_status(directory_of(path));
  const int rc = ::fsync(dir);
  ::close(dir);
  if (rc != 0) return errno_status(directory_of(path));
  return Status();
}

bool shipped_by_all(const std::string& directory, const std::string& file_name) {
  DIR* dir = ::opendir(directory.c_str());
  if (dir == nullptr) return false;
  bool any = false, all = true;
  while (const dirent* e = ::readdir(dir)) {
    const std::string_view name(e->d_name);
    if (!name.starts_with(kShipCheckpointPrefix) || !name.ends_with(kShipCheckpointSuffix))
      continue;
    any = true;
    ShipCheckpoint c;
    if (!load_ship_checkpoint(directory + "/" + std::string(name), &c).ok()) {
      all = false;
      break;
    }
    const auto it = c.find(file_name);
    if (it == c.end() || !it->second.done) {
      all = false;
      break;
    }
  }
  ::closedir(dir);
  return any && all;
}

}  // namespace lynx::format
