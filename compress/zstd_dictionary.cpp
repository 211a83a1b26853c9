#include "compress/zstd_dictionary.hpp"

#include <zdict.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace lynx::compress {

Status train_dictionary(const std::vector<std::byte>& samples,
                        const std::vector<std::size_t>& sizes, std::size_t capacity,
                        std::vector<std::byte>* dictionary) {
  if (sizes.size() < 8) {
    return Status::error(Status::Code::invalid_argument,
                         "too few samples to train a dictionary (" + std::to_string(sizes.size()) +
                             "; need at least 8, ideally thousands)");
  }
  dictionary->resize(capacity);
  const std::size_t r = ZDICT_trainFromBuffer(dictionary->data(), capacity, samples.data(),
                                              sizes.data(), static_cast<unsigned>(sizes.size()));
  if (ZDICT_isError(r)) {
    dictionary->clear();
    return Status::error(
        Status::Code::invalid_argument,
        std::string("zstd could not train a dictionary: ") + ZDICT_getErrorName(r));
  }
  dictionary->resize(r);
  return {};
}

std::uint32_t dictionary_id(const std::vector<std::byte>& dictionary) {
  return ZDICT_getDictID(dictionary.data(), dictionary.size());
}

Status load_dictionary(const std::string& path, std::vector<std::byte>* dictionary) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Status::error(Status::Code::io_error,
                         "cannot open dictionary " + path + ": " + std::strerror(errno));
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() > kMaxDictionaryBytes) {
    return Status::error(Status::Code::invalid_argument, path + ": dictionary larger than 1 MiB");
  }
  dictionary->resize(bytes.size());
  std::memcpy(dictionary->data(), bytes.data(), bytes.size());
  if (dictionary_id(*dictionary) == 0) {
    return Status::error(Status::Code::invalid_argument, path + ": not a zstd dictionary");
  }
  return {};
}

}  // namespace lynx::compress
