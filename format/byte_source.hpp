// Where a BlockReader's bytes come from (format/reader.hpp): a file descriptor (a file, a pipe,
// standard input) or bytes in memory. Read sequentially, never sought.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "base/status.hpp"

namespace lynx::format {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Up to `n` bytes into dst. Returns how many; 0 when there is nothing more (now: a growing file
  // may have more later). Errors: Code::io_error.
  virtual Status read(std::byte* dst, std::size_t n, std::size_t* got) = 0;
};

// A file descriptor, closed on destruction.
class FdSource final : public ByteSource {
 public:
  // Opens `path` read-only. Errors: "open <path>: <errno text>" (Code::io_error and the like).
  static Status open(const std::string& path, std::unique_ptr<FdSource>* out);
  // Takes ownership of `fd` (e.g. a dup of standard input). `name` names it in messages.
  FdSource(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  ~FdSource() override;
  FdSource(const FdSource&) = delete;
  FdSource& operator=(const FdSource&) = delete;
  Status read(std::byte* dst, std::size_t n, std::size_t* got) override;
  // A regular file (can be opened again by its path), not a pipe, socket or terminal.
  bool regular_file() const;

 private:
  int fd_;
  std::string name_;
};

// Bytes in memory (tests, fuzzing). append() adds bytes later, like a growing file.
class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::vector<std::byte> bytes = {}) : bytes_(std::move(bytes)) {}
  void append(const std::byte* p, std::size_t n) { bytes_.insert(bytes_.end(), p, p + n); }
  Status read(std::byte* dst, std::size_t n, std::size_t* got) override;

 private:
  std::vector<std::byte> bytes_;
  std::size_t at_ = 0;
};

}  // namespace lynx::format
