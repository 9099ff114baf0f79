// An allocator for large arrays that are written in full right after allocation (CSR lists).
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>
#include <utility>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace cxsim {

// Two things std::allocator does not do, both worth about a third of a large network build:
// resize() leaves elements default-initialised (no memset of memory every element of which is
// about to be written, and first touch happens in the parallel pass that writes it), and blocks
// of 2 MiB or more are aligned and offered to the kernel as transparent huge pages (far fewer
// page faults and TLB misses on the random scatter of an edge list).
template <class T>
class BigArrayAllocator {
 public:
  using value_type = T;
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;

  BigArrayAllocator() = default;
  template <class U>
  BigArrayAllocator(const BigArrayAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHugePage) return static_cast<T*>(::operator new(bytes));
    const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    void* p = std::aligned_alloc(kHugePage, rounded);
    if (p == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    ::madvise(p, rounded, MADV_HUGEPAGE);  // advice only: failure costs speed, not correctness
#endif
    return static_cast<T*>(p);
  }

  void deallocate(T* p, std::size_t n) noexcept {
    if (n * sizeof(T) < kHugePage) {
      ::operator delete(p);
    } else {
      std::free(p);
    }
  }

  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    if constexpr (sizeof...(Args) == 0) {
      ::new (static_cast<void*>(p)) U;  // default-initialise: no zeroing
    } else {
      ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
  }

  friend bool operator==(const BigArrayAllocator&, const BigArrayAllocator&) {
    return true;
  }
};

template <class T>
using BigArray = std::vector<T, BigArrayAllocator<T>>;

}  // namespace cxsim
