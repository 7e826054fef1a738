#include "core/phase/phase_statistics.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>

#include "core/common/error.h"
#include "core/phase/sinusoidal.h"

namespace phaselab {
namespace {

constexpr double kPi = std::numbers::pi;

// Counts (or summed weights) and sufficient statistics of a stream of angles, in the order they come.
struct AngleAccumulator {
    std::vector<double> counts;
    double width = 0, sumCos = 0, sumSin = 0, total = 0;
    std::int64_t n = 0;
    explicit AngleAccumulator(int bins) : counts(std::size_t(bins), 0.0), width(2 * kPi / bins) {}
    void add(float a, double weight = 1) {
        const int b = int(std::floor((a + kPi) / width));
        counts[std::size_t(std::clamp(b, 0, int(counts.size()) - 1))] += weight;
        sumCos += weight * std::cos(a);
        sumSin += weight * std::sin(a);
        total += weight;
        ++n;
    }
};

PhaseHistogram histogramOf(const AngleAccumulator& acc, bool centred) {
    const int bins = int(acc.counts.size());
    PhaseHistogram h;
    h.width = acc.width;
    h.uniformDensity = 1 / (2 * kPi);
    const double n = double(acc.n);
    h.fit = centred ? vonmises::fitCentredFromSums(acc.sumCos, acc.total, acc.n)
                    : vonmises::fitFromSums(acc.sumCos, acc.sumSin, acc.total, acc.n);
    for (int b = 0; b < bins; ++b) {
        const double c = -kPi + (b + 0.5) * h.width;
        h.centres.push_back(c);
        const double p = acc.counts[std::size_t(b)] / acc.total;
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

// Adds frames [t0, t1] of `block` (whose column 0 is frame blockStart) to the histograms: phi of
// every bin in [f0, f1] at or above `floor`, psi where the previous frame is in the block (or the
// frame is the signal's first).
void accumulate(const Spectrogram& block, Eigen::Index blockStart, Eigen::Index t0, Eigen::Index t1, Eigen::Index f0,
                Eigen::Index f1, float floor, int hop, int fftSize, AngleAccumulator& raw, AngleAccumulator& centred) {
    const Magnitudes psi = sinusoidal::centredPhase(block, hop, fftSize);
    for (Eigen::Index t = t0; t <= t1; ++t)
        for (Eigen::Index f = f0; f <= f1; ++f) {
            const Eigen::Index tb = t - blockStart;
            if (std::abs(block(f, tb)) < floor) continue;
            raw.add(std::arg(block(f, tb)));
            if (tb > 0 || t == 0) centred.add(psi(f, tb));
        }
}

struct Bounds {
    Eigen::Index t0, t1, f0, f1;
};

Bounds regionBounds(const PhaseRegion& region, Eigen::Index F, Eigen::Index T) {
    Bounds b{std::max<Eigen::Index>(0, region.firstFrame), region.lastFrame < 0 ? T - 1 : std::min(region.lastFrame, T - 1),
             std::max<Eigen::Index>(0, region.firstBin), region.lastBin < 0 ? F - 1 : std::min(region.lastBin, F - 1)};
    if (b.t1 < b.t0 || b.f1 < b.f0) throw InputError("phase histogram: the selected region is empty");
    return b;
}

float levelFloor(float peak, float rangeDb) {
    if (!(peak > 0)) throw InputError("phase histogram: the selected region is silent");
    return peak * std::pow(10.0f, -rangeDb / 20.0f);
}

PhaseHistograms finish(const AngleAccumulator& raw, const AngleAccumulator& centred) {
    PhaseHistograms h;
    h.samples = raw.n;
    h.raw = histogramOf(raw, false);
    h.centred = histogramOf(centred.n == 0 ? raw : centred, true);
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
    const Bounds b = regionBounds(region, S.rows(), S.cols());
    // psi needs the previous frame's phase: take one frame more when there is one.
    const Eigen::Index tStart = std::max<Eigen::Index>(0, b.t0 - 1);
    const Spectrogram block = S.middleCols(tStart, b.t1 - tStart + 1);
    const float floor = levelFloor(block.block(b.f0, b.t0 - tStart, b.f1 - b.f0 + 1, b.t1 - b.t0 + 1).abs().maxCoeff(), region.rangeDb);
    AngleAccumulator raw(bins), centred(bins);
    accumulate(block, tStart, b.t0, b.t1, b.f0, b.f1, floor, hop, fftSize, raw, centred);
    return finish(raw, centred);
}

PhaseHistograms phaseHistogramsOfSignal(const Eigen::Ref<const Eigen::ArrayXf>& x, const StftConfig& config,
                                        const PhaseRegion& region, int bins, const RunControl& run) {
    if (bins < 8 || bins > 4096) throw InputError("phase histogram: the number of bins must be between 8 and 4096");
    Stft stft(config);
    const Bounds b = regionBounds(region, stft.bins(), stft.frameCount(x.size()));
    constexpr Eigen::Index kBlock = 256;
    const int N = config.windowLength, hop = config.hop;
    Spectrogram block;
    // Frames [first, last] of x, analysed from the samples they cover only.
    auto analyse = [&](Eigen::Index first, Eigen::Index last) {
        const Eigen::Index s0 = std::clamp<Eigen::Index>(first * hop - N / 2, 0, x.size());
        const Eigen::Index s1 = std::clamp<Eigen::Index>(last * hop + N / 2 + 1, s0, x.size());
        stft.analyseFrames(x.segment(s0, s1 - s0), s0, first, last - first + 1, block);
        run.checkCancel();
    };
    float peak = 0;
    for (Eigen::Index t = b.t0; t <= b.t1; t += kBlock) {
        const Eigen::Index last = std::min(b.t1, t + kBlock - 1);
        analyse(t, last);
        peak = std::max(peak, block.middleRows(b.f0, b.f1 - b.f0 + 1).abs().maxCoeff());
        run.report(0.5 * double(last - b.t0 + 1) / double(b.t1 - b.t0 + 1));
    }
    const float floor = levelFloor(peak, region.rangeDb);
    AngleAccumulator raw(bins), centred(bins);
    for (Eigen::Index t = b.t0; t <= b.t1; t += kBlock) {
        const Eigen::Index last = std::min(b.t1, t + kBlock - 1), blockStart = std::max<Eigen::Index>(0, t - 1);
        analyse(blockStart, last);
        accumulate(block, blockStart, t, last, b.f0, b.f1, floor, hop, config.fft(), raw, centred);
        run.report(0.5 + 0.5 * double(last - b.t0 + 1) / double(b.t1 - b.t0 + 1));
    }
    return finish(raw, centred);
}

PhaseHistogram interChannelPhaseHistogram(const Eigen::Ref<const Eigen::ArrayXf>& left, const Eigen::Ref<const Eigen::ArrayXf>& right,
                                          const StftConfig& config, const PhaseRegion& region, int bins, const RunControl& run) {
    if (bins < 8 || bins > 4096) throw InputError("phase histogram: the number of bins must be between 8 and 4096");
    if (left.size() != right.size()) throw InputError("inter-channel phase: the two channels differ in length");
    Stft stft(config);
    const Bounds b = regionBounds(region, stft.bins(), stft.frameCount(left.size()));
    constexpr Eigen::Index kBlock = 256;
    const int N = config.windowLength, hop = config.hop;
    Spectrogram blockL, blockR;
    Eigen::ArrayXXf weight;
    auto analyse = [&](Eigen::Index first, Eigen::Index last) {
        const Eigen::Index s0 = std::clamp<Eigen::Index>(first * hop - N / 2, 0, left.size());
        const Eigen::Index s1 = std::clamp<Eigen::Index>(last * hop + N / 2 + 1, s0, left.size());
        stft.analyseFrames(left.segment(s0, s1 - s0), s0, first, last - first + 1, blockL);
        stft.analyseFrames(right.segment(s0, s1 - s0), s0, first, last - first + 1, blockR);
        weight = blockL.middleRows(b.f0, b.f1 - b.f0 + 1).abs() * blockR.middleRows(b.f0, b.f1 - b.f0 + 1).abs();
        run.checkCancel();
    };
    float peak = 0;
    for (Eigen::Index t = b.t0; t <= b.t1; t += kBlock) {
        const Eigen::Index last = std::min(b.t1, t + kBlock - 1);
        analyse(t, last);
        peak = std::max(peak, weight.maxCoeff());
        run.report(0.5 * double(last - b.t0 + 1) / double(b.t1 - b.t0 + 1));
    }
    if (!(peak > 0)) throw InputError("inter-channel phase: the region is silent in one channel");
    const float floor = peak * std::pow(10.0f, -region.rangeDb / 10.0f);  // the weight is a power
    AngleAccumulator acc(bins);
    for (Eigen::Index t = b.t0; t <= b.t1; t += kBlock) {
        const Eigen::Index last = std::min(b.t1, t + kBlock - 1);
        analyse(t, last);
        for (Eigen::Index k = 0; k < weight.cols(); ++k)
            for (Eigen::Index f = 0; f < weight.rows(); ++f)
                if (weight(f, k) >= floor && weight(f, k) > 0) {
                    const std::complex<double> l(blockL(b.f0 + f, k)), r(blockR(b.f0 + f, k));
                    acc.add(float(std::arg(l * std::conj(r))), weight(f, k));
                }
        run.report(0.5 + 0.5 * double(last - b.t0 + 1) / double(b.t1 - b.t0 + 1));
    }
    return histogramOf(acc, false);
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
