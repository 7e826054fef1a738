#include "core/phase/inter_channel.h"

#include <cmath>
#include <limits>
#include <numbers>

#include "core/common/error.h"

namespace phaselab {

namespace {

void checkShapes(const Spectrogram& left, const Spectrogram& right) {
    if (left.rows() != right.rows() || left.cols() != right.cols())
        throw InputError("inter-channel views need two channels analysed with the same STFT");
}

template <class F>
Magnitudes perCell(const Spectrogram& left, const Spectrogram& right, float floor, F value) {
    checkShapes(left, right);
    Magnitudes out(left.rows(), left.cols());
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (Eigen::Index t = 0; t < left.cols(); ++t)
        for (Eigen::Index f = 0; f < left.rows(); ++f) {
            const std::complex<float> l = left(f, t), r = right(f, t);
            const float al = std::abs(l), ar = std::abs(r);
            out(f, t) = (al < floor || ar < floor || al == 0 || ar == 0) ? nan : value(l, r, al, ar);
        }
    return out;
}

}  // namespace

Magnitudes interChannelPhase(const Spectrogram& left, const Spectrogram& right, float floor) {
    return perCell(left, right, floor, [](std::complex<float> l, std::complex<float> r, float, float) {
        return float(std::arg(std::complex<double>(l) * std::conj(std::complex<double>(r))));
    });
}

Magnitudes interChannelLevel(const Spectrogram& left, const Spectrogram& right, float floor) {
    return perCell(left, right, floor,
                   [](std::complex<float>, std::complex<float>, float al, float ar) { return 20.0f * std::log10(al / ar); });
}

Magnitudes panPosition(const Spectrogram& left, const Spectrogram& right, float floor) {
    return perCell(left, right, floor, [](std::complex<float>, std::complex<float>, float al, float ar) {
        return float(4.0 / std::numbers::pi * std::atan2(double(ar), double(al)) - 1.0);
    });
}

double interChannelDelay(const Spectrogram& left, const Spectrogram& right, int fftSize, double maxDelay) {
    checkShapes(left, right);
    if (fftSize < 2 || !(maxDelay >= 0)) throw InputError("inter-channel delay: bad FFT size or search range");
    // Per bin, the weighted sum over frames of e^{i IPD} (phase-transformed cross-spectrum).
    const Eigen::Index F = left.rows();
    Eigen::ArrayXcd cross = Eigen::ArrayXcd::Zero(F);
    for (Eigen::Index t = 0; t < left.cols(); ++t)
        for (Eigen::Index f = 0; f < F; ++f) {
            const std::complex<double> c = std::complex<double>(left(f, t)) * std::conj(std::complex<double>(right(f, t)));
            const double a = std::abs(c);
            if (a > 0) cross(f) += c / std::sqrt(a);  // weight |X_L| |X_R| on the unit phase
        }
    if ((cross.abs() == 0).all()) throw InputError("inter-channel delay: the channels are silent");
    double best = 0, bestValue = -1;
    for (double d = -maxDelay; d <= maxDelay + 1e-9; d += 0.01) {
        std::complex<double> sum = 0;
        for (Eigen::Index f = 0; f < F; ++f) sum += cross(f) * std::polar(1.0, -2 * std::numbers::pi * double(f) * d / fftSize);
        if (std::abs(sum) > bestValue) bestValue = std::abs(sum), best = d;
    }
    return best;
}

Magnitudes panningMap(const Spectrogram& left, const Spectrogram& right, int positions, float floor) {
    checkShapes(left, right);
    if (positions < 2) throw InputError("panning map: at least 2 positions");
    Magnitudes map = Magnitudes::Zero(positions, left.cols());
    for (Eigen::Index t = 0; t < left.cols(); ++t)
        for (Eigen::Index f = 0; f < left.rows(); ++f) {
            const float al = std::abs(left(f, t)), ar = std::abs(right(f, t));
            if (al < floor && ar < floor) continue;
            if (al == 0 && ar == 0) continue;
            const double pan = 4.0 / std::numbers::pi * std::atan2(double(ar), double(al)) - 1.0;
            const int k = std::clamp(int((pan + 1) / 2 * positions), 0, positions - 1);
            map(k, t) += al * al + ar * ar;
        }
    return map;
}

double panToAzimuthDegrees(double pan, double speakerDegrees) {
    const double deg = std::numbers::pi / 180;
    return std::atan(std::tan(speakerDegrees * deg) * std::tan(std::numbers::pi * std::clamp(pan, -1.0, 1.0) / 4)) / deg;
}

double azimuthToPan(double azimuthDegrees, double speakerDegrees) {
    const double deg = std::numbers::pi / 180;
    const double az = std::clamp(azimuthDegrees, -speakerDegrees, speakerDegrees);
    return 4 / std::numbers::pi * std::atan(std::tan(az * deg) / std::tan(speakerDegrees * deg));
}

vonmises::Fit interChannelPhaseFit(const Spectrogram& left, const Spectrogram& right, Eigen::Index firstFrame,
                                   Eigen::Index lastFrame, Eigen::Index firstBin, Eigen::Index lastBin, float rangeDb) {
    checkShapes(left, right);
    const Eigen::Index T = left.cols(), F = left.rows();
    if (lastFrame < 0 || lastFrame >= T) lastFrame = T - 1;
    if (lastBin < 0 || lastBin >= F) lastBin = F - 1;
    if (firstFrame < 0 || firstBin < 0 || firstFrame > lastFrame || firstBin > lastBin)
        throw InputError("inter-channel phase: the region is empty");
    const auto L = left.block(firstBin, firstFrame, lastBin - firstBin + 1, lastFrame - firstFrame + 1);
    const auto R = right.block(firstBin, firstFrame, lastBin - firstBin + 1, lastFrame - firstFrame + 1);
    const Eigen::ArrayXXf weight = L.abs() * R.abs();
    const float peak = weight.maxCoeff();
    if (!(peak > 0)) throw InputError("inter-channel phase: the region is silent in one channel");
    const float floor = peak * std::pow(10.0f, -rangeDb / 10.0f);  // weight is a power: 10 log10
    std::vector<float> ipd, w;
    for (Eigen::Index t = 0; t < L.cols(); ++t)
        for (Eigen::Index f = 0; f < L.rows(); ++f)
            if (weight(f, t) >= floor && weight(f, t) > 0) {
                ipd.push_back(float(std::arg(std::complex<double>(L(f, t)) * std::conj(std::complex<double>(R(f, t))))));
                w.push_back(weight(f, t));
            }
    return vonmises::fit(ipd, w);
}

}  // namespace phaselab
