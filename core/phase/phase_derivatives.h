#pragma once
// Time and frequency derivatives of the STFT phase, for the instantaneous-frequency and
// group-delay views. Inputs are spectrograms from phaselab::Stft (bins x frames).
//
// Instantaneous frequency (Hz): IF(f,t) = (f/Nfft + wrap(phi(f,t) - phi(f,t-1) - 2 pi hop f/Nfft)
//   / (2 pi hop)) * sampleRate, the principal value around the bin's centre frequency. It is
//   unambiguous for deviations below sampleRate / (2 hop) (two bins at 75 % overlap). Frame 0
//   uses the forward difference to frame 1.
// Group delay (ms): GD(f,t) = -dphi/domega by the finite difference of the phase across bins,
//   -wrap(phi(f+1,t) - phi(f,t)) * Nfft / (2 pi) samples, converted to ms (the last bin uses the
//   backward difference). With zero-phase framing (the Stft default) it is measured from the
//   frame centre: an impulse d samples after the centre reads d / sampleRate * 1000 ms.
// Pure functions; thread-safe.

#include "core/tf/stft.h"

namespace phaselab {

Magnitudes instantaneousFrequencyHz(const Spectrogram& S, int hop, int fftSize, double sampleRate);
Magnitudes groupDelayMs(const Spectrogram& S, int fftSize, double sampleRate);

}  // namespace phaselab
