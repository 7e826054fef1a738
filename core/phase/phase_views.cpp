#include "core/phase/phase_views.h"

#include <limits>
#include <numbers>

#include "core/common/error.h"
#include "core/phase/phase_derivatives.h"
#include "core/phase/phase_statistics.h"
#include "core/phase/sinusoidal.h"

namespace phaselab {

const char* phaseViewId(PhaseView v) {
    switch (v) {
        case PhaseView::Phase: return "phase";
        case PhaseView::Centred: return "centred";
        case PhaseView::IfDeviation: return "if";
        case PhaseView::GroupDelay: return "group-delay";
        case PhaseView::Kappa: return "kappa";
    }
    return "phase";
}

PhaseView phaseViewFromId(const std::string& id) {
    for (auto v : {PhaseView::Phase, PhaseView::Centred, PhaseView::IfDeviation, PhaseView::GroupDelay, PhaseView::Kappa})
        if (id == phaseViewId(v)) return v;
    throw InputError("unknown phase view '" + id + "' (use phase, centred, if, group-delay or kappa)");
}

PhaseViewRange phaseViewRange(PhaseView v, const StftConfig& config, double sampleRate) {
    const float pi = float(std::numbers::pi);
    switch (v) {
        case PhaseView::Phase:
        case PhaseView::Centred: return {-pi, pi, "rad", true};
        case PhaseView::IfDeviation: {
            const float binHz = float(sampleRate / config.fft());
            return {-2 * binHz, 2 * binHz, "Hz", false};
        }
        case PhaseView::GroupDelay: {
            const float half = float(config.windowLength / 2 / sampleRate * 1000);
            return {-half, half, "ms", false};
        }
        case PhaseView::Kappa: return {0, 10, "", false};
    }
    return {};
}

Magnitudes phaseViewValues(PhaseView v, const Spectrogram& S, const StftConfig& config, double sampleRate, float floorMagnitude,
                           KappaNeighbourhood kappa) {
    const Magnitudes mag = S.abs();
    Magnitudes values;
    switch (v) {
        case PhaseView::Phase: values = S.arg(); break;
        case PhaseView::Centred: values = sinusoidal::centredPhase(S, config.hop, config.fft()); break;
        case PhaseView::IfDeviation:
            values = instantaneousFrequencyHz(S, config.hop, config.fft(), sampleRate).colwise() -
                     Eigen::ArrayXf::LinSpaced(S.rows(), 0, float(S.rows() - 1)) * float(sampleRate / config.fft());
            break;
        case PhaseView::GroupDelay: values = groupDelayMs(S, config.fft(), sampleRate); break;
        case PhaseView::Kappa: {
            const float peak = mag.size() ? mag.maxCoeff() : 0.0f;
            const float rangeDb = peak > floorMagnitude && floorMagnitude > 0 ? 20 * std::log10(peak / floorMagnitude) : 60.0f;
            values = kappaMap(sinusoidal::centredPhase(S, config.hop, config.fft()), mag, kappa.halfBins, kappa.halfFrames, rangeDb);
            break;
        }
    }
    return (mag >= floorMagnitude && mag > 0).select(values, std::numeric_limits<float>::quiet_NaN());
}

}  // namespace phaselab
