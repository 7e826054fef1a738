#pragma once
// Griffin-Lim (GL) and fast Griffin-Lim (FGLA) phase recovery (shared algorithms.md §2).
//
// Given target magnitudes V (bins x frames) and an initial phase phi0, with X_0 = V e^{i phi0}:
//   C_k = G(X_{k-1}) = STFT(iSTFT(X_{k-1}))           (consistency projection, phaselab::Stft)
//   D_k = C_k - (momentum / (1 + momentum)) C_{k-1}    (C_0 = 0; momentum 0 is plain GL)
//   X_k = V D_k / |D_k|                                (magnitude projection; phase 0 where D_k = 0)
// and the output is y = iSTFT(X_n). The momentum form is librosa's (griffinlim, 0.10/0.11), which
// gives the same phases as Perraudin et al.'s t_k = c_k + alpha (c_k - c_{k-1}) since
// t_k = (1 + alpha) D_k; the only difference is the start (librosa: C_0 = 0, Perraudin: c_0 = X_0).
// librosa's start is the one used here. Measured on music_pbd_44k_mix (2048 / 512, 100 iterations,
// zero phase at the frame start): this form and the Perraudin form started with c_0 = 0 both give
// -26.24 dB, librosa's figure; the Perraudin form started with c_0 = X_0 gives -26.76 dB.
// Per iteration k the trace holds the spectral convergence of y_k = iSTFT(X_{k-1}), the relative
// inconsistency of X_{k-1} and the objective || |C_k| - V ||_F^2 (common.h). Plain GL never
// increases these (exactly so in the omega-weighted norm, algorithms.md §1.1).
// Cost per iteration: one STFT and one iSTFT (T FFTs each) plus an elementwise pass; no
// allocation inside the loop. threads > 1 splits frames (and the elementwise pass) over threads.
// Memory: V and X (M + S), the iterate's signal (L floats) and one 256-frame block of C = G(X); fast
// GL also keeps the previous C (one more S). Whole process on a 10-min 44.1 kHz mono file at
// 2048 / 512 (S = 424 MB): GL 0.96 GB, FGLA 1.37 GB (`/usr/bin/time -f %M phaselab-cli recover`).
// Thread-safety: the function is re-entrant (it makes its own Stft).

#include <Eigen/Core>

#include "core/common/description.h"
#include "core/common/progress.h"
#include "core/recovery/common.h"
#include "core/recovery/initial_phase.h"
#include "core/tf/stft.h"

namespace phaselab::recovery {

struct GriffinLimParams {
    int iterations = 100;   // >= 1
    double momentum = 0.0;  // in [0, 1]; 0 = GL, 0.99 = the usual FGLA
    InitialPhase init;      // zero phase by default
    int threads = 1;        // 1 .. 64
};

const AlgorithmDescription& griffinLimDescription();  // id "gl"
const AlgorithmDescription& fastGriffinLimDescription();  // id "fgla", momentum default 0.99
// From form/CLI values of either description ("iterations", "momentum", "init", "seed",
// "threads"); the "signal" initial phase must be filled in by the caller.
GriffinLimParams griffinLimParamsFrom(const AlgorithmDescription& d, const ParamValues& values, double sampleRate);

// InputError for a bad target (common.h) or parameters (iterations < 1, momentum outside [0, 1]
// or NaN, threads outside 1..64); Cancelled if control's flag is set (checked every iteration).
RecoveryResult griffinLim(const Magnitudes& V, Eigen::Index length, const StftConfig& config,
                          const GriffinLimParams& params, const RunControl& control = {});

}  // namespace phaselab::recovery
