#include "core/recovery/initial_phase.h"

#include <numbers>
#include <random>

#include "core/common/error.h"

namespace phaselab::recovery {

const char* initialPhaseName(InitialPhaseKind k) {
    switch (k) {
        case InitialPhaseKind::Zero: return "zero";
        case InitialPhaseKind::Random: return "random";
        case InitialPhaseKind::Pu: return "pu";
        case InitialPhaseKind::Pghi: return "pghi";
        case InitialPhaseKind::Signal: return "signal";
    }
    return "zero";
}

InitialPhaseKind initialPhaseFromName(const std::string& name) {
    for (auto k : {InitialPhaseKind::Zero, InitialPhaseKind::Random, InitialPhaseKind::Pu, InitialPhaseKind::Pghi,
                   InitialPhaseKind::Signal})
        if (name == initialPhaseName(k)) return k;
    throw InputError("unknown initial phase '" + name + "' (use zero, random, pu, pghi or signal)");
}

Magnitudes initialPhase(const Magnitudes& V, Eigen::Index length, const StftConfig& config, const InitialPhase& init) {
    switch (init.kind) {
        case InitialPhaseKind::Zero: return Magnitudes::Zero(V.rows(), V.cols());
        case InitialPhaseKind::Random: {
            std::mt19937 generator(init.seed);
            std::uniform_real_distribution<float> uniform(-float(std::numbers::pi), float(std::numbers::pi));
            Magnitudes phase(V.rows(), V.cols());
            for (Eigen::Index i = 0; i < phase.size(); ++i) phase(i) = uniform(generator);
            return phase;
        }
        case InitialPhaseKind::Pu: return puPhase(V, config, init.pu);
        case InitialPhaseKind::Pghi: return pghiPhase(V, config, init.pghi);
        case InitialPhaseKind::Signal: {
            if (init.signal.size() != length)
                throw InputError("the initial-phase signal has " + std::to_string(init.signal.size()) +
                                 " samples but the target is " + std::to_string(length) + " samples long");
            if (!init.signal.isFinite().all()) throw InputError("the initial-phase signal contains NaN or infinite samples");
            Stft stft(config);
            return phaseOf(stft.analyse(init.signal));
        }
    }
    return Magnitudes::Zero(V.rows(), V.cols());
}

}  // namespace phaselab::recovery
