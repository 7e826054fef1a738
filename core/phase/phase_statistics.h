#pragma once
// Statistics of STFT phases for the phase-analysis views (shared algorithms.md §4, §6):
// histograms of the raw phase phi and of the centred phase psi = phi - mu (mu from the
// sinusoidal model, sinusoidal::centredPhase) over a time-frequency region, with the von Mises
// ML fit and goodness-of-fit figures; and a local concentration ("kappa") map.
// Only bins whose level is within `rangeDb` of the region's maximum count: elsewhere the phase of
// an STFT is noise-dominated and says nothing about the signal.
// Overlapping frames share samples, so even white noise shows some frame-to-frame coherence of the
// centred phase: its kappa is about 0.7 at 75 % overlap (Hann), 0.15 at 50 %; the raw phase of
// noise is uniform (kappa ~ 0) at any overlap. A stationary sinusoid gives kappa > 10 around its
// partial.
// Pure functions; thread-safe. Angles in radians, (-pi, pi].

#include <Eigen/Core>
#include <vector>

#include "core/common/progress.h"
#include "core/phase/von_mises.h"
#include "core/tf/stft.h"

namespace phaselab {

struct PhaseRegion {
    Eigen::Index firstFrame = 0, lastFrame = -1;  // inclusive; lastFrame < 0 means the last frame
    Eigen::Index firstBin = 0, lastBin = -1;      // inclusive; lastBin < 0 means the last bin
    float rangeDb = 40;  // keep bins within this many dB of the region's loudest bin
};

struct PhaseHistogram {
    std::vector<double> centres;    // bin centres (radians)
    std::vector<double> density;    // normalised so that sum(density) * width = 1
    double width = 0;               // histogram bin width (radians)
    vonmises::Fit fit;              // von Mises ML fit of the samples
    double uniformDensity = 0;      // 1 / (2 pi)
    // Goodness of fit: Kullback-Leibler divergence (nats) of the histogram from each model;
    // smaller is better. klVonMises <= klUniform up to binning.
    double klVonMises = 0, klUniform = 0;
    // Rayleigh test of uniformity: p-value (small p: the phases are not uniform).
    double rayleighP = 1;
};

struct PhaseHistograms {
    PhaseHistogram raw;       // phi, fit with unknown location
    PhaseHistogram centred;   // psi, fit with the location known to be 0
    std::int64_t samples = 0; // bins that passed the level threshold
};

// Histograms (bins >= 8) of phi and psi over `region` of S (psi from the sinusoidal model with
// this hop and FFT size). InputError for an empty region or one without any bin above the floor.
PhaseHistograms phaseHistograms(const Spectrogram& S, int hop, int fftSize, const PhaseRegion& region, int bins = 72);

// The same histograms of the STFT of x (frames and bins of `region`, in x's STFT), computed 256
// frames at a time: memory O(bins x 256) whatever the length (a whole 10-minute file included),
// for two STFT passes of the region (the level floor needs the region's peak first). Equal to
// phaseHistograms(Stft(config).analyse(x), ...). Cancellable (Cancelled) and reports progress.
PhaseHistograms phaseHistogramsOfSignal(const Eigen::Ref<const Eigen::ArrayXf>& x, const StftConfig& config,
                                        const PhaseRegion& region, int bins = 72, const RunControl& run = {});

// Histogram (bins >= 8) of the inter-channel phase difference IPD = arg(X_L conj X_R) of two
// channels of one length over `region` (core/phase/inter_channel.h), each cell weighted by
// |X_L| |X_R|, keeping the cells within region.rangeDb of the region's largest |X_L| |X_R| (a
// power: 10 log10), with the weighted von Mises fit (unknown location: mu is the mean IPD, kappa
// says how coherent the stereo image is): the cells, weights and fit of interChannelPhaseFit, 256
// frames at a time. The Rayleigh test takes the number of cells as n. InputError if the region is
// empty or silent in a channel. Cancellable (Cancelled) and reports progress.
PhaseHistogram interChannelPhaseHistogram(const Eigen::Ref<const Eigen::ArrayXf>& left, const Eigen::Ref<const Eigen::ArrayXf>& right,
                                          const StftConfig& config, const PhaseRegion& region, int bins = 72,
                                          const RunControl& run = {});

// Local concentration of the centred phase: for every (f,t), kappa = A^-1(mean cos psi) over the
// (2*halfBins+1) x (2*halfFrames+1) neighbourhood, counting only bins within rangeDb of the
// file's loudest bin. NaN where fewer than minCount bins qualify. Cost O(F T) (box sums).
Magnitudes kappaMap(const Magnitudes& centredPhase, const Magnitudes& magnitude, int halfBins = 1, int halfFrames = 2,
                    float rangeDb = 60, int minCount = 3);

// Fast A^-1 for maps: table lookup with linear interpolation (relative error < 1e-4 for
// kappa < 500), clamped to [0, 1000].
double kappaFromMeanResultantFast(double r);

}  // namespace phaselab
