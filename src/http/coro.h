#pragma once
// Asio's coroutine support, included through this file only: Boost 1.74's awaitable.hpp uses
// std::exchange without including <utility>, so <utility> must come first (clang-format would
// sort it after the Boost headers).
// clang-format off
#include <utility>
// clang-format on
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
