#pragma once
// Initial phase for the iterative phase-recovery algorithms (shared algorithms.md §2, §4).
//
// - Zero: phase 0 in every bin, in the Stft's own convention: with StftConfig::zeroPhase (the
//   default) that is a zero phase at each frame's centre (each frame starts as a symmetric,
//   centred pulse); with zeroPhase = false it is librosa's init=None (phase 0 at the frame start).
// - Random: independent uniform phases in [-pi, pi), std::mt19937 seeded with `seed`
//   (reproducible bit for bit for a given seed, platform and standard library).
// - Pu: the sinusoidal phase model / phase unwrapping of pu.h from the magnitudes alone.
// - Pghi: phase gradient heap integration (pghi.h) from the magnitudes alone.
// - Signal: the phase of STFT(signal) of a given signal (e.g. a previous estimate or the
//   original); the signal must have the target's length.
// Phases are radians in (-pi, pi], bins x frames. Thread-safety: pure functions.

#include <Eigen/Core>
#include <string>

#include "core/recovery/pghi.h"
#include "core/recovery/pu.h"
#include "core/tf/stft.h"

namespace phaselab::recovery {

enum class InitialPhaseKind { Zero, Random, Pu, Pghi, Signal };

const char* initialPhaseName(InitialPhaseKind k);               // "zero", "random", "pu", "pghi", "signal"
InitialPhaseKind initialPhaseFromName(const std::string& name);  // InputError if unknown

struct InitialPhase {
    InitialPhaseKind kind = InitialPhaseKind::Zero;
    unsigned seed = 0;        // Random
    PuParams pu;              // Pu
    PghiParams pghi;          // Pghi
    Eigen::ArrayXf signal;    // Signal: same length as the target signal
};

// Initial phase for target magnitudes V (bins x frames of `config` on `length` samples).
Magnitudes initialPhase(const Magnitudes& V, Eigen::Index length, const StftConfig& config, const InitialPhase& init);

}  // namespace phaselab::recovery
