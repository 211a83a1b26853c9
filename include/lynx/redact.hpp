/// \file
/// Redaction: what the backend removes from records before any sink or file sees them
/// (Options::redact_fields, Options::redact_patterns). docs/sinks.md lists the detectors and their
/// cost.
#pragma once

#include "lynx/cxx20.hpp"

#include <cstdint>

namespace lynx {

/// Detectors applied to every string value (Options::redact_patterns); combine them with `|`.
/// The matched part of the value becomes `[redacted:<name>]`.
enum class Detect : std::uint8_t {
  none = 0,        ///< no detector (the default)
  email = 1 << 0,  ///< e-mail addresses: `[redacted:email]`
  card =
      1
      << 1,  ///< payment card numbers (13 to 19 digits, spaces or dashes, Luhn): `[redacted:card]`
  bearer = 1 << 2  ///< `Bearer <token>` and JSON Web Tokens (`eyJ...`): `[redacted:bearer]`
};

/// Both sets of detectors.
constexpr Detect operator|(Detect a, Detect b) noexcept {
  return static_cast<Detect>(static_cast<std::uint8_t>(a) | static_cast<std::uint8_t>(b));
}
/// The detectors in both.
constexpr Detect operator&(Detect a, Detect b) noexcept {
  return static_cast<Detect>(static_cast<std::uint8_t>(a) & static_cast<std::uint8_t>(b));
}
/// Whether `set` holds detector `d`.
constexpr bool has(Detect set, Detect d) noexcept { return (set & d) != Detect::none; }

}  // namespace lynx
