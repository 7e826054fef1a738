#include "core/phase/phase_derivatives.h"

#include <numbers>

#include "core/phase/sinusoidal.h"

namespace phaselab {

Magnitudes instantaneousFrequencyHz(const Spectrogram& S, int hop, int fftSize, double sampleRate) {
    const Eigen::Index F = S.rows(), T = S.cols();
    Magnitudes out(F, T);
    if (T == 0) return out;
    if (T == 1) {
        out.col(0) = Eigen::ArrayXf::LinSpaced(F, 0, float(F - 1)) * float(sampleRate / fftSize);
        return out;
    }
    const Magnitudes phi = S.arg();
    const Eigen::ArrayXf binCycles = Eigen::ArrayXf::LinSpaced(F, 0, float(F - 1)) / float(fftSize);
    const float twoPiHop = float(2.0 * std::numbers::pi * hop);
    for (Eigen::Index t = 1; t < T; ++t) {
        const Eigen::ArrayXf deviation = (phi.col(t) - phi.col(t - 1) - twoPiHop * binCycles)
                                             .unaryExpr([](float x) { return sinusoidal::wrapPhase(x); });
        out.col(t) = (binCycles + deviation / twoPiHop) * float(sampleRate);
    }
    out.col(0) = out.col(1);
    return out;
}

Magnitudes groupDelayMs(const Spectrogram& S, int fftSize, double sampleRate) {
    const Eigen::Index F = S.rows(), T = S.cols();
    Magnitudes out(F, T);
    if (F < 2) return out.setZero();
    const Magnitudes phi = S.arg();
    const float toMs = float(fftSize / (2.0 * std::numbers::pi) / sampleRate * 1000.0);
    out.topRows(F - 1) = -(phi.bottomRows(F - 1) - phi.topRows(F - 1)).unaryExpr([](float x) { return sinusoidal::wrapPhase(x); }) * toMs;
    out.row(F - 1) = out.row(F - 2);
    return out;
}

}  // namespace phaselab
