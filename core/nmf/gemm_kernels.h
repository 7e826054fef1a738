#pragma once
// Single-precision matrix products for the NMF updates (column-major, no aliasing):
//   gemmNN: C (m x n) = A (m x k) B (k x n)
//   gemmTN: C (k x n) = A^T B,  A m x k, B m x n
//   gemmNT: C (m x k) = A B^T,  A m x n, B k x n
// With AVX2 + FMA available at run time (checked once), register-blocked kernels compiled for
// those instructions are used (the rest of the library is built for baseline x86-64, where
// Eigen's products only use SSE2); otherwise Eigen's products. Results agree to float rounding.
// Thread-safe, single-threaded.

namespace phaselab::nmf::kernels {

bool usingAvx2();
void gemmNN(const float* A, const float* B, float* C, int m, int k, int n);
void gemmTN(const float* A, const float* B, float* C, int m, int k, int n);
void gemmNT(const float* A, const float* B, float* C, int m, int n, int k);

}  // namespace phaselab::nmf::kernels
