#include "core/phase/sinusoidal.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/common/error.h"

namespace phaselab::sinusoidal {

void findPeaks(const Eigen::Ref<const Eigen::ArrayXf>& magnitude, const PeakOptions& options, std::vector<Peak>& peaks) {
    peaks.clear();
    const Eigen::Index F = magnitude.size();
    if (F < 3) return;
    auto v = [&](Eigen::Index k) { return std::max(magnitude[k], 1e-6f); };
    const float threshold = options.minRelativeHeight * std::max(magnitude.maxCoeff(), 1e-6f);
    for (Eigen::Index k = 1; k < F - 1; ++k) {
        if (!(v(k) > v(k - 1)) || v(k) < threshold) continue;
        Eigen::Index end = k;
        while (end + 1 < F - 1 && v(end + 1) == v(k)) ++end;
        if (!(v(end + 1) < v(k))) continue;
        const float a = std::log(v(k - 1)), b = std::log(v(k)), c = std::log(v(k + 1));
        const float denominator = 2.0f * (2.0f * b - a - c);
        const float delta = denominator > 0 ? std::clamp((c - a) / denominator, -0.5f, 0.5f) : 0.0f;
        peaks.push_back(Peak{int(k), float(k) + delta, magnitude[k]});
        k = end;
    }
}

std::vector<Peak> findPeaks(const Eigen::Ref<const Eigen::ArrayXf>& magnitude, const PeakOptions& options) {
    std::vector<Peak> peaks;
    findPeaks(magnitude, options, peaks);
    return peaks;
}

void binFrequencies(const Eigen::Ref<const Eigen::ArrayXf>& magnitude, Eigen::Ref<Eigen::ArrayXf> out,
                    const PeakOptions& options, std::vector<Peak>& peaks) {
    const Eigen::Index F = magnitude.size();
    findPeaks(magnitude, options, peaks);
    if (peaks.empty()) {
        out = Eigen::ArrayXf::LinSpaced(F, 0.0f, float(F - 1));
        return;
    }
    Eigen::Index start = 0;
    for (std::size_t p = 0; p < peaks.size(); ++p) {
        Eigen::Index last = F - 1;
        if (p + 1 < peaks.size()) {
            const double ap = std::max(peaks[p].amplitude, 1e-12f), aq = std::max(peaks[p + 1].amplitude, 1e-12f);
            last = Eigen::Index(std::floor((aq * peaks[p].bin + ap * peaks[p + 1].bin) / (ap + aq)));
        }
        if (last >= start) out.segment(start, last - start + 1) = peaks[p].refinedBin;
        start = std::max(start, last + 1);
    }
}

void binFrequencies(const Eigen::Ref<const Eigen::ArrayXf>& magnitude, Eigen::Ref<Eigen::ArrayXf> out,
                    const PeakOptions& options) {
    std::vector<Peak> peaks;
    binFrequencies(magnitude, out, options, peaks);
}

Eigen::ArrayXXf binFrequencies(const Magnitudes& magnitudes, const PeakOptions& options) {
    Eigen::ArrayXXf k(magnitudes.rows(), magnitudes.cols());
    for (Eigen::Index t = 0; t < magnitudes.cols(); ++t) binFrequencies(magnitudes.col(t), k.col(t), options);
    return k;
}

Magnitudes unwrapPhase(const Magnitudes& magnitudes, const Magnitudes& initialPhase, int hop, int fftSize,
                       const std::vector<bool>& restart, const PeakOptions& options) {
    if (initialPhase.rows() != magnitudes.rows() || initialPhase.cols() != magnitudes.cols())
        throw InputError("phase unwrapping: the initial phase must have the shape of the magnitudes");
    if (!restart.empty() && Eigen::Index(restart.size()) != magnitudes.cols())
        throw InputError("phase unwrapping: one onset flag per frame is needed");
    const Eigen::Index F = magnitudes.rows(), T = magnitudes.cols();
    Magnitudes phi(F, T);
    if (T == 0) return phi;
    phi.col(0) = initialPhase.col(0);
    Eigen::ArrayXf k(F);
    const float step = float(2.0 * std::numbers::pi * hop / fftSize);
    for (Eigen::Index t = 1; t < T; ++t) {
        if (!restart.empty() && restart[std::size_t(t)]) {
            phi.col(t) = initialPhase.col(t);
            continue;
        }
        binFrequencies(magnitudes.col(t), k, options);
        phi.col(t) = (phi.col(t - 1) + step * k).unaryExpr([](float x) { return wrapPhase(x); });
    }
    return phi;
}

Magnitudes centredPhase(const Spectrogram& S, int hop, int fftSize, const PeakOptions& options) {
    const Eigen::Index F = S.rows(), T = S.cols();
    const Magnitudes phi = S.arg();
    Magnitudes psi(F, T);
    if (T == 0) return psi;
    psi.col(0) = phi.col(0);
    Eigen::ArrayXf k(F);
    const float step = float(2.0 * std::numbers::pi * hop / fftSize);
    for (Eigen::Index t = 1; t < T; ++t) {
        binFrequencies(S.col(t).abs(), k, options);
        psi.col(t) = (phi.col(t) - phi.col(t - 1) - step * k).unaryExpr([](float x) { return wrapPhase(x); });
    }
    return psi;
}

}  // namespace phaselab::sinusoidal
