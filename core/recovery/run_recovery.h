#pragma once
// One entry point for every phase-recovery algorithm, driven by its description and the values
// of a generated form or experiment file (the GUI's recovery panel and experiment re-runs use it).
// Thread-safety: re-entrant.

#include <Eigen/Core>

#include "core/common/description.h"
#include "core/common/progress.h"
#include "core/recovery/common.h"
#include "core/tf/stft.h"

namespace phaselab::recovery {

// Runs the algorithm `description` (one of recoveryAlgorithms()) on target magnitudes V
// (bins x frames of `config` on `length` samples). `phaseSource`, when given (same length),
// supplies the "signal" initial phase; without it that choice is an InputError.
// InputError for an unknown algorithm or invalid values; Cancelled through `control`.
RecoveryResult runRecovery(const AlgorithmDescription& description, const ParamValues& values, const Magnitudes& V,
                           Eigen::Index length, const StftConfig& config, double sampleRate,
                           const RunControl& control = {}, const Eigen::ArrayXf* phaseSource = nullptr);

// The same on every channel of `input` (frames x channels), each from its own magnitude and with
// itself as the "signal" phase source: the rebuilt channels, and the figures over all channels
// (combineChannelFigures). Progress as stages, one per channel (the first one's figures only).
// InputError naming the channel when one is silent.
struct ChannelsRecovery {
    Eigen::ArrayXXf signal;  // frames x channels
    RecoveryResult figures;  // signal left empty
};
ChannelsRecovery runRecoveryPerChannel(const AlgorithmDescription& description, const ParamValues& values,
                                       const Eigen::ArrayXXf& input, const StftConfig& config, double sampleRate,
                                       const RunControl& control = {});

}  // namespace phaselab::recovery
