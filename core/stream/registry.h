#pragma once
// The online (streaming) algorithms' descriptions, in the order `phaselab-cli stream --method`
// offers them: recovery (rtpghi, rtisi-la, gsrtisi-la), then separation (omisi, wiener, aw).

#include <vector>

#include "core/common/description.h"

namespace phaselab::stream {

std::vector<const AlgorithmDescription*> streamAlgorithms();

}  // namespace phaselab::stream
