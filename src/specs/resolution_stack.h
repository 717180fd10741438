// ResolutionStack is the chain of things a spec reader is resolving right now — the libraries a
// `uses` chain has entered, the files an !include chain has opened, the types an inheritance
// chain has climbed, the $refs a reference chain has followed — so that following one more link
// either enters it or is refused, with the reason as a problem message: the link closes a cycle
// ("library cycle: b.raml -> c.raml -> b.raml") or the chain is deeper than the limit. Every
// reader recursion that follows links from one document or declaration to another goes through
// one, so no input can make a reader recurse without bound.
//
// Usage: `if (auto scope = stack.Enter(key)) { ...descend... } else { report(scope.refusal()); }`;
// the scope leaves the stack when it is destroyed.
//
// Thread safety: one per reading, used by one thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace agora::specs {

class ResolutionStack {
 public:
  // `link` names what the stack follows in its messages ("library", "!include", "type");
  // `max_depth` is how many entries it holds at most.
  ResolutionStack(std::string link, uint32_t max_depth) : link_(std::move(link)), max_depth_(max_depth) {}
  ResolutionStack(const ResolutionStack&) = delete;
  ResolutionStack& operator=(const ResolutionStack&) = delete;

  class [[nodiscard]] Scope {
   public:
    Scope(Scope&& other) noexcept
        : stack_(other.stack_), refusal_(std::move(other.refusal_)), cycle_(other.cycle_) {
      other.stack_ = nullptr;
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    Scope& operator=(Scope&&) = delete;
    ~Scope() {
      if (stack_) stack_->chain_.pop_back();
    }

    // True when the key was entered.
    explicit operator bool() const { return stack_ != nullptr; }
    // Why it was not: the cycle it closes or the depth it exceeds.
    const std::string& refusal() const { return refusal_; }
    // True when the refusal is a cycle (false: too deep).
    bool is_cycle() const { return cycle_; }

   private:
    friend class ResolutionStack;
    Scope(ResolutionStack* stack, std::string refusal, bool cycle)
        : stack_(stack), refusal_(std::move(refusal)), cycle_(cycle) {}
    ResolutionStack* stack_;
    std::string refusal_;
    bool cycle_ = false;
  };

  // Enters `key` unless it is already on the stack or the stack is full.
  Scope Enter(std::string key);

  bool Contains(const std::string& key) const;
  size_t depth() const { return chain_.size(); }
  const std::vector<std::string>& chain() const { return chain_; }

 private:
  const std::string link_;
  const uint32_t max_depth_;
  std::vector<std::string> chain_;
};

}  // namespace agora::specs
