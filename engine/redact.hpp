// Redaction (Options::redact_fields, Options::redact_patterns): what the backend does to a record
// before any sink sees it, binary files included, so a secret never reaches a disk.
//
// Redactor is the (name, value) rule, usable for any named value (placeholder fields today;
// context fields once they exist): a value whose field name is listed becomes "[redacted]"; the
// detectors replace the part of a string value they match with "[redacted:<detector>]":
//   email   local@domain.tld
//   card    13 to 19 digits, single spaces or dashes between them allowed, passing the Luhn check
//   bearer  "Bearer <token>" (the token of 8 or more characters; any case of "bearer") and JSON
//           Web Tokens (eyJ<base64url>.<base64url>.<base64url>)
//
// RecordRedactor applies it to a whole SinkRecord. HOT on the backend when enabled: per record it
// looks up a per-call-site plan (which arguments are listed fields, whether any is a string); a
// site with neither costs one branch. Only when something matches are the argument bytes rewritten,
// into a scratch copy (the ring is never written). A listed field that is not a string (a card
// number logged as an integer) changes the record's type list, so such records are handed out
// under a derived call site whose type is string there (SiteFactory).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sink.hpp"
#include "format/template_parse.hpp"
#include "lynx/redact.hpp"

namespace lynx::detail {

class Redactor {
 public:
  Redactor(std::vector<std::string> fields, Detect patterns);

  // Something to do at all.
  bool active() const { return !fields_.empty() || patterns_ != Detect::none; }
  // Whether any detector is on.
  bool detectors() const { return patterns_ != Detect::none; }
  // Whether values of field `name` are replaced whole (case-insensitive).
  bool field_listed(std::string_view name) const;
  // The (name, value) rule: false when `value` stays as it is; else *out is what replaces it.
  bool redact(std::string_view name, std::string_view value, std::string* out) const;
  // The detectors alone over `value`: false when nothing matched; else *out is the value with
  // each match replaced.
  bool scan(std::string_view value, std::string* out) const;

  static constexpr std::string_view kFieldReplacement = "[redacted]";

 private:
  std::vector<std::string> fields_;
  Detect patterns_;
};

class RecordRedactor {
 public:
  // Makes (once per base site) the SiteEntry of a derived call site: same logger and static
  // details as `base`, types from `site`. Backend::derived_site.
  using SiteFactory = std::function<const SiteEntry&(const SiteEntry& base, const CallSite* site)>;

  RecordRedactor(Redactor redactor, SiteFactory factory);
  ~RecordRedactor();

  // `record` itself when nothing is redacted; else a record over rewritten arguments, valid until
  // the next call.
  const SinkRecord& apply(const SinkRecord& record);
  // The (name, value) rule, for context fields (ThreadContext).
  const Redactor& rule() const { return redactor_; }

 private:
  struct Plan;
  const Plan& plan_for(const SiteEntry& site);

  Redactor redactor_;
  SiteFactory factory_;
  std::vector<std::unique_ptr<Plan>> plans_;  // by SiteEntry::id
  std::vector<std::string> replaced_;         // per argument, the string that replaces it
  std::vector<std::uint8_t> changed_;
  std::vector<std::byte> scratch_;
  std::optional<SinkRecord> out_;
};

}  // namespace lynx::detail
