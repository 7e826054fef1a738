#pragma once
// Inter-channel phase and level of a stereo signal (issue 14), from the STFTs of its left and right
// channels (same config; the zero-phase STFT, so a delay shows as a phase slope over frequency):
//   IPD(f,t) = arg(X_L conj(X_R)) in (-pi, pi]. A right channel delayed by d samples gives
//              IPD = 2 pi m d / Nfft at bin m: positive when the right channel lags.
//   ILD(f,t) = 20 log10(|X_L| / |X_R|) dB: positive when the left channel is louder.
//   pan(f,t) = (4 / pi) atan(|X_R| / |X_L|) - 1 in [-1, 1] (-1 left, +1 right): the position that
//              the constant-power pan law g_L = cos(theta), g_R = sin(theta), theta = (pan + 1) pi / 4
//              gives for this level difference.
// Cells where either channel is below `floorMagnitude` are NaN (masked). Pure functions; thread-safe.

#include <vector>

#include "core/phase/von_mises.h"
#include "core/tf/stft.h"

namespace phaselab {

Magnitudes interChannelPhase(const Spectrogram& left, const Spectrogram& right, float floorMagnitude);
Magnitudes interChannelLevel(const Spectrogram& left, const Spectrogram& right, float floorMagnitude);
Magnitudes panPosition(const Spectrogram& left, const Spectrogram& right, float floorMagnitude);

// The delay d (samples, positive: the right channel later, |d| <= maxDelay) whose phase slope best
// explains the IPD: d maximising |sum w e^{i (IPD - 2 pi m d / Nfft)}| with w = |X_L| |X_R| over
// every cell (a cross-correlation of the phase-transformed spectra, immune to wrapping); 0.01-sample
// grid. InputError for mismatched shapes or silence.
double interChannelDelay(const Spectrogram& left, const Spectrogram& right, int fftSize, double maxDelay);

// Panning map: for each frame, the energy |X_L|^2 + |X_R|^2 of the cells whose pan falls in each
// of `positions` equal intervals of [-1, 1] (row 0: hard left): positions x frames. Cells below
// the floor in both channels are left out.
Magnitudes panningMap(const Spectrogram& left, const Spectrogram& right, int positions, float floorMagnitude);

// Azimuth estimate of a pan position: the direction a listener hears between two loudspeakers at
// +-speakerDegrees under the tangent law, tan(az) = tan(speaker) (g_R - g_L) / (g_R + g_L), with the
// constant-power gains above; this gives az = atan(tan(speaker) tan(pi pan / 4)). Degrees, negative
// left; pan -1, 0, +1 give -speaker, 0, +speaker. azimuthToPan is the inverse (|az| <= speaker).
double panToAzimuthDegrees(double pan, double speakerDegrees = 30);
double azimuthToPan(double azimuthDegrees, double speakerDegrees = 30);

// Von Mises fit of the IPD over frames [firstFrame, lastFrame] and bins [firstBin, lastBin]
// (inclusive; negative last = to the end), cells within rangeDb of the region's loudest (by
// |X_L| |X_R|), weighted by |X_L| |X_R|. kappa says how coherent the stereo image is there.
vonmises::Fit interChannelPhaseFit(const Spectrogram& left, const Spectrogram& right, Eigen::Index firstFrame,
                                   Eigen::Index lastFrame, Eigen::Index firstBin, Eigen::Index lastBin, float rangeDb);

}  // namespace phaselab
