/// \file
/// Stops a compile below C++20 with one clear message, before any other lynx header is read.
/// Every public header includes it first. lynx.pc and the CMake package carry no `-std=` flag: the
/// project picks its standard (C++20, C++23, ...) and this check says when it is too old.
#pragma once

#if defined(_MSVC_LANG) ? _MSVC_LANG < 202002L : __cplusplus < 202002L
#error "lynx needs C++20 or later: compile with -std=c++20 (or newer; MSVC: /std:c++20)"
#endif
