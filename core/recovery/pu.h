#pragma once
// Phase recovery with the sinusoidal model / phase unwrapping (PU, shared algorithms.md §4).
//
// From magnitudes alone: in every frame the bins take the QIFFT frequency of the partial whose
// region of influence contains them, and the phase advances by
//   mu(f,t) = phi(f,t-1) + 2 pi hop k(f,t) / Nfft      (plus sign, see core/phase/sinusoidal.h).
// Frame 0 and every onset frame (§4.2, if `onsets`) restart from a zero phase at the frame
// centre (a centred attack), whatever StftConfig::zeroPhase says. The signal is the LS inverse
// of V e^{i phi}; no iteration. Used alone (method "pu") or as the initial phase of Griffin-Lim.
// Memory: besides V, the restart phase and the phase (2 float arrays of V's shape), then X (one
// complex spectrogram) for the synthesis, the figures from blocks of frames. Whole process on a
// 10-min 44.1 kHz mono file at 2048 / 512 (one complex spectrogram = 424 MB): 1.37 GB.
// Thread-safety: pure functions.

#include <Eigen/Core>

#include "core/common/description.h"
#include "core/common/progress.h"
#include "core/recovery/common.h"
#include "core/tf/stft.h"

namespace phaselab::recovery {

struct PuParams {
    bool onsets = true;           // restart the unwrapping at detected onsets
    double peakFloorDb = -40;     // peaks below the frame maximum by more than this are ignored
    double onsetThreshold = 0.1;  // onset novelty peaks below this fraction of the maximum are ignored
    double sampleRate = 44100;    // Hz, for the onset detector's bands and time constants
};

const AlgorithmDescription& puDescription();
// Reads "onsets", "peak-floor", "onset-threshold" from values (defaults otherwise).
PuParams puParamsFrom(const ParamValues& values, double sampleRate);

// The PU phase (radians, bins x frames) for target magnitudes V of `config`.
Magnitudes puPhase(const Magnitudes& V, const StftConfig& config, const PuParams& params);

// Rebuilds a signal of `length` samples; the trace holds one entry.
RecoveryResult phaseUnwrapping(const Magnitudes& V, Eigen::Index length, const StftConfig& config,
                               const PuParams& params, const RunControl& control = {});

}  // namespace phaselab::recovery
