#include "core/tf/band_limit.h"

#include <cmath>
#include <numbers>
#include <sstream>

#include "core/common/error.h"

namespace phaselab {

Eigen::ArrayXf bandLimit(const Eigen::Ref<const Eigen::ArrayXf>& x, double sampleRate, double lowHz, double highHz,
                         const StftConfig& config) {
    const double nyquist = sampleRate / 2;
    if (!(lowHz < highHz) || highHz <= 0 || lowHz >= nyquist) {
        std::ostringstream s;
        s << "the band " << lowHz << " .. " << highHz << " Hz is empty or outside 0 .. " << nyquist << " Hz";
        throw InputError(s.str());
    }
    Stft stft(config);
    Spectrogram S = stft.analyse(x);
    const double binHz = sampleRate / config.fft();
    Eigen::ArrayXf gain(S.rows());
    for (Eigen::Index f = 0; f < S.rows(); ++f) {
        const double hz = double(f) * binHz;
        // Distance outside the band in bins; a raised-cosine edge over half a bin.
        const double outside = std::max({0.0, (lowHz - hz) / binHz, (hz - highHz) / binHz});
        gain[f] = outside >= 0.5 ? 0.0f : float(0.5 + 0.5 * std::cos(2 * std::numbers::pi * outside));
    }
    S.colwise() *= gain.cast<std::complex<float>>();
    return stft.synthesise(S, x.size());
}

}  // namespace phaselab
