#pragma once
// Sinusoidal phase model (shared algorithms.md §4.1): per-frame peak picking, quadratic
// interpolation of the log-magnitude peak (QIFFT), regions of influence, and phase unwrapping
//   mu(f,t) = phi(f,t-1) + 2 pi hop k(f,t) / Nfft,
// with k(f,t) the refined frequency, in bins, of the partial whose region contains bin f.
// The sign is plus: with phaselab::Stft (either zeroPhase setting) a stationary sinusoid
// advances its phase by +2 pi hop nu per frame.
// All functions are pure and thread-safe. Cost O(F) per frame.

#include <Eigen/Core>
#include <vector>

#include "core/tf/stft.h"

namespace phaselab::sinusoidal {

struct Peak {
    int bin = 0;              // integer bin of the local maximum
    float refinedBin = 0;     // bin + QIFFT offset in (-1/2, 1/2)
    float amplitude = 0;      // magnitude at `bin`
};

struct PeakOptions {
    // Peaks lower than this fraction of the frame's maximum are ignored (0.01 = -40 dB).
    float minRelativeHeight = 0.01f;
};

// Local maxima of one magnitude column (bins 1 .. F-2; a flat top counts once, at its first
// bin), at least minRelativeHeight * max, with their QIFFT-refined positions.
std::vector<Peak> findPeaks(const Eigen::Ref<const Eigen::ArrayXf>& magnitude, const PeakOptions& options = {});

// For each bin of one column, the refined frequency (in bins) of the peak whose region of
// influence contains it (magnitude-weighted boundaries, §4.1 step 3). A column without peaks
// gives k(f) = f.
void binFrequencies(const Eigen::Ref<const Eigen::ArrayXf>& magnitude, Eigen::Ref<Eigen::ArrayXf> out,
                    const PeakOptions& options = {});
// The same two without allocating once `peaks` has room for the column's peaks (F / 2): for
// real-time use (the live mode's online MISI).
void findPeaks(const Eigen::Ref<const Eigen::ArrayXf>& magnitude, const PeakOptions& options, std::vector<Peak>& peaks);
void binFrequencies(const Eigen::Ref<const Eigen::ArrayXf>& magnitude, Eigen::Ref<Eigen::ArrayXf> out,
                    const PeakOptions& options, std::vector<Peak>& peaks);
// The same for every frame: bins x frames, in bins.
Eigen::ArrayXXf binFrequencies(const Magnitudes& magnitudes, const PeakOptions& options = {});

// Phase unwrapping of a whole spectrogram from its magnitudes (§4): frame 0 takes
// initialPhase(:,0); every later frame t takes initialPhase(:,t) if restart[t] (an onset),
// otherwise phi(:,t-1) + 2 pi hop k(:,t) / Nfft. Result wrapped to (-pi, pi].
// restart may be empty (no onsets). initialPhase must be bins x frames.
Magnitudes unwrapPhase(const Magnitudes& magnitudes, const Magnitudes& initialPhase, int hop, int fftSize,
                       const std::vector<bool>& restart = {}, const PeakOptions& options = {});

// Centred (demodulated) phase psi = wrap(phi(f,t) - mu(f,t)) with mu from the observed phase
// of the previous frame, mu(f,t) = phi(f,t-1) + 2 pi hop k(f,t) / Nfft; mu = 0 in frame 0
// (§6). Values in (-pi, pi].
Magnitudes centredPhase(const Spectrogram& S, int hop, int fftSize, const PeakOptions& options = {});

// Wraps radians to (-pi, pi].
inline float wrapPhase(float x) {
    constexpr float twoPi = 6.283185307179586f;
    x = x - twoPi * std::floor((x + 3.141592653589793f) / twoPi);
    return x <= -3.141592653589793f ? x + twoPi : x;
}

}  // namespace phaselab::sinusoidal
