#pragma once
// The phase-recovery algorithms PhaseLab offers, for the GUI's method list and the CLI's help.
// Each entry is a static description (griffin_lim.h, pghi.h, pu.h, bregman.h); the order is the display order.

#include <string>
#include <vector>

#include "core/common/description.h"

namespace phaselab::recovery {

// gl, fgla, pghi, pu, bregman.
std::vector<const AlgorithmDescription*> recoveryAlgorithms();
// nullptr if no recovery algorithm has this id.
const AlgorithmDescription* findRecoveryAlgorithm(const std::string& id);
// How every recovery algorithm treats a multichannel signal, in a sentence (`phaselab-cli algorithms`).
inline constexpr const char* kMultichannelRecovery =
    "channel by channel: each channel's phase is rebuilt from that channel's own magnitude; figures over all channels";

}  // namespace phaselab::recovery
