#pragma once
// Large, freshly allocated buffers (whole signals, spectrograms): ask the kernel to back them with
// transparent huge pages where it allows that on request (Linux, /sys/kernel/mm/transparent_hugepage
// set to "madvise", Debian's default). The first touch of a 4 KB page is a fault costing
// microseconds (tens on virtual machines): a 10 MB signal is 2,560 faults, or 5 with 2 MB pages.
// Call before the buffer is first written (resizeLarge does); only whole 2 MB pages inside [data, data + bytes) are
// advised, so buffers under 4 MB are left alone. A no-op elsewhere; never fails.
// Thread-safety: re-entrant.

#include <Eigen/Core>
#include <cstddef>

namespace phaselab {

void adviseHugePages(void* data, std::size_t bytes);

// An Eigen array or matrix resized to rows x cols, its storage advised as above when it is new.
template <typename Dense>
void resizeLarge(Dense& a, Eigen::Index rows, Eigen::Index cols) {
    if (a.rows() == rows && a.cols() == cols) return;
    a.resize(rows, cols);
    adviseHugePages(a.data(), std::size_t(a.size()) * sizeof(typename Dense::Scalar));
}

}  // namespace phaselab
