#include "core/recovery/registry.h"

#include "core/recovery/bregman.h"
#include "core/recovery/griffin_lim.h"
#include "core/recovery/pghi.h"
#include "core/recovery/pu.h"

namespace phaselab::recovery {

std::vector<const AlgorithmDescription*> recoveryAlgorithms() {
    return {&griffinLimDescription(), &fastGriffinLimDescription(), &pghiDescription(), &puDescription(), &bregmanDescription()};
}

const AlgorithmDescription* findRecoveryAlgorithm(const std::string& id) {
    for (const auto* d : recoveryAlgorithms())
        if (d->id == id) return d;
    return nullptr;
}

}  // namespace phaselab::recovery
