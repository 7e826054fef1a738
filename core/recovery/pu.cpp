#include "core/recovery/pu.h"

#include <cmath>
#include <numbers>

#include "core/common/error.h"
#include "core/phase/sinusoidal.h"
#include "core/recovery/onsets.h"

namespace phaselab::recovery {

const AlgorithmDescription& puDescription() {
    static const AlgorithmDescription d{
        "pu",
        "Phase unwrapping (sinusoidal model)",
        "recovery",
        "Phase from the magnitudes alone: each partial advances its phase by 2 pi hop frequency per frame.",
        {
            flagSpec("onsets", "Restart at onsets", true,
                     "Restart the phase at detected onsets (a centred attack) instead of continuing partials through them."),
            realSpec("peak-floor", "Peak floor", -40, -120, -1, "dB",
                     "Spectral peaks further below the frame maximum than this are ignored; lower it for quiet partials."),
            realSpec("onset-threshold", "Onset threshold", 0.1, 0.001, 1, "",
                     "Onsets are novelty peaks above this fraction of the largest one; raise it to keep fewer onsets."),
        }};
    return d;
}

PuParams puParamsFrom(const ParamValues& values, double sampleRate) {
    const auto& d = puDescription();
    validateParams(d, values);
    PuParams p;
    p.onsets = numberParam(d, values, "onsets") != 0;
    p.peakFloorDb = numberParam(d, values, "peak-floor");
    p.onsetThreshold = numberParam(d, values, "onset-threshold");
    p.sampleRate = sampleRate;
    return p;
}

Magnitudes puPhase(const Magnitudes& V, const StftConfig& config, const PuParams& params) {
    if (!std::isfinite(params.peakFloorDb) || params.peakFloorDb >= 0)
        throw InputError("phase unwrapping: the peak floor must be a negative number of dB");
    const Eigen::Index F = V.rows(), T = V.cols();
    // zero phase at the frame centre, expressed in the Stft's convention
    Eigen::ArrayXf centred = Eigen::ArrayXf::Zero(F);
    if (!config.zeroPhase)
        centred = Eigen::ArrayXf::LinSpaced(F, 0, float(F - 1))
                      .unaryExpr([&](float f) {
                          return sinusoidal::wrapPhase(float(-std::numbers::pi * f * config.windowLength / config.fft()));
                      });
    const Magnitudes restartPhase = centred.replicate(1, T);
    std::vector<bool> restart;
    if (params.onsets) restart = detectOnsets(V, config, OnsetParams{params.sampleRate, params.onsetThreshold}).isOnset;
    sinusoidal::PeakOptions peaks;
    peaks.minRelativeHeight = float(std::pow(10.0, params.peakFloorDb / 20.0));
    return sinusoidal::unwrapPhase(V, restartPhase, config.hop, config.fft(), restart, peaks);
}

RecoveryResult phaseUnwrapping(const Magnitudes& V, Eigen::Index length, const StftConfig& config,
                               const PuParams& params, const RunControl& control) {
    checkTarget(V, length, config, "phase unwrapping");
    const long long start = nowNanoseconds();
    control.checkCancel();
    return onePassResult(V, puPhase(V, config, params), length, config, control, start);
}

}  // namespace phaselab::recovery
