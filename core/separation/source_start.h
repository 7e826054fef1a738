#pragma once
// Starting phases of the source estimates of the phase-aware separation methods (MISI, PU-Iter,
// Bregman MISI, consistent Wiener; issue 12): each source starts as V_j e^{i phi_j} with
//   mixture:     phi_j = the mixture's phase (the classic amplitude-mask start);
//   pghi:        phi_j = PGHI of V_j alone (core/recovery/pghi.h, default tolerances, seed 0): a
//                phase consistent with the source's own magnitude, but with an arbitrary offset per
//                island, unrelated to the mixture;
//   pghi-masked: PGHI of V_j with the mixture's phase kept where source j dominates
//                (V_j^2 >= kDominantShare * sum_k V_k^2), integrated outward from those bins.
// Phases are radians, bins x frames, in the input's STFT convention. Thread-safety: pure functions.

#include <string>
#include <vector>

#include "core/separation/separation.h"

namespace phaselab::separation {

enum class SourceStart { Mixture, Pghi, PghiMasked };

// The share of the total power from which a source "dominates" a bin (pghi-masked). 0.5 measured
// best of 0.5 / 0.8 / 0.95 (MISI, 20 iterations, oracle magnitudes; closing note of issue 12).
inline constexpr float kDominantShare = 0.5f;

// "pghi" and "pghi-masked" (the mixture start has a method-specific name, e.g. "amplitude-mask").
const char* sourceStartName(SourceStart start);
// Mixture for any name other than "pghi" and "pghi-masked".
SourceStart sourceStartFromName(const std::string& name);

// phi_j for every source of `in`; InputError from PGHI on bad magnitudes.
std::vector<Magnitudes> sourceStartPhases(const SeparationInput& in, SourceStart start);

}  // namespace phaselab::separation
