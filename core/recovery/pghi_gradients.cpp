#include "core/recovery/pghi_gradients.h"

#include <cmath>
#include <limits>
#include <numbers>

#include "core/common/error.h"

namespace phaselab::recovery {

double windowGammaConstant(WindowType window) {
    switch (window) {
        case WindowType::Hann: return 0.25645;
        case WindowType::SqrtHann: return 0.41532;
        case WindowType::Hamming: return 0.29794;
        case WindowType::Blackman: return 0.17954;
        case WindowType::Gauss: return std::numbers::pi / (4 * std::log(100.0));  // exact for this window
    }
    return 0.25645;
}

namespace {

// Distance in samples from the peak to where w falls below h (linear interpolation), walking in `step`.
double halfWidth(const Eigen::ArrayXd& w, Eigen::Index peak, int step, double h) {
    Eigen::Index i = peak;
    while (true) {
        const Eigen::Index next = i + step;
        if (next < 0 || next >= w.size()) return double(std::abs(i - peak)) + 1.0;  // outside the window it is 0
        if (w[next] < h) return double(std::abs(i - peak)) + (w[i] - h) / (w[i] - w[next]);
        i = next;
    }
}

}  // namespace

double fittedGammaConstant(const Eigen::ArrayXf& window) {
    const Eigen::Index gl = window.size();
    if (gl < 8) throw InputError("PGHI: cannot fit a Gaussian to a window of " + std::to_string(gl) + " samples (at least 8)");
    if (!window.isFinite().all() || window.maxCoeff() <= 0) throw InputError("PGHI: the window must be finite with a positive peak");
    Eigen::Index peak = 0;
    const Eigen::ArrayXd w = window.cast<double>() / double(window.maxCoeff(&peak));
    double bestError = std::numeric_limits<double>::infinity(), bestGamma = 0;
    for (int step = 0; step <= 790; ++step) {
        const double h = 0.010 + 0.001 * step;
        const double width = halfWidth(w, peak, -1, h) + halfWidth(w, peak, +1, h);
        const double a = 4.0 * std::log(1.0 / h) / (width * width);
        double error = 0;
        for (Eigen::Index l = -5 * gl; l < 5 * gl; ++l) {
            const Eigen::Index i = peak + l;
            const double value = (i >= 0 && i < gl) ? w[i] : 0.0;
            const double g = std::exp(-a * double(l) * double(l));
            error += (value - g) * (value - g);
        }
        if (error < bestError) {
            bestError = error;
            bestGamma = -std::numbers::pi * width * width / (4.0 * std::log(h));
        }
    }
    return bestGamma / (double(gl) * double(gl));
}

double pghiGamma(const StftConfig& config) {
    return windowGammaConstant(config.window) * double(config.windowLength) * double(config.windowLength);
}

void logMagnitude(const Magnitudes& s, float floor, Magnitudes& out) { out = s.max(floor).log(); }

void timeGradientFrame(const float* l, Eigen::Index bins, double gamma, int hop, int fft, float* out) {
    const float scale = float(double(hop) * fft / (2.0 * gamma));
    out[0] = 0;
    for (Eigen::Index m = 1; m + 1 < bins; ++m) out[m] = scale * (l[m + 1] - l[m - 1]);
    if (bins > 1) out[bins - 1] = 0;
}

double timeGradientLinearTerm(Eigen::Index bin, int hop, int fft) {
    const double twoPi = 2 * std::numbers::pi;
    double x = std::fmod(twoPi * double(hop) * double(bin) / double(fft), twoPi);
    if (x > std::numbers::pi) x -= twoPi;
    return x;
}

void frequencyGradientFrame(const float* earlier, const float* later, int span, Eigen::Index bins, double gamma, int hop,
                            int fft, float* out) {
    const float scale = float(-gamma / (double(span) * hop * fft));
    for (Eigen::Index m = 0; m < bins; ++m) out[m] = scale * (later[m] - earlier[m]);
}

void causalFrequencyGradientFrame(const float* current, const float* previous, const float* beforePrevious,
                                  Eigen::Index bins, double gamma, int hop, int fft, float* out) {
    const float scale = float(-gamma / (2.0 * hop * fft));
    for (Eigen::Index m = 0; m < bins; ++m) out[m] = scale * (3 * current[m] - 4 * previous[m] + beforePrevious[m]);
}

PhaseGradients phaseGradients(const Magnitudes& l, const StftConfig& config, double gamma) {
    if (!(gamma > 0) || !std::isfinite(gamma)) throw InputError("PGHI: the window constant gamma must be positive");
    const Eigen::Index F = l.rows(), T = l.cols();
    const int a = config.hop, M = config.fft();
    PhaseGradients g;
    g.time.resize(F, T);
    g.frequency.resize(F, T);
    g.timeLinear.resize(F);
    for (Eigen::Index m = 0; m < F; ++m) g.timeLinear[m] = timeGradientLinearTerm(m, a, M);
    for (Eigen::Index n = 0; n < T; ++n) {
        timeGradientFrame(l.col(n).data(), F, gamma, a, M, g.time.col(n).data());
        float* out = g.frequency.col(n).data();
        if (T == 1) g.frequency.col(n).setZero();
        else if (n == 0) frequencyGradientFrame(l.col(0).data(), l.col(1).data(), 1, F, gamma, a, M, out);
        else if (n == T - 1) frequencyGradientFrame(l.col(T - 2).data(), l.col(T - 1).data(), 1, F, gamma, a, M, out);
        else frequencyGradientFrame(l.col(n - 1).data(), l.col(n + 1).data(), 2, F, gamma, a, M, out);
    }
    return g;
}

}  // namespace phaselab::recovery
