#pragma once
// Single-precision matrix products for the NMF updates (column-major, no aliasing):
//   gemmNN: C (m x n) = A (m x k) B (k x n)
//   gemmTN: C (k x n) = A^T B,  A m x k, B m x n
//   gemmNT: C (m x k) = A B^T,  A m x n, B k x n
// Register-blocked kernels compiled for AVX-512F, or else AVX2 + FMA, are used when the CPU has
// them (checked once at run time; the rest of the library is built for baseline x86-64, where
// Eigen's products only use SSE2); otherwise Eigen's products. Results agree to float rounding.
// PHASELAB_NO_AVX512=1 in the environment forces the AVX2 path (for testing both).
// Thread-safe, single-threaded.

namespace phaselab::nmf::kernels {

bool usingAvx2();
bool usingAvx512();
void gemmNN(const float* A, const float* B, float* C, int m, int k, int n);
void gemmTN(const float* A, const float* B, float* C, int m, int k, int n);
void gemmNT(const float* A, const float* B, float* C, int m, int n, int k);

}  // namespace phaselab::nmf::kernels
