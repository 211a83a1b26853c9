#include "engine/redact.hpp"

#include <cstring>

#include "format/bytes.hpp"
#include "record/codecs.hpp"

namespace lynx::detail {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_local_char(char c) {
  return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool is_label_char(char c) { return is_alnum(c) || c == '-'; }
bool is_b64url(char c) { return is_alnum(c) || c == '-' || c == '_'; }
bool is_token_char(char c) {
  return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' ||
         c == '=';
}
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

struct Match {
  std::size_t begin = 0, end = 0;
  std::string_view label;
};

// An e-mail address around the '@' at `at`: [begin, end), local part not before `floor`.
bool email_at(std::string_view v, std::size_t at, std::size_t floor, Match* m) {
  std::size_t b = at;
  while (b > floor && is_local_char(v[b - 1])) --b;
  if (b == at) return false;
  std::size_t e = at + 1, labels = 0, last_label = 0;
  for (;;) {
    const std::size_t start = e;
    while (e < v.size() && is_label_char(v[e])) ++e;
    if (e == start) break;
    ++labels;
    last_label = e - start;
    if (e + 1 < v.size() && v[e] == '.' && is_label_char(v[e + 1])) {
      ++e;
      continue;
    }
    break;
  }
  if (labels < 2 || last_label < 2) return false;
  *m = Match{b, e, "[redacted:email]"};
  return true;
}

bool luhn(const char* digits, std::size_t n) {
  int sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    int d = digits[n - 1 - i] - '0';
    if (i % 2 == 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 == 0;
}

// A card number in the run of digits (with single spaces or dashes) starting at `i`. *run_end is
// where the run ends, whether or not it holds a card number.
bool card_at(std::string_view v, std::size_t i, Match* m, std::size_t* run_end) {
  char digits[64];
  std::size_t pos[64];
  std::size_t n = 0;
  std::size_t group_starts[64];
  std::size_t groups = 0;
  std::size_t j = i;
  group_starts[groups++] = 0;
  while (j < v.size() && n < 64) {
    if (is_digit(v[j])) {
      digits[n] = v[j];
      pos[n++] = j++;
    } else if ((v[j] == ' ' || v[j] == '-') && j + 1 < v.size() && is_digit(v[j + 1]) &&
               groups < 64) {
      group_starts[groups++] = n;
      ++j;
    } else {
      break;
    }
  }
  while (j < v.size() && is_digit(v[j])) ++j;  // a run longer than 64 digits: no card
  *run_end = j;
  if (n < 13 || n >= 64) return false;
  // Leftmost start at a group boundary, longest end at a group boundary (or the run's end).
  for (std::size_t g = 0; g < groups; ++g) {
    const std::size_t s = group_starts[g];
    for (std::size_t h = groups + 1; h-- > g + 1;) {
      const std::size_t e = h == groups ? n : group_starts[h];
      if (e - s < 13 || e - s > 19) continue;
      if (luhn(digits + s, e - s)) {
        *m = Match{pos[s], pos[e - 1] + 1, "[redacted:card]"};
        return true;
      }
    }
  }
  return false;
}

// Tokens are long; a shorter word after "bearer" is taken for prose.
constexpr std::size_t kMinBearerToken = 8;

// "Bearer <token>" at `i`: the token is replaced, the word kept.
bool bearer_at(std::string_view v, std::size_t i, Match* m) {
  constexpr std::string_view kWord = "bearer ";
  if (v.size() - i <= kWord.size() || !iequal(v.substr(i, kWord.size()), kWord)) return false;
  if (i > 0 && is_alnum(v[i - 1])) return false;
  std::size_t b = i + kWord.size();
  while (b < v.size() && v[b] == ' ') ++b;
  std::size_t e = b;
  while (e < v.size() && is_token_char(v[e])) ++e;
  if (e - b < kMinBearerToken) return false;  // "the bearer of news" is prose
  *m = Match{b, e, "[redacted:bearer]"};
  return true;
}

// A JSON Web Token at `i`: eyJ<b64url>.<b64url>.<b64url or empty>.
bool jwt_at(std::string_view v, std::size_t i, Match* m) {
  if (v.substr(i, 3) != "eyJ" || (i > 0 && is_b64url(v[i - 1]))) return false;
  std::size_t e = i;
  for (int segment = 0; segment < 3; ++segment) {
    const std::size_t start = e;
    while (e < v.size() && is_b64url(v[e])) ++e;
    if (segment < 2 && (e == start || e >= v.size() || v[e] != '.')) return false;
    if (segment < 2) ++e;
  }
  *m = Match{i, e, "[redacted:bearer]"};
  return true;
}

// What may start a match, per detector: the scan skips every other byte in a tight loop.
constexpr std::uint8_t kAt = 1, kDigit = 2, kLetter = 4;
struct StartTable {
  std::uint8_t of[256] = {};
  constexpr StartTable() {
    of[static_cast<unsigned char>('@')] = kAt;
    for (char c = '0'; c <= '9'; ++c) of[static_cast<unsigned char>(c)] = kDigit;
    of[static_cast<unsigned char>('b')] = of[static_cast<unsigned char>('B')] = kLetter;
    of[static_cast<unsigned char>('e')] = kLetter;
  }
};
constexpr StartTable kStarts;

}  // namespace

Redactor::Redactor(std::vector<std::string> fields, Detect patterns)
    : fields_(std::move(fields)), patterns_(patterns) {}

bool Redactor::field_listed(std::string_view name) const {
  for (const std::string& f : fields_) {
    if (iequal(f, name)) return true;
  }
  return false;
}

bool Redactor::redact(std::string_view name, std::string_view value, std::string* out) const {
  if (field_listed(name)) {
    out->assign(kFieldReplacement);
    return true;
  }
  return scan(value, out);
}

// One pass over the value; the copy is made only from the first match on.
bool Redactor::scan(std::string_view v, std::string* out) const {
  if (patterns_ == Detect::none) return false;
  const bool email = has(patterns_, Detect::email);
  const bool card = has(patterns_, Detect::card);
  const bool bearer = has(patterns_, Detect::bearer);
  const std::uint8_t wanted =
      static_cast<std::uint8_t>((email ? kAt : 0) | (card ? kDigit : 0) | (bearer ? kLetter : 0));
  std::size_t copied = 0;  // v[0, copied) is in *out (once something matched)
  bool matched = false;
  for (std::size_t i = 0; i < v.size();) {
    while (i < v.size() && (kStarts.of[static_cast<unsigned char>(v[i])] & wanted) == 0) ++i;
    if (i == v.size()) break;
    const char c = v[i];
    Match m;
    bool found = false;
    std::size_t next = i + 1;
    if (email && c == '@') {
      found = email_at(v, i, copied, &m);
    } else if (card && is_digit(c) && (i == 0 || !is_digit(v[i - 1]))) {
      found = card_at(v, i, &m, &next);
      if (!found) next = std::max(next, i + 1);
    } else if (bearer && (c == 'b' || c == 'B')) {
      found = bearer_at(v, i, &m);
    } else if (bearer && c == 'e') {
      found = jwt_at(v, i, &m);
    }
    if (!found) {
      i = next;
      continue;
    }
    if (!matched) out->clear();
    matched = true;
    out->append(v.substr(copied, m.begin - copied));
    out->append(m.label);
    copied = m.end;
    i = m.end;
  }
  if (matched) out->append(v.substr(copied));
  return matched;
}

struct RecordRedactor::Plan {
  bool nothing = true;                 // no listed field and no string for the detectors
  std::vector<std::uint8_t> listed;    // per argument
  std::vector<ArgType> derived_types;  // string where a listed argument is not
  CallSite derived_site{};
  const SiteEntry* derived = nullptr;  // set when derived_types differ from the site's
};

RecordRedactor::RecordRedactor(Redactor redactor, SiteFactory factory)
    : redactor_(std::move(redactor)), factory_(std::move(factory)) {}

RecordRedactor::~RecordRedactor() = default;

const RecordRedactor::Plan& RecordRedactor::plan_for(const SiteEntry& site) {
  if (site.id >= plans_.size()) plans_.resize(site.id + 1);
  std::unique_ptr<Plan>& plan = plans_[site.id];
  if (plan) return *plan;
  plan = std::make_unique<Plan>();
  const CallSite& cs = *site.site;
  const format::ParsedTemplate parsed = format::parse_template(cs.format);
  plan->listed.assign(cs.arg_count, 0);
  plan->derived_types.assign(cs.arg_types, cs.arg_types + cs.arg_count);
  bool retyped = false;
  for (std::size_t i = 0; i < cs.arg_count; ++i) {
    const bool is_string = cs.arg_types[i] == ArgType::string;
    const std::string name = i < parsed.names.size() ? parsed.names[i] : "arg" + std::to_string(i);
    if (redactor_.field_listed(name)) {
      plan->listed[i] = 1;
      plan->nothing = false;
      if (!is_string) {
        plan->derived_types[i] = ArgType::string;
        retyped = true;
      }
    } else if (is_string && redactor_.detectors()) {
      plan->nothing = false;  // the detectors look at it
    }
  }
  if (retyped) {
    plan->derived_site = cs;
    plan->derived_site.arg_types = plan->derived_types.data();
    plan->derived = &factory_(site, &plan->derived_site);
  }
  return *plan;
}

const SinkRecord& RecordRedactor::apply(const SinkRecord& record) {
  const Plan& plan = plan_for(record.site);
  if (plan.nothing) return record;
  const CallSite& cs = *record.site.site;
  const std::size_t n = cs.arg_count;
  if (replaced_.size() < n) replaced_.resize(n);
  changed_.assign(n, 0);
  // First pass: what changes (nothing is copied for a record that keeps every value).
  bool any = false;
  const std::byte* p = record.args;
  for (std::size_t i = 0; i < n; ++i) {
    const ArgType t = cs.arg_types[i];
    const std::size_t size = record::visit(t, [&](auto codec) { return codec.ring_bytes(p); });
    if (plan.listed[i]) {
      replaced_[i].assign(Redactor::kFieldReplacement);
      changed_[i] = any = true;
    } else if (t == ArgType::string) {
      const auto len = format::get<std::uint32_t>(p);
      const std::string_view s(reinterpret_cast<const char*>(p + 4), len);
      if (redactor_.scan(s, &replaced_[i])) changed_[i] = any = true;
    }
    p += size;
  }
  if (!any) return record;
  // Second pass: the rewritten argument bytes, in ring layout.
  scratch_.clear();
  p = record.args;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t size =
        record::visit(cs.arg_types[i], [&](auto codec) { return codec.ring_bytes(p); });
    if (changed_[i]) {
      const auto len = static_cast<std::uint32_t>(replaced_[i].size());
      const std::size_t at = scratch_.size();
      scratch_.resize(at + 4 + len);
      std::memcpy(scratch_.data() + at, &len, 4);
      std::memcpy(scratch_.data() + at + 4, replaced_[i].data(), len);
    } else {
      scratch_.insert(scratch_.end(), p, p + size);
    }
    p += size;
  }
  out_.emplace(SinkRecord{plan.derived != nullptr ? *plan.derived : record.site, record.thread,
                          record.ts_ns, scratch_.data(), scratch_.size(), record.shard,
                          record.extras});
  return *out_;
}

}  // namespace lynx::detail
