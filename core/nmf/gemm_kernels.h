#pragma once
// Single-precision matrix products for the NMF updates (column-major, no aliasing):
//   gemmNN: C (m x n) = A (m x k) B (k x n)
//   gemmTN: C (k x n) = A^T B,  A m x k, B m x n
//   gemmNT: C (m x k) = A B^T,  A m x n, B k x n  (C += A B^T when accumulate)
// Register-blocked kernels compiled for AVX-512F, or else AVX2 + FMA, are used when the CPU has
// them (checked once at run time; the rest of the library is built for baseline x86-64, where
// Eigen's products only use SSE2); otherwise Eigen's products. Results agree to float rounding.
// In the environment, PHASELAB_NO_AVX512=1 forces the AVX2 path and PHASELAB_NO_SIMD=1 the Eigen
// fallback (CTest runs test_nmf on all three).
// Thread-safe, single-threaded.

#include <cstddef>

#include "core/common/simd.h"

namespace phaselab::nmf::kernels {

using phaselab::usingAvx2;    // core/common/simd.h
using phaselab::usingAvx512;
// The multiplicative-update ratios of n values: r = v / (wh + tiny) when q is null (KL);
// otherwise q = 1 / (wh + tiny) and r = v q^2 (Itakura-Saito). The AVX-512 path refines the
// hardware reciprocal estimate by Newton steps: within a few ulp of IEEE division.
void ratios(const float* v, const float* wh, float* r, float* q, std::size_t n, float tiny);
void gemmNN(const float* A, const float* B, float* C, int m, int k, int n);
void gemmTN(const float* A, const float* B, float* C, int m, int k, int n);
void gemmNT(const float* A, const float* B, float* C, int m, int n, int k, bool accumulate = false);

}  // namespace phaselab::nmf::kernels
