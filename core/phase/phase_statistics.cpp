#include "core/phase/phase_statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "core/common/error.h"
#include "core/phase/sinusoidal.h"

namespace phaselab {
namespace {

constexpr double kPi = std::numbers::pi;

PhaseHistogram histogramOf(const std::vector<float>& angles, int bins, bool centred) {
    PhaseHistogram h;
    h.width = 2 * kPi / bins;
    h.uniformDensity = 1 / (2 * kPi);
    std::vector<double> counts(std::size_t(bins), 0.0);
    for (float a : angles) {
        int b = int(std::floor((a + kPi) / h.width));
        counts[std::size_t(std::clamp(b, 0, bins - 1))] += 1;
    }
    const double n = double(angles.size());
    h.fit = centred ? vonmises::fitCentred(angles) : vonmises::fit(angles);
    for (int b = 0; b < bins; ++b) {
        const double c = -kPi + (b + 0.5) * h.width;
        h.centres.push_back(c);
        const double p = counts[std::size_t(b)] / n;
        h.density.push_back(p / h.width);
        if (p > 0) {
            h.klUniform += p * std::log(p / (h.uniformDensity * h.width));
            h.klVonMises += p * std::log(p / std::max(vonmises::density(c, h.fit.mu, h.fit.kappa) * h.width, 1e-300));
        }
    }
    const double R = centred ? std::abs(h.fit.meanResultantLength) : h.fit.meanResultantLength;
    const double z = n * R * R;
    // Rayleigh test with the usual small-sample correction (Zar, Biostatistical Analysis).
    h.rayleighP = std::clamp(std::exp(std::sqrt(1 + 4 * n + 4 * (n * n - n * n * R * R)) - (1 + 2 * n)), 0.0, 1.0);
    if (!std::isfinite(h.rayleighP)) h.rayleighP = std::exp(-z);
    return h;
}

std::vector<double> kappaTableR, kappaTableK;

void buildKappaTable() {
    // kappa on a log grid; A is increasing, so (A(kappa), kappa) is a monotone table.
    const int n = 4000;
    kappaTableR.resize(n + 1);
    kappaTableK.resize(n + 1);
    kappaTableR[0] = 0;
    kappaTableK[0] = 0;
    for (int i = 1; i <= n; ++i) {
        const double k = 1e-4 * std::pow(1e7, double(i - 1) / (n - 1));  // 1e-4 .. 1e3
        kappaTableK[std::size_t(i)] = k;
        kappaTableR[std::size_t(i)] = vonmises::meanResultantLength(k);
    }
}

}  // namespace

double kappaFromMeanResultantFast(double r) {
    static const bool built = (buildKappaTable(), true);
    (void)built;
    if (!(r > 0)) return 0;
    if (r >= kappaTableR.back()) return kappaTableK.back();
    const auto it = std::upper_bound(kappaTableR.begin(), kappaTableR.end(), r);
    const std::size_t i = std::size_t(it - kappaTableR.begin());
    const double r0 = kappaTableR[i - 1], r1 = kappaTableR[i];
    const double a = (r - r0) / (r1 - r0);
    return kappaTableK[i - 1] * (1 - a) + kappaTableK[i] * a;
}

PhaseHistograms phaseHistograms(const Spectrogram& S, int hop, int fftSize, const PhaseRegion& region, int bins) {
    if (bins < 8 || bins > 4096) throw InputError("phase histogram: the number of bins must be between 8 and 4096");
    const Eigen::Index F = S.rows(), T = S.cols();
    const Eigen::Index t0 = std::max<Eigen::Index>(0, region.firstFrame);
    const Eigen::Index t1 = region.lastFrame < 0 ? T - 1 : std::min(region.lastFrame, T - 1);
    const Eigen::Index f0 = std::max<Eigen::Index>(0, region.firstBin);
    const Eigen::Index f1 = region.lastBin < 0 ? F - 1 : std::min(region.lastBin, F - 1);
    if (t1 < t0 || f1 < f0) throw InputError("phase histogram: the selected region is empty");
    // psi needs the previous frame's phase: analyse one frame more when there is one.
    const Eigen::Index tStart = std::max<Eigen::Index>(0, t0 - 1);
    const Spectrogram block = S.middleCols(tStart, t1 - tStart + 1);
    const Magnitudes psi = sinusoidal::centredPhase(block, hop, fftSize);
    const Magnitudes mag = block.abs();
    const float peak = mag.block(f0, t0 - tStart, f1 - f0 + 1, t1 - t0 + 1).maxCoeff();
    if (!(peak > 0)) throw InputError("phase histogram: the selected region is silent");
    const float floor = peak * std::pow(10.0f, -region.rangeDb / 20.0f);
    std::vector<float> raw, centred;
    for (Eigen::Index t = t0; t <= t1; ++t)
        for (Eigen::Index f = f0; f <= f1; ++f) {
            const Eigen::Index tb = t - tStart;
            if (mag(f, tb) < floor) continue;
            raw.push_back(std::arg(block(f, tb)));
            if (tb > 0 || t == 0) centred.push_back(psi(f, tb));
        }
    PhaseHistograms h;
    h.samples = std::int64_t(raw.size());
    h.raw = histogramOf(raw, bins, false);
    h.centred = histogramOf(centred.empty() ? raw : centred, bins, true);
    return h;
}

Magnitudes kappaMap(const Magnitudes& centredPhase, const Magnitudes& magnitude, int halfBins, int halfFrames, float rangeDb,
                    int minCount) {
    const Eigen::Index F = magnitude.rows(), T = magnitude.cols();
    if (centredPhase.rows() != F || centredPhase.cols() != T) throw InputError("kappa map: phase and magnitude shapes differ");
    if (halfBins < 0 || halfFrames < 0 || halfBins > 64 || halfFrames > 64)
        throw InputError("kappa map: the neighbourhood half-sizes must be between 0 and 64");
    Magnitudes out(F, T);
    if (F == 0 || T == 0) return out;
    const float floor = magnitude.maxCoeff() * std::pow(10.0f, -rangeDb / 20.0f);
    // Summed-area tables of cos(psi) and of the count, (F+1) x (T+1), in double.
    Eigen::ArrayXXd sumCos = Eigen::ArrayXXd::Zero(F + 1, T + 1), sumN = Eigen::ArrayXXd::Zero(F + 1, T + 1);
    for (Eigen::Index t = 0; t < T; ++t)
        for (Eigen::Index f = 0; f < F; ++f) {
            const bool on = magnitude(f, t) >= floor && magnitude(f, t) > 0;
            sumCos(f + 1, t + 1) = (on ? std::cos(double(centredPhase(f, t))) : 0.0) + sumCos(f, t + 1) + sumCos(f + 1, t) - sumCos(f, t);
            sumN(f + 1, t + 1) = (on ? 1.0 : 0.0) + sumN(f, t + 1) + sumN(f + 1, t) - sumN(f, t);
        }
    auto box = [](const Eigen::ArrayXXd& s, Eigen::Index fa, Eigen::Index fb, Eigen::Index ta, Eigen::Index tb) {
        return s(fb, tb) - s(fa, tb) - s(fb, ta) + s(fa, ta);
    };
    for (Eigen::Index t = 0; t < T; ++t) {
        const Eigen::Index ta = std::max<Eigen::Index>(0, t - halfFrames), tb = std::min<Eigen::Index>(T, t + halfFrames + 1);
        for (Eigen::Index f = 0; f < F; ++f) {
            const Eigen::Index fa = std::max<Eigen::Index>(0, f - halfBins), fb = std::min<Eigen::Index>(F, f + halfBins + 1);
            const double n = box(sumN, fa, fb, ta, tb);
            out(f, t) = n < minCount ? std::numeric_limits<float>::quiet_NaN()
                                     : float(kappaFromMeanResultantFast(box(sumCos, fa, fb, ta, tb) / n));
        }
    }
    return out;
}

}  // namespace phaselab
