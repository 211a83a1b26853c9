// Trained zstd dictionaries: training from samples, identification, loading from a file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.hpp"

namespace lynx::compress {

// Largest dictionary lynx accepts (it is embedded in every file that uses it).
inline constexpr std::size_t kMaxDictionaryBytes = 1u << 20;

// Trains a dictionary of at most `capacity` bytes from samples laid end to end in `samples`, with
// their sizes in `sizes`. Fails with Code::invalid_argument when there is too little material.
Status train_dictionary(const std::vector<std::byte>& samples,
                        const std::vector<std::size_t>& sizes, std::size_t capacity,
                        std::vector<std::byte>* dictionary);

// The dictionary's id (from its header), or 0 when `dictionary` is not a zstd dictionary.
std::uint32_t dictionary_id(const std::vector<std::byte>& dictionary);

// Reads a dictionary file and checks that it is one.
Status load_dictionary(const std::string& path, std::vector<std::byte>* dictionary);

}  // namespace lynx::compress
