// The public lynx::Engine: a thin handle over detail::EngineImpl.
#include "lynx/engine.hpp"

#include "engine/engine_impl.hpp"
#include "engine/lifecycle.hpp"

namespace lynx {

Engine::Engine(Options options) : impl_(detail::start_engine(options)) {}

Engine::~Engine() { detail::stop_engine(impl_); }

void Engine::flush() { impl_->flush(); }

Stats Engine::stats() const { return impl_->stats(); }

const Options& Engine::options() const noexcept { return impl_->options(); }

}  // namespace lynx
