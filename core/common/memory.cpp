#include "core/common/memory.h"

#include <algorithm>
#include <cstdint>

#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#define PHASELAB_HUGE_PAGES 1
#endif

namespace phaselab {

namespace {
constexpr std::size_t kHuge = std::size_t(2) << 20, kPage = 4096, kLarge = 2 * kHuge;
// glibc's mapping for a request of r bytes is r plus its 16 bytes of bookkeeping, rounded up to
// 4 KB: a request 64 bytes short of a multiple of 2 MB is mapped as exactly that multiple.
constexpr std::size_t kMallocSlack = 64;
// glibc serves a request from its own mapping when it is at least its mmap threshold, which it moves
// up to 32 MB (DEFAULT_MMAP_THRESHOLD_MAX on 64-bit systems) as large blocks are freed; a request above
// that is always mapped alone. The part beyond the buffer is given back before it is ever touched.
constexpr std::size_t kAlwaysMapped = (std::size_t(32) << 20) + kHuge;
}  // namespace

void adviseHugePages(void* data, std::size_t bytes) {
#if PHASELAB_HUGE_PAGES && defined(MADV_HUGEPAGE)
    if (bytes < kLarge) return;
    const std::uintptr_t begin = reinterpret_cast<std::uintptr_t>(data) & ~(kPage - 1);
    const std::uintptr_t end = (reinterpret_cast<std::uintptr_t>(data) + bytes + kPage - 1) & ~(kPage - 1);
    madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
    (void)data;
    (void)bytes;
#endif
}

std::size_t largeAllocationBytes(std::size_t bytes) {
#if PHASELAB_HUGE_PAGES && defined(MADV_HUGEPAGE)
    if (bytes < kLarge) return bytes;
    const std::size_t whole = (bytes + kMallocSlack + kHuge - 1) / kHuge * kHuge;
    return std::max(whole, kAlwaysMapped) - kMallocSlack;
#else
    return bytes;
#endif
}

void prepareLargeAllocation(void* data, std::size_t allocatedBytes) {
#if PHASELAB_HUGE_PAGES && defined(MADV_HUGEPAGE)
    adviseHugePages(data, allocatedBytes);
    constexpr int kCollapse = 25;  // MADV_COLLAPSE (Linux 6.1); older kernels refuse it harmlessly
    const std::uintptr_t first = reinterpret_cast<std::uintptr_t>(data) & ~(kHuge - 1);
    if (first + kHuge <= reinterpret_cast<std::uintptr_t>(data) + allocatedBytes)
        madvise(reinterpret_cast<void*>(first), kHuge, kCollapse);
#else
    (void)data;
    (void)allocatedBytes;
#endif
}

}  // namespace phaselab
