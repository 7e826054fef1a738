#pragma once
// Multichannel Wiener filter with spatial covariance matrices estimated by EM (Duong, Vincent &
// Gribonval 2010, full-rank local Gaussian model), with the conventions of norbert's wiener()
// (sigsep/norbert, the post-filter Open-Unmix uses; issue 14):
//  - start: y_j = V_j / (eps + sum_k V_k) · X in each channel ("soft mask"; V_j as given, not
//    squared), or with softmask = false V_j with the mixture's phase. iterations = 0 returns it.
//  - otherwise X and the start are divided by s = max(1, max |X| / 10) and `iterations` EM steps
//    follow, each from the previous estimates y:
//      v_j(f,t) = mean over channels of |y_j(f,t,c)|^2              (power spectral density)
//      R_j(f)   = sum_t y_j y_j^H / (eps + sum_t v_j(f,t))           (spatial covariance, C x C)
//      C_x(f,t) = sum_j v_j(f,t) R_j(f) + sqrt(eps) I
//      y_j(f,t) = v_j(f,t) R_j(f) C_x(f,t)^-1 x(f,t)                 (posterior mean)
//    with C_x^-1 = 1 / (c + eps) for one channel, the closed form for two, and the pseudo-inverse
//    (singular values below eps · the largest dropped) beyond; the result is multiplied by s.
// eps defaults to the double epsilon (norbert's for a complex128 mixture). Computation in double,
// storage float. Memory: the estimates (J C spectrograms) plus v (J bins x frames doubles).
// Cost per EM step O(J F T C^2 + F T C^3). Progress per iteration, cancel checked per frame block.

#include <limits>
#include <vector>

#include "core/common/description.h"
#include "core/common/progress.h"
#include "core/separation/magnitudes.h"
#include "core/tf/stft.h"

namespace phaselab::separation {

struct McWienerParams {
    int iterations = 1;  // EM steps, 0 .. 1000
    bool softmask = true;
    double eps = std::numeric_limits<double>::epsilon();
};

// "mc-wiener": iterations, start (softmask | phase).
const AlgorithmDescription& mcWienerDescription();
McWienerParams mcWienerParamsFrom(const ParamValues& values);

// mixture: C >= 1 channel STFTs of equal shape. magnitudes[j]: source j's magnitude per channel
// (C spectrograms) or one for every channel. Returns images[j][c], the STFT of source j in channel
// c. InputError for mismatched shapes, negative or non-finite magnitudes, no sources, or parameters
// out of range.
std::vector<std::vector<Spectrogram>> multichannelWiener(const std::vector<Spectrogram>& mixture,
                                                         const std::vector<std::vector<Magnitudes>>& magnitudes,
                                                         const McWienerParams& params, const RunControl& control = {});

constexpr int kMcWienerMaxChannels = 8;

// The per-channel source magnitudes, made channel by channel as the one-channel pipeline makes them:
// oracle (|STFT| of each reference's channel; a silent reference refused), files (of each stem's,
// silence allowed), nmf (supervised NMF of each mixture channel, dictionaries learned on that channel
// of the references), hpss (harmonic and percussive of each mixture channel). X: the mixture's channel
// STFTs; sourceSignals: the references or stems (samples x C, or mono for every channel; unused by hpss).
// Returns magnitudes[j][c]. InputError for what a source lacks or mismatched shapes.
std::vector<std::vector<Magnitudes>> channelMagnitudes(const std::vector<Spectrogram>& X, MagnitudeSource source,
                                                       const std::vector<Eigen::ArrayXXf>& sourceSignals, const StftConfig& config,
                                                       const nmf::SupervisedNmfParams& nmf = {}, const RunControl& control = {},
                                                       int threads = 1);

// The same on signals, as `separate --method mc-wiener`, the GUI, experiments and batches run it:
// mixture (frames x C, 1 <= C <= kMcWienerMaxChannels), the magnitudes from `source` and `sourceSignals` as
// channelMagnitudes makes them (NMF: the first half of the progress). Returns each source's image
// (frames x C), synthesised with the least-squares inverse STFT; firstChannelStfts, if given, receives
// each image's STFT in channel 1. InputError for mismatched lengths or channels.
std::vector<Eigen::ArrayXXf> multichannelWienerImages(const Eigen::ArrayXXf& mixture, MagnitudeSource source,
                                                      const std::vector<Eigen::ArrayXXf>& sourceSignals, const StftConfig& config,
                                                      const McWienerParams& params, const nmf::SupervisedNmfParams& nmf = {},
                                                      const RunControl& control = {}, int threads = 1,
                                                      std::vector<Spectrogram>* firstChannelStfts = nullptr);
// Magnitudes from `sources` (the images, or stems): |STFT| per channel, silence allowed.
inline std::vector<Eigen::ArrayXXf> multichannelWienerImages(const Eigen::ArrayXXf& mixture, const std::vector<Eigen::ArrayXXf>& sources,
                                                             const StftConfig& config, const McWienerParams& params,
                                                             const RunControl& control = {}, int threads = 1) {
    return multichannelWienerImages(mixture, MagnitudeSource::Files, sources, config, params, {}, control, threads);
}

}  // namespace phaselab::separation
