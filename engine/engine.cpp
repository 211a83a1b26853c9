// The public lynx::Engine: a thin handle over detail::EngineImpl.
#include "lynx/engine.hpp"

#include "engine/engine_impl.hpp"
#include "engine/lifecycle.hpp"

namespace lynx {

Engine::Engine(Options options) : impl_(detail::start_engine(options)) {}

Engine::~Engine() { detail::stop_engine(impl_); }

// In a forked child these act on the child's engine (docs/reliability.md).
void Engine::flush() {
  if (detail::EngineImpl* e = detail::engine_in_this_process(impl_)) e->flush();
}

Stats Engine::stats() const {
  detail::EngineImpl* e = detail::engine_in_this_process(impl_);
  return e != nullptr ? e->stats() : Stats{};
}

const Options& Engine::options() const noexcept { return impl_->options(); }

}  // namespace lynx
