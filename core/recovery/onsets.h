#pragma once
// Onset frames from a magnitude spectrogram (shared algorithms.md §4.2): a banded spectral-flux
// novelty curve after the modified Tempogram-toolbox detector of Magron's PU code.
//
// Steps: normalise V by its maximum and floor at -74 dB; five bands [0, 500), [500, 1250),
// [1250, 3125), [3125, 7812.5), [7812.5, fs/2] Hz (bin = round(f Nfft / fs), 0-based); per band
// log compression log(1 + 1000 x) / log(1001), a Hann-weighted differentiator of
// n_d = 2 round(max(ceil(0.3 s fs / hop), 5) / 2) + 1 frames applied by correlation along time
// with edge replication, half-wave rectification, sum over the band's bins, division by a 5 s
// Hann-weighted moving average of the band's compressed energy; the mean of the five band curves
// minus its 1.5 s Hann-weighted local average, half-wave rectified, is the novelty. Onsets are its
// local maxima of at least minRelativeHeight times its maximum.
// Frame alignment: for a step onset the flagged frame is the one at or one before the frame
// centred on the onset (±1 frame; the MATLAB original's exact alignment is unverified).
// Thread-safety: pure functions. Cost O(F T + T n_d).

#include <Eigen/Core>
#include <vector>

#include "core/tf/stft.h"

namespace phaselab::recovery {

struct OnsetParams {
    double sampleRate = 44100;       // Hz
    double minRelativeHeight = 0.1;  // of the novelty maximum
};

struct Onsets {
    Eigen::ArrayXd novelty;     // one value per frame, >= 0
    std::vector<bool> isOnset;  // one flag per frame
    std::vector<int> frames;    // indices of the flagged frames, increasing
};

// V: bins x frames magnitudes of `config`. InputError for NaN/negative values or a bad rate.
Onsets detectOnsets(const Magnitudes& V, const StftConfig& config, const OnsetParams& params = {});

}  // namespace phaselab::recovery
