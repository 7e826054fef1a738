#include "core/recovery/run_recovery.h"

#include "core/common/error.h"
#include "core/recovery/bregman.h"
#include "core/recovery/griffin_lim.h"
#include "core/recovery/pghi.h"
#include "core/recovery/pu.h"

namespace phaselab::recovery {
namespace {

void fillSignalPhase(InitialPhase& init, const Eigen::ArrayXf* phaseSource, Eigen::Index length, const std::string& name) {
    if (init.kind != InitialPhaseKind::Signal) return;
    if (!phaseSource) throw InputError(name + ": the \"signal\" initial phase needs a signal to take the phase from");
    if (phaseSource->size() != length)
        throw InputError(name + ": the signal giving the initial phase has " + std::to_string(phaseSource->size()) +
                         " samples, the target " + std::to_string(length));
    init.signal = *phaseSource;
}

}  // namespace

RecoveryResult runRecovery(const AlgorithmDescription& d, const ParamValues& values, const Magnitudes& V, Eigen::Index length,
                           const StftConfig& config, double sampleRate, const RunControl& control,
                           const Eigen::ArrayXf* phaseSource) {
    validateParams(d, values);
    if (d.id == "gl" || d.id == "fgla") {
        GriffinLimParams p = griffinLimParamsFrom(d, values, sampleRate);
        fillSignalPhase(p.init, phaseSource, length, d.name);
        return griffinLim(V, length, config, p, control);
    }
    if (d.id == "pghi") return pghiRecovery(V, length, config, pghiParamsFrom(values), control);
    if (d.id == "pu") return phaseUnwrapping(V, length, config, puParamsFrom(values, sampleRate), control);
    if (d.id == "bregman") {
        BregmanParams p = bregmanParamsFrom(values, sampleRate);
        fillSignalPhase(p.init, phaseSource, length, d.name);
        return bregmanRetrieval(V, length, config, p, control);
    }
    throw InputError("unknown phase-recovery algorithm '" + d.id + "'");
}

}  // namespace phaselab::recovery
