#include "core/separation/hpss.h"

#include <algorithm>
#include <vector>

#include "core/common/error.h"
#include "core/separation/masks.h"

namespace phaselab::separation {

const AlgorithmDescription& hpssDescription() {
    static const AlgorithmDescription d{
        "hpss", "Harmonic/percussive (median filtering)", "separation",
        "Two sources from the mixture alone: median filtering along time (harmonic) and frequency (percussive).",
        {integerSpec("harmonic-frames", "Harmonic kernel", 17, 1, 501, "frames",
                       "Length of the median filter along time (odd); longer keeps only steadier partials."),
         integerSpec("percussive-bins", "Percussive kernel", 17, 1, 501, "bins",
                       "Length of the median filter along frequency (odd); longer keeps only broader-band events."),
         realSpec("mask-power", "Mask power", 2.0, 0.5, 8.0, "",
                    "Exponent of the soft mask H^p / (H^p + P^p); large values approach a binary mask.")}};
    return d;
}

HpssParams hpssParams(const ParamValues& values) {
    const auto& d = hpssDescription();
    validateParams(d, values);
    HpssParams p;
    p.harmonicFrames = int(numberParam(d, values, "harmonic-frames"));
    p.percussiveBins = int(numberParam(d, values, "percussive-bins"));
    p.power = numberParam(d, values, "mask-power");
    return p;
}

namespace {

// scipy "reflect": ... c b a | a b c ... ; valid for any offset via folding.
Eigen::Index reflectIndex(Eigen::Index i, Eigen::Index n) {
    if (n == 1) return 0;
    const Eigen::Index period = 2 * n;
    i %= period;
    if (i < 0) i += period;
    return i < n ? i : period - 1 - i;
}

void median1d(const float* in, Eigen::Index stride, Eigen::Index n, int k, float* out, Eigen::Index outStride,
              std::vector<float>& buf) {
    const int half = k / 2;
    buf.resize(std::size_t(k));
    for (Eigen::Index i = 0; i < n; ++i) {
        for (int d = -half; d <= half; ++d) buf[std::size_t(d + half)] = in[reflectIndex(i + d, n) * stride];
        std::nth_element(buf.begin(), buf.begin() + half, buf.end());
        out[i * outStride] = buf[std::size_t(half)];
    }
}

}  // namespace

Magnitudes medianFilter(const Magnitudes& m, int n, int axis) {
    if (n < 1 || n % 2 == 0) throw InputError("median filter length must be odd and >= 1, got " + std::to_string(n));
    Magnitudes out(m.rows(), m.cols());
    std::vector<float> buf;
    if (axis == 1) {
        for (Eigen::Index f = 0; f < m.rows(); ++f)
            median1d(m.data() + f, m.rows(), m.cols(), n, out.data() + f, m.rows(), buf);
    } else {
        for (Eigen::Index t = 0; t < m.cols(); ++t)
            median1d(m.data() + t * m.rows(), 1, m.rows(), n, out.data() + t * m.rows(), 1, buf);
    }
    return out;
}

std::vector<Magnitudes> hpssMagnitudes(const Magnitudes& mixture, const HpssParams& p) {
    if (!mixture.allFinite() || (mixture < 0).any()) throw InputError("HPSS: magnitudes must be finite and >= 0");
    return {medianFilter(mixture, p.harmonicFrames, 1), medianFilter(mixture, p.percussiveBins, 0)};
}

SeparationResult runHpss(const SeparationInput& in, const HpssParams& params, const RunControl& control) {
    SeparationInput hp;
    hp.mixture = in.mixture;
    hp.mixtureStft = in.mixtureStft;
    hp.config = in.config;
    hp.threads = in.threads;
    hp.magnitudes = hpssMagnitudes(in.mixtureStft.abs2().sqrt(), params);
    control.checkCancel();
    return runMask(hp, MaskParams{MaskType::Ratio, params.power}, control);
}

}  // namespace phaselab::separation
