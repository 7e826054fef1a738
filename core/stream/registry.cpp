#include "core/stream/registry.h"

#include "core/stream/online_separation.h"
#include "core/stream/rtisila.h"
#include "core/stream/rtpghi.h"

namespace phaselab::stream {

std::vector<const AlgorithmDescription*> streamAlgorithms() {
    return {&rtpghiDescription(),       &rtisiLaDescription(),        &gsRtisiLaDescription(),
            &onlineMisiDescription(),   &onlineWienerDescription(),   &onlineAwDescription()};
}

}  // namespace phaselab::stream
