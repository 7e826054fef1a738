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

ChannelsRecovery runRecoveryPerChannel(const AlgorithmDescription& description, const ParamValues& values,
                                       const Eigen::ArrayXXf& input, const StftConfig& config, double sampleRate,
                                       const RunControl& control) {
    const int C = int(input.cols());
    Stft stft(config);
    ChannelsRecovery out;
    out.signal.resize(input.rows(), C);
    std::vector<RecoveryResult> results;
    std::vector<double> energies;
    for (int c = 0; c < C; ++c) {
        const Eigen::ArrayXf x = input.col(c);
        const Magnitudes V = stft.analyseMagnitudes(x);
        const std::string which = C > 1 ? "channel " + std::to_string(c + 1) + " of " + std::to_string(C) : std::string();
        if (!(V > 0).any())
            throw InputError((C > 1 ? "the " + which + " is silent" : std::string("the signal is silent")) +
                             ": there is no magnitude to rebuild a phase for");
        RecoveryResult r = runRecovery(description, values, V, x.size(), config, sampleRate, stageControl(control, c, C, which, c == 0), &x);
        out.signal.col(c) = r.signal;
        r.signal.resize(0);
        energies.push_back(V.cast<double>().square().sum());
        results.push_back(std::move(r));
    }
    out.figures = combineChannelFigures(results, energies);
    return out;
}

}  // namespace phaselab::recovery
