#pragma once
// Phase-gradient estimates from the log-magnitude for PGHI (shared algorithms-online.md §1.3–§1.4,
// §1.7), whole-spectrogram and frame by frame (the live mode's RTPGHI reuses the per-frame forms).
//
// Convention. PhaseLab's zero-phase STFT (StftConfig::zeroPhase, the default; core/tf/stft.h) is
// the "timeinv" phase of the PGHI literature term for term: frame t is centred on sample t*hop and
// rotated so its centre is FFT index 0. Nothing is converted; with a = hop, M = fft() (the FFT size,
// not the window length when zero-padding), gl = windowLength, l = log-magnitude:
//   time direction (radians per hop), bins m = 1 .. F-2 (0 at DC and Nyquist):
//     tgrad(m,n) = (a M / (2 gamma)) (l(m+1,n) - l(m-1,n))  +  2 pi a m / M
//   frequency direction (radians per bin), centred over frames n-1 .. n+1:
//     fgrad(m,n) = -(gamma / (2 a M)) (l(m,n+1) - l(m,n-1))
//   first / last frame: one-sided, -(gamma / (a M)) (l(m,1) - l(m,0)) and the same at the end
//   (PhaseLab's frames are zero-padded, not circular); causal (no future frame):
//     fgrad(m,n) = -(gamma / (2 a M)) (3 l(m,n) - 4 l(m,n-1) + l(m,n-2)).
// A stationary sinusoid at nu cycles/sample advances its phase by +2 pi hop nu per frame (tgrad at
// its peak); an impulse d samples after a frame centre has phase slope -2 pi d / M per bin (fgrad).
// The time gradient is stored WITHOUT its linear term 2 pi a m / M: that term is added, wrapped
// once per bin in double (timeGradientLinearTerm), when integrating, so float storage never holds
// the large unwrapped values of the top bins.
// gamma (samples^2) is the constant of the Gaussian exp(-pi l^2 / gamma) that best fits the window:
// gamma = C_g gl^2 with the tabulated C_g of PhaseLab's windows (windowGammaConstant), or fitted
// for any other window (fittedGammaConstant, the "findbestgauss" fit of §1.3).
// Thread-safety: pure functions.

#include <Eigen/Core>

#include "core/tf/stft.h"

namespace phaselab::recovery {

// C_g of the Gaussian closest to the window (hann 0.25645, sqrt-hann 0.41532, hamming 0.29794,
// blackman 0.17954; gauss pi / (4 ln 100) = 0.17055, its own).
double windowGammaConstant(WindowType window);
// C_g fitted to an arbitrary symmetric window of gl samples peaking in its middle (>= 8 samples):
// for heights h = 0.010 .. 0.800 the Gaussian of the same full width w(h) at h; the closest one in
// l2 gives gamma = -pi w^2 / (4 ln h); returned as gamma / gl^2.
double fittedGammaConstant(const Eigen::ArrayXf& window);
// gamma = windowGammaConstant(config.window) * windowLength^2 (samples^2).
double pghiGamma(const StftConfig& config);

// l = log(max(s, floor)) elementwise (floor > 0 keeps silent bins finite).
void logMagnitude(const Magnitudes& s, float floor, Magnitudes& out);

// One frame: out(m) = (a M / (2 gamma)) (l(m+1) - l(m-1)) for m = 1 .. bins-2, 0 at both ends.
void timeGradientFrame(const float* logFrame, Eigen::Index bins, double gamma, int hop, int fft, float* out);
// princarg(2 pi a m / M) in (-pi, pi], computed in double.
double timeGradientLinearTerm(Eigen::Index bin, int hop, int fft);
// One frame from two others `span` hops apart (span 2: centred; 1: one-sided):
// out(m) = -(gamma / (span a M)) (later(m) - earlier(m)).
void frequencyGradientFrame(const float* earlier, const float* later, int span, Eigen::Index bins, double gamma, int hop,
                            int fft, float* out);
// Causal second-order form from frames n, n-1, n-2.
void causalFrequencyGradientFrame(const float* current, const float* previous, const float* beforePrevious,
                                  Eigen::Index bins, double gamma, int hop, int fft, float* out);

struct PhaseGradients {
    Magnitudes time;            // tgrad without its linear term, radians per hop (bins x frames)
    Magnitudes frequency;       // fgrad, radians per bin (bins x frames)
    Eigen::ArrayXd timeLinear;  // timeGradientLinearTerm per bin
};

// Both gradients of a whole spectrogram from its log-magnitude l (bins x frames of `config`).
PhaseGradients phaseGradients(const Magnitudes& logMagnitudes, const StftConfig& config, double gamma);

}  // namespace phaselab::recovery
