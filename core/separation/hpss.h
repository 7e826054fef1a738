#pragma once
// Harmonic/percussive separation by median filtering (Fitzgerald 2010), a blind two-source
// baseline. From the mixture magnitude |X| (bins x frames):
//   harmonic   H = median of |X| over `harmonicFrames` frames (along time, per bin),
//   percussive P = median of |X| over `percussiveBins` bins (along frequency, per frame),
// with symmetric (half-sample) reflection at the edges, as scipy.ndimage.median_filter's "reflect".
// hpssMagnitudes returns {H, P}: magnitude estimates for the other algorithms. runHpss applies the
// soft mask H^p / (H^p + P^p) (p = `power`, 2 = Wiener) to X; the two outputs sum to X.
// Cost O(F T (h + p)) (nth_element per bin), no FFT except the final inverse STFTs.

#include "core/common/description.h"
#include "core/separation/separation.h"

namespace phaselab::separation {

struct HpssParams {
    int harmonicFrames = 17;  // odd, >= 1
    int percussiveBins = 17;  // odd, >= 1
    double power = 2.0;       // soft-mask exponent
};

const AlgorithmDescription& hpssDescription();  // "hpss"
HpssParams hpssParams(const ParamValues& values);

std::vector<Magnitudes> hpssMagnitudes(const Magnitudes& mixture, const HpssParams& params = {});
// in.magnitudes is ignored (may be empty): the magnitudes come from the mixture.
SeparationResult runHpss(const SeparationInput& in, const HpssParams& params, const RunControl& control = {});

// Median filter of length n (odd) along the rows (axis 1 = time) or the columns (axis 0 = frequency).
Magnitudes medianFilter(const Magnitudes& m, int n, int axis);

}  // namespace phaselab::separation
