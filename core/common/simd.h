#pragma once
// Run-time choice of the hand-written x86 kernels (the library itself is built for baseline x86-64,
// where Eigen only uses SSE2). Checked once per process.
// PHASELAB_NO_SIMD=1 in the environment turns every such kernel off (the portable path runs instead);
// PHASELAB_NO_AVX512=1 turns off only the AVX-512 ones.
// Thread-safe.

namespace phaselab {

bool usingAvx2();    // AVX2 and FMA present, and not turned off
bool usingAvx512();  // usingAvx2() and AVX-512F present, and not turned off

}  // namespace phaselab
