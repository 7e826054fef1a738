#pragma once
// PGHI, phase gradient heap integration (Průša, Balazs & Søndergaard, IEEE/ACM TASLP 25(5), 2017;
// shared algorithms-online.md §1): a phase from the magnitudes alone, without iterating.
//
// The phase gradients estimated from the log-magnitude (pghi_gradients.h) are integrated with the
// trapezoidal rule, always extending from the largest coefficient already reached (a max-heap keyed
// on the magnitude), so integration errors land in weak coefficients:
// - pass 1: coefficients above tolerance x max(V); the largest gets phase 0 and each time the heap
//   runs dry the largest coefficient not yet reached starts a new island with phase 0;
// - pass 2 (unless secondTolerance == tolerance): everything reached so far is known, coefficients
//   between the thresholds are filled outward from its borders (islands as in pass 1);
// - coefficients never reached (below secondTolerance x max) get a uniformly random phase from
//   std::mt19937(seed): the same seed gives the same phase.
// Masked variant: coefficients marked known keep the given phase exactly and seed the integration
// from their borders (e.g. the mixture's phase where one source dominates).
// Phase reference: PGHI works in PhaseLab's zero-phase (frame-centre) convention, which is the
// literature's "timeinv" phase (pghi_gradients.h); for a config with zeroPhase = false the result
// (and a known phase given to it) is expressed in that config's convention, i.e. shifted by
// -pi f N / Nfft per bin, so synthesise() gives the same signal either way.
// Cost: O(K log K) for K coefficients (heap operations; island starts come from one sort of the
// candidates and a cursor, never a rescan); float storage; no allocation per frame.
// Memory: besides V, the log-magnitude, two gradients and the phase (4 float arrays of V's shape), a
// byte per coefficient of state and the heap; then X = V e^{i phi} (one complex spectrogram) for the
// synthesis, the figures from blocks of frames. Whole process on a 10-min 44.1 kHz mono file at
// 2048 / 512 (one complex spectrogram = 424 MB): 1.42 GB.
// Thread-safety: pure functions.

#include <Eigen/Core>

#include "core/common/description.h"
#include "core/common/progress.h"
#include "core/recovery/common.h"
#include "core/recovery/pghi_gradients.h"
#include "core/tf/stft.h"

namespace phaselab::recovery {

struct PghiParams {
    double tolerance = 1e-1;         // pass 1 threshold relative to the largest magnitude, in (0, 1)
    double secondTolerance = 1e-10;  // pass 2 threshold, in (0, tolerance]; == tolerance: one pass only
    unsigned seed = 0;               // random phase of the coefficients never reached
};

// Coefficients whose phase is known (masked PGHI): mask(f,t) != 0 keeps phase(f,t) (radians, in
// the config's convention). Both bins x frames.
struct KnownPhase {
    Eigen::Array<unsigned char, Eigen::Dynamic, Eigen::Dynamic> mask;
    Magnitudes phase;
};

const AlgorithmDescription& pghiDescription();  // id "pghi": tolerance, second-tolerance, seed
PghiParams pghiParamsFrom(const ParamValues& values);

// Throws InputError for tolerances outside (0, 1) or NaN, a second tolerance above the first, or a
// window shorter than kPghiMinimumWindow samples.
void checkPghiParams(const PghiParams& params, const StftConfig& config);
inline constexpr int kPghiMinimumWindow = 16;

// Heap integration alone, in the zero-phase convention: V magnitudes (bins x frames), g from
// phaseGradients, known optional (zero-phase convention). Result in (-pi, pi].
Magnitudes pghiIntegrate(const Magnitudes& V, const PhaseGradients& g, const PghiParams& params,
                         const KnownPhase* known = nullptr);

// The PGHI phase (radians in (-pi, pi], bins x frames) of target magnitudes V of `config`.
// InputError for bad parameters or a V that is not finite and >= 0, or a known phase of another shape.
Magnitudes pghiPhase(const Magnitudes& V, const StftConfig& config, const PghiParams& params = {},
                     const KnownPhase* known = nullptr);

// Rebuilds a signal of `length` samples from V with the PGHI phase (no iteration); the trace has one
// entry (spectral convergence, inconsistency, objective as in common.h).
RecoveryResult pghiRecovery(const Magnitudes& V, Eigen::Index length, const StftConfig& config,
                            const PghiParams& params = {}, const RunControl& control = {});

}  // namespace phaselab::recovery
