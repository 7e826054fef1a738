#include "core/recovery/onsets.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/common/error.h"

namespace phaselab::recovery {
namespace {

// MATLAB's symmetric hann(n): 0.5 - 0.5 cos(2 pi k / (n - 1)).
Eigen::ArrayXd symmetricHann(int n) {
    if (n == 1) return Eigen::ArrayXd::Ones(1);
    return 0.5 - 0.5 * (Eigen::ArrayXd::LinSpaced(n, 0, n - 1) * (2 * std::numbers::pi / (n - 1))).cos();
}

// Centred moving average with a normalised Hann kernel of n frames (edges replicated).
Eigen::ArrayXd localAverage(const Eigen::ArrayXd& x, int n) {
    n = std::max(1, n | 1);
    const Eigen::ArrayXd k = symmetricHann(n + 2).segment(1, n) / symmetricHann(n + 2).sum();
    const Eigen::Index T = x.size(), half = n / 2;
    Eigen::ArrayXd y(T);
    for (Eigen::Index t = 0; t < T; ++t) {
        double s = 0;
        for (int j = 0; j < n; ++j) s += k[j] * x[std::clamp<Eigen::Index>(t + j - half, 0, T - 1)];
        y[t] = s;
    }
    return y;
}

}  // namespace

Onsets detectOnsets(const Magnitudes& V, const StftConfig& config, const OnsetParams& params) {
    if (!(params.sampleRate > 0) || !std::isfinite(params.sampleRate))
        throw InputError("onset detection: the sample rate must be positive");
    if (!V.isFinite().all() || (V < 0).any())
        throw InputError("onset detection: the magnitudes must be finite and non-negative");
    const Eigen::Index F = V.rows(), T = V.cols();
    Onsets out;
    out.novelty = Eigen::ArrayXd::Zero(T);
    out.isOnset.assign(std::size_t(T), false);
    const double peak = T > 0 ? double(V.maxCoeff()) : 0.0;
    if (T < 3 || peak <= 0) return out;

    const double fs = params.sampleRate, hop = config.hop, nfft = config.fft();
    const Eigen::ArrayXXd x = (V.cast<double>() / peak).max(std::pow(10.0, -74.0 / 20.0));
    const Eigen::ArrayXXd c = (1.0 + 1000.0 * x).log() / std::log(1001.0);

    const int nd = 2 * int(std::lround(std::max(std::ceil(0.3 * fs / hop), 5.0) / 2.0)) + 1, half = nd / 2;
    Eigen::ArrayXd kernel = symmetricHann(nd);
    for (int j = 0; j < nd; ++j) kernel[j] *= j < half ? -1.0 : (j == half ? 0.0 : 1.0);
    const int energyFrames = int(std::lround(5.0 * fs / hop)), localFrames = int(std::lround(1.5 * fs / hop));

    const double edgesHz[6] = {0, 500, 1250, 3125, 7812.5, fs / 2};
    auto bin = [&](double hz) { return std::clamp<Eigen::Index>(std::lround(hz * nfft / fs), 0, F - 1); };
    Eigen::ArrayXd mean = Eigen::ArrayXd::Zero(T);
    int bands = 0;
    for (int b = 0; b < 5; ++b) {
        const Eigen::Index lo = bin(edgesHz[b]), hi = b == 4 ? F : bin(edgesHz[b + 1]);
        if (hi <= lo || edgesHz[b] >= fs / 2) continue;
        Eigen::ArrayXd flux = Eigen::ArrayXd::Zero(T);
        for (Eigen::Index t = 0; t < T; ++t) {
            Eigen::ArrayXd d = Eigen::ArrayXd::Zero(hi - lo);
            for (int j = 0; j < nd; ++j)
                if (kernel[j] != 0)
                    d += kernel[j] * c.col(std::clamp<Eigen::Index>(t + j - half, 0, T - 1)).segment(lo, hi - lo);
            flux[t] = d.max(0.0).sum();
        }
        const Eigen::ArrayXd energy = localAverage(c.block(lo, 0, hi - lo, T).colwise().sum().transpose(), energyFrames);
        mean += flux / energy.max(1e-12);
        ++bands;
    }
    mean /= std::max(bands, 1);
    out.novelty = (mean - localAverage(mean, localFrames)).max(0.0);

    const double threshold = params.minRelativeHeight * out.novelty.maxCoeff();
    if (out.novelty.maxCoeff() <= 0) return out;
    for (Eigen::Index t = 0; t < T; ++t) {
        const double v = out.novelty[t];
        if (v <= 0 || v < threshold) continue;
        const double before = t > 0 ? out.novelty[t - 1] : 0.0;
        Eigen::Index end = t;
        while (end + 1 < T && out.novelty[end + 1] == v) ++end;
        const double after = end + 1 < T ? out.novelty[end + 1] : 0.0;
        if (v > before && v > after) {
            out.isOnset[std::size_t(t)] = true;
            out.frames.push_back(int(t));
        }
        t = end;
    }
    return out;
}

}  // namespace phaselab::recovery
