// Sanitizer builds only (AGORA_SANITIZE, AGORA_FUZZ): the server's coroutines run on Boost.Context
// fibers, and only the ucontext implementation tells ASan about each stack switch. Its header
// declares the per-thread "current fiber" accessor but Debian's libboost_context is built for
// fcontext and does not define it, so it is defined here: each thread starts in a record for
// its own (main) context, created on first use and freed when the thread ends.
#if defined(BOOST_USE_UCONTEXT)

#include <boost/context/fiber_ucontext.hpp>

#include <memory>

namespace boost::context::detail {

fiber_activation_record*& fiber_activation_record::current() noexcept {
  thread_local std::unique_ptr<fiber_activation_record> main_context = std::make_unique<fiber_activation_record>();
  thread_local fiber_activation_record* current_record = main_context.get();
  return current_record;
}

}  // namespace boost::context::detail

#endif
