#include "engine/retention.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <string_view>

#include "format/format.hpp"
#include "format/ship_checkpoint.hpp"
#include "io/writer.hpp"

namespace lynx::detail {

namespace {

// Whether the shippers of the file's directory have all shipped it (Options::ship_guard).
bool shipped(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return format::shipped_by_all(".", path);
  return format::shipped_by_all(path.substr(0, slash), path.substr(slash + 1));
}

}  // namespace

void add_if_regular_file(std::string path, std::uint64_t sequence, std::vector<ShardFile>* files) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
  ShardFile f;
  f.sequence = sequence;
  f.path = std::move(path);
  f.bytes = static_cast<std::uint64_t>(st.st_size);
  f.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  files->push_back(std::move(f));
}

void sort_by_sequence(std::vector<ShardFile>* files) {
  std::sort(files->begin(), files->end(),
            [](const ShardFile& a, const ShardFile& b) { return a.sequence < b.sequence; });
}

std::vector<ShardFile> list_shard_files(const std::string& directory, const std::string& name,
                                        std::uint32_t shard) {
  std::vector<ShardFile> files;
  DIR* dir = ::opendir(directory.c_str());
  if (dir == nullptr) return files;
  const std::string prefix = name + "." + std::to_string(shard) + ".";
  while (const dirent* e = ::readdir(dir)) {
    const std::string_view file(e->d_name);
    if (file.size() <= prefix.size() || file.substr(0, prefix.size()) != prefix) continue;
    const std::string_view rest = file.substr(prefix.size());
    std::uint64_t seq = 0;
    std::size_t i = 0;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9')
      seq = seq * 10 + static_cast<std::uint64_t>(rest[i++] - '0');
    if (i == 0 || rest.substr(i) != format::kFileExtension) continue;
    add_if_regular_file(directory + "/" + std::string(file), seq, &files);
  }
  ::closedir(dir);
  sort_by_sequence(&files);
  return files;
}

std::vector<std::string> apply_retention(const std::string& directory, const std::string& name,
                                         std::uint32_t shard, const RetentionPolicy& policy,
                                         const std::string& current_path,
                                         std::uint64_t current_reserve, std::int64_t now_ns,
                                         std::vector<std::string>* errors) {
  if (!policy.active()) return {};
  return apply_retention_to(list_shard_files(directory, name, shard), policy, current_path,
                            current_reserve, now_ns, errors);
}

std::vector<std::string> apply_retention_to(const std::vector<ShardFile>& files,
                                            const RetentionPolicy& policy,
                                            const std::string& current_path,
                                            std::uint64_t current_reserve, std::int64_t now_ns,
                                            std::vector<std::string>* errors) {
  std::vector<std::string> deleted;
  if (!policy.active()) return deleted;
  std::size_t count = files.size();
  std::uint64_t bytes = 0;
  for (const ShardFile& f : files)
    bytes += f.path == current_path ? std::max(f.bytes, current_reserve) : f.bytes;
  for (const ShardFile& f : files) {  // oldest first
    if (f.path == current_path) continue;
    if (policy.ship_guard && !shipped(f.path)) continue;
    const bool too_many = policy.keep_files != 0 && count > policy.keep_files;
    const bool too_big = policy.keep_bytes != 0 && bytes > policy.keep_bytes;
    const bool too_old = policy.keep_for_ns != 0 && now_ns - f.mtime_ns > policy.keep_for_ns;
    if (!too_many && !too_big && !too_old) continue;
    const Status s = io::remove_file(f.path);
    if (!s.ok()) {
      errors->push_back(s.message());
      continue;
    }
    deleted.push_back(f.path);
    --count;
    bytes -= f.bytes;
  }
  return deleted;
}

}  // namespace lynx::detail
