#pragma once
// Large, freshly allocated buffers (whole signals, spectrograms) backed by transparent huge pages
// (Linux, /sys/kernel/mm/transparent_hugepage set to "madvise", Debian's default). The first touch of
// a 4 KB page is a fault costing microseconds (about 3 ms per MB on this project's virtual machine);
// a 2 MB page costs about as much as one 4 KB page. A buffer only gets huge pages where whole, aligned
// 2 MB ranges of its mapping were advised before they were touched, so resizeLarge asks malloc for a
// whole number of 2 MB pages (which Linux maps on a 2 MB boundary), advises all of it, turns the page
// malloc already wrote its bookkeeping into a huge page, and gives back the unused end (realloc
// shrinks a mapping in place). Only the buffer's last partial 2 MB is left in 4 KB pages.
// The request is at least 34 MB, above the largest mmap threshold glibc uses, so that the buffer is
// always mapped on its own (and returned to the system when freed); the unused part of the request is
// virtual address space only and is given back before it is touched. glibc's own threshold is left
// alone: other code that frees and allocates large blocks keeps reusing its heap.
// Elsewhere (other systems, small buffers) these are plain allocations; nothing here fails.
// Thread-safety: re-entrant.

#include <Eigen/Core>
#include <cstddef>

namespace phaselab {

// Advises [data, data + bytes) (extended to whole 4 KB pages) for huge pages, if bytes >= 4 MB.
void adviseHugePages(void* data, std::size_t bytes);

// What to ask malloc for to hold `bytes` in whole 2 MB pages: bytes itself for small buffers or
// where huge pages are not used.
std::size_t largeAllocationBytes(std::size_t bytes);
// For a fresh allocation of largeAllocationBytes(b) > b bytes at data: advises it and makes its first
// 2 MB (already touched by malloc) a huge page.
void prepareLargeAllocation(void* data, std::size_t allocatedBytes);

// An Eigen array or matrix resized to rows x cols, as described above when its storage is new.
template <typename Dense>
void resizeLarge(Dense& a, Eigen::Index rows, Eigen::Index cols) {
    if (a.rows() == rows && a.cols() == cols) return;
    using Scalar = typename Dense::Scalar;
    const Eigen::Index n = rows * cols;
    const std::size_t bytes = std::size_t(n) * sizeof(Scalar), padded = largeAllocationBytes(bytes);
    if (padded == bytes || padded % sizeof(Scalar) != 0) {
        a.resize(rows, cols);
        adviseHugePages(a.data(), bytes);
        return;
    }
    const Eigen::Index whole = Eigen::Index(padded / sizeof(Scalar));
    if constexpr (Dense::IsVectorAtCompileTime) {
        a.resize(whole);
        prepareLargeAllocation(a.data(), padded);
        a.conservativeResize(n);
    } else {
        a.resize(1, whole);  // one row: shrinking the columns of a column-major array is a realloc
        prepareLargeAllocation(a.data(), padded);
        a.conservativeResize(1, n);
    }
    a.resize(rows, cols);  // the same number of coefficients: only the shape changes
}

}  // namespace phaselab
