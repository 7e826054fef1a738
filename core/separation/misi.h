#pragma once
// MISI, multiple input spectrogram inversion (Gunawan & Sen 2010; shared algorithms.md §3.1, §3.2).
// Problem: min_{s_j} sum_j || V_j - |A s_j| ||^2 subject to sum_j s_j = x.
//
// Order "magnitude-first" (§3.2, variant B, majorisation-minimisation, the default):
//   S_j = A(s_j); Y_j = V_j ⊙ S_j / |S_j|; y_j = A^+(Y_j); s_j = y_j + (x - sum_k y_k) / J.
//   Every iterate satisfies sum_j s_j = x exactly (up to float rounding) and the objective never
//   increases from the first iterate on (the amplitude-mask start itself is not feasible, so the
//   first iteration may raise the objective while enforcing the mixing constraint).
// Order "mix-first" (§3.1, variant A, the original):
//   S_j = A(s_j); E = X - sum_k S_k; Y_j = S_j + E / J; s_j = A^+(V_j ⊙ Y_j / |Y_j|).
//   Keeps the magnitudes last; not conservative, no monotonicity guarantee.
// Initialisation: "amplitude-mask" s_j = A^+(V_j e^{i∠X}) (default; 0 where X is exactly 0),
// "equal-split" s_j = x / J, or "pghi" / "pghi-masked" s_j = A^+(V_j e^{i phi_j}) with the PGHI
// phases of source_start.h.
// The estimates are time waveforms, so their STFTs are consistent.
// Per iteration it reports "objective" = sum_j || V_j - |A s_j| ||^2 of the new iterate (Frobenius,
// unnormalised STFT units) and "spectral_convergence_db" = 10 log10(objective / sum_j ||V_j||^2).
// Cost per iteration: J STFTs + J inverse STFTs (+ O(J F T) elementwise work); one extra set of
// J STFTs at the start.
// Memory: the floor of separation.h (J + 1 complex spectrograms, J magnitudes, J signals) plus one
// residual signal and a block of scratch (the default magnitude-first order; the spectral order
// holds its mixing error E, one more complex spectrogram); no allocation per iteration.

#include <string>

#include "core/common/description.h"
#include "core/separation/separation.h"

namespace phaselab::separation {

struct MisiParams {
    enum class Order { MagnitudeFirst, MixFirst };
    enum class Init { AmplitudeMask, EqualSplit, Pghi, PghiMasked };
    int iterations = 5;
    Order order = Order::MagnitudeFirst;
    Init init = Init::AmplitudeMask;
};

const AlgorithmDescription& misiDescription();  // "misi": iterations, order, init
MisiParams misiParams(const ParamValues& values);

// Needs J >= 2. InputError on a bad input; Cancelled when the cancel flag is set.
SeparationResult runMisi(const SeparationInput& in, const MisiParams& params, const RunControl& control = {});

}  // namespace phaselab::separation
