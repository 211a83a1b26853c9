/// \file
/// Context (MDC): name/value fields that every record a thread logs carries while they are in
/// scope, without repeating them at each call.
///
///     void handle(const Request& req) {
///       lynx::Context ctx("request_id", req.id, "tenant", req.tenant);
///       LYNX_INFO(log, "order {id} placed", order.id);  // carries request_id and tenant
///     }
///
/// `lynx cat --format json` shows the fields under "ctx" (fields named trace_id and span_id as
/// top-level "trace_id"/"span_id", to join OpenTelemetry traces); text lines show them after the
/// message. Nested contexts add fields and shadow outer fields of the same name; leaving a scope
/// removes exactly what it added.
///
/// Cost: constructing a Context copies its fields once into the thread's context area and its
/// ring (an in-band event the backend applies); a log call costs the same with or without a
/// context, however many fields it has. Nothing here allocates, locks or makes a system call
/// once the thread has logged (the first use may register the thread, as a first log call does),
/// except Context::capture(), which copies the context into a Snapshot on the heap.
///
/// Limits: a thread's live contexts hold at most kMaxContextBytes of encoded fields (a field costs
/// 2 bytes, its name, and its value as a log argument: 8 bytes for numbers, 4 plus the bytes for
/// strings); names are cut to 255 bytes. A Context that does not fit is ignored (its fields are
/// not added) and counted in Stats::records_dropped.
#pragma once

#include "lynx/cxx20.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "lynx/detail/arg_types.hpp"

namespace lynx {

/// Bytes of encoded fields a thread's live contexts may hold together (see the file comment).
inline constexpr std::size_t kMaxContextBytes = 2048;

namespace detail {

// engine/context.cpp. Space for a new frame of `size` bytes of fields in the calling thread's
// context area, or nullptr when it does not fit; context_commit() pushes what was written there
// and returns the frame's depth (0 when nothing was pushed). context_pop() removes the frame of
// `depth` (and any deeper one).
std::byte* context_begin(std::size_t size) noexcept;
std::uint32_t context_commit(std::size_t size) noexcept;
void context_pop(std::uint32_t depth) noexcept;
// The calling thread's live fields, outermost first (what Context::capture() copies).
const std::byte* context_fields(std::size_t* size) noexcept;

template <class T>
inline constexpr bool kContextName = ArgCodec<arg_t<T>>::type == ArgType::string;

inline std::size_t context_name_size(std::size_t measured) noexcept {
  return measured < 255 ? measured : 255;
}

inline std::size_t context_size() noexcept { return 0; }
template <class N, class V, class... Rest>
inline std::size_t context_size(const N& name, const V& value, const Rest&... rest) noexcept {
  static_assert(kContextName<N>, "lynx::Context: a field name must be a string");
  return 2 + context_name_size(measure_arg(name)) + ring_size<V>(measure_arg(value)) +
         context_size(rest...);
}

inline std::byte* context_encode(std::byte* p) noexcept { return p; }
template <class N, class V, class... Rest>
inline std::byte* context_encode(std::byte* p, const N& name, const V& value,
                                 const Rest&... rest) noexcept {
  const std::size_t name_size = context_name_size(measure_arg(name));
  p[0] = static_cast<std::byte>(ArgCodec<arg_t<V>>::type);
  p[1] = static_cast<std::byte>(name_size);
  const char* name_bytes;
  if constexpr (std::is_array_v<N>)
    name_bytes = name;
  else if constexpr (std::is_pointer_v<N>)
    name_bytes = name == nullptr ? "" : name;
  else
    name_bytes = name.data();
  if (name_size != 0) std::memcpy(p + 2, name_bytes, name_size);
  p = encode_arg(p + 2 + name_size, value, measure_arg(value));
  return context_encode(p, rest...);
}

}  // namespace detail

/// RAII context fields (see the file comment): `lynx::Context ctx("request_id", id, "user", name);`
/// Names are strings; values are of any type a log statement takes. Contexts are per thread and
/// must be destroyed in the reverse order of construction (as scopes do); carry one to another
/// thread with capture() and Restore.
class Context {
 public:
  /// Adds the name/value pairs to the calling thread's context until the destructor runs.
  template <class... Args>
  explicit Context(const Args&... name_value_pairs) noexcept {
    static_assert(sizeof...(Args) % 2 == 0, "lynx::Context takes name/value pairs");
    const std::size_t size = detail::context_size(name_value_pairs...);
    if (std::byte* p = detail::context_begin(size)) {
      detail::context_encode(p, name_value_pairs...);
      depth_ = detail::context_commit(size);
    }
  }
  /// Removes exactly the fields this Context added (an outer field it shadowed shows again).
  ~Context() {
    if (depth_ != 0) detail::context_pop(depth_);
  }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  /// A copy of a thread's context at one moment (Context::capture()), to carry to another thread
  /// or a thread-pool task and apply there with Restore. Copyable and movable; may be empty.
  class Snapshot {
   public:
    /// An empty snapshot: restoring it adds nothing.
    Snapshot() = default;
    /// Whether the captured context had no fields.
    bool empty() const noexcept { return bytes_.empty(); }

   private:
    friend class Context;
    std::vector<std::byte> bytes_;  // the fields, outermost first (detail::context_encode layout)
  };

  /// Copies the calling thread's current context (every live Context and Restore). Allocates: call
  /// it where a task is handed over, not in a tight loop.
  static Snapshot capture();

  /// RAII: while it lives, the calling thread's records carry the fields of a Snapshot (added on
  /// top of the thread's own context, which they shadow). Cheap: copies the snapshot's bytes, no
  /// allocation, lock or system call.
  class Restore {
   public:
    /// Adds the fields of `snapshot` to the calling thread's context.
    explicit Restore(const Snapshot& snapshot) noexcept;
    /// Removes them again.
    ~Restore() {
      if (depth_ != 0) detail::context_pop(depth_);
    }
    Restore(const Restore&) = delete;
    Restore& operator=(const Restore&) = delete;

   private:
    std::uint32_t depth_ = 0;
  };

 private:
  std::uint32_t depth_ = 0;
};

}  // namespace lynx
