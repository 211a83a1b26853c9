/// \file
/// LYNX_INFO(logger, "template {name:spec}", args...) and friends.
///
/// - The template must be a string literal; it is checked at compile time against the arguments
///   (see detail/template_check.hpp) and a mistake is a compile error with a readable message.
/// - Arguments are evaluated only when the logger's level lets the record through.
/// - Define LYNX_ACTIVE_LEVEL (0 = trace ... 5 = critical) before including lynx to remove lower
///   levels from the program entirely.
#pragma once

#include "lynx/cxx20.hpp"

#include "lynx/detail/call_site.hpp"
#include "lynx/detail/producer.hpp"
#include "lynx/detail/template_check.hpp"
#include "lynx/level.hpp"
#include "lynx/logger.hpp"

#ifndef LYNX_ACTIVE_LEVEL
/// The lowest level compiled in: statements below it (0 = trace ... 5 = critical) are removed from
/// the program, arguments and all. Define it before including lynx; 0 (everything) by default.
#define LYNX_ACTIVE_LEVEL 0
#endif

namespace lynx::detail {
constexpr bool compiled_in(Level level, int active_level) noexcept {
  return static_cast<int>(level) >= active_level;
}
}  // namespace lynx::detail

/// Logs one record at `lynx_level` (a lynx::Level) to the lynx::Logger `lynx_logger_expr`, if
/// the level is compiled in (LYNX_ACTIVE_LEVEL) and the logger is enabled() for it. The template
/// must be a string literal; `{name}`, `{name:spec}` (fmt-style spec, applied when the CLI renders
/// the record) and `{}` name the arguments in order, `{{` and `}}` are braces. A template that does
/// not match the arguments is a compile error saying why. Arguments are evaluated only when the
/// record passes the level; strings are copied, so they may be freed right after the call. With
/// OnFull::block the call may wait for room in its thread's ring; otherwise it never waits,
/// allocates, locks or makes a system call.
#define LYNX_LOG(lynx_level, lynx_logger_expr, lynx_template, ...)                       \
  do {                                                                                   \
    if constexpr (::lynx::detail::compiled_in(lynx_level, LYNX_ACTIVE_LEVEL)) {          \
      const ::lynx::Logger& lynx_logger_ = (lynx_logger_expr);                           \
      if (lynx_logger_.enabled(lynx_level)) {                                            \
        using lynx_args_ = decltype(::lynx::detail::arg_list(__VA_ARGS__));              \
        static constexpr ::lynx::detail::TemplateCheck lynx_check_ =                     \
            ::lynx::detail::check_template(lynx_template, lynx_args_::size,              \
                                           lynx_args_::types.data());                    \
        static_assert(::lynx::detail::template_ok<lynx_check_>);                         \
        alignas(8) static constexpr ::lynx::detail::CallSite lynx_site_{                 \
            ::std::string_view(lynx_template, lynx_check_.length),                       \
            __FILE__,                                                                    \
            __builtin_FUNCTION(),                                                        \
            __LINE__,                                                                    \
            lynx_level,                                                                  \
            static_cast<std::uint8_t>(lynx_args_::size),                                 \
            lynx_args_::types.data(),                                                    \
            lynx_args_::type_desc()};                                                    \
        ::lynx::detail::LogCall<lynx_args_>::log(lynx_logger_,                           \
                                                 lynx_site_ __VA_OPT__(, ) __VA_ARGS__); \
      }                                                                                  \
    }                                                                                    \
  } while (0)

/// LYNX_LOG() at Level::trace: `LYNX_TRACE(logger, "template", args...)`.
#define LYNX_TRACE(logger, ...) LYNX_LOG(::lynx::Level::trace, logger, __VA_ARGS__)
/// LYNX_LOG() at Level::debug.
#define LYNX_DEBUG(logger, ...) LYNX_LOG(::lynx::Level::debug, logger, __VA_ARGS__)
/// LYNX_LOG() at Level::info: `LYNX_INFO(log, "order {id} placed", id)`.
#define LYNX_INFO(logger, ...) LYNX_LOG(::lynx::Level::info, logger, __VA_ARGS__)
/// LYNX_LOG() at Level::warn.
#define LYNX_WARN(logger, ...) LYNX_LOG(::lynx::Level::warn, logger, __VA_ARGS__)
/// LYNX_LOG() at Level::error.
#define LYNX_ERROR(logger, ...) LYNX_LOG(::lynx::Level::error, logger, __VA_ARGS__)
/// LYNX_LOG() at Level::critical.
#define LYNX_CRITICAL(logger, ...) LYNX_LOG(::lynx::Level::critical, logger, __VA_ARGS__)
