#pragma once
// Band-limiting by STFT masking: keeps the bins whose centre frequency lies in [lowHz, highHz]
// (with a half-bin raised-cosine edge), zeroes the others and resynthesises with the LS inverse.
// Used to audition a time-frequency box. Pure function; thread-safe.

#include <Eigen/Core>

#include "core/tf/stft.h"

namespace phaselab {

// InputError if lowHz >= highHz or the band lies outside [0, sampleRate / 2].
Eigen::ArrayXf bandLimit(const Eigen::Ref<const Eigen::ArrayXf>& x, double sampleRate, double lowHz, double highHz,
                         const StftConfig& config = {});

}  // namespace phaselab
