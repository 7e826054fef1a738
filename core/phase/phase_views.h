#pragma once
// The quantities of PhaseLab's phase views, computed from an STFT block, with the value range and
// unit each is shown in. Shared by the GUI's phase pane and `phaselab-cli phase`.
//   Phase          phi in (-pi, pi] (zero-phase framing: the phase at the frame centre)
//   Centred        psi = phi - mu, mu = phi(t-1) + 2 pi hop nu (sinusoidal model, §4); (-pi, pi]
//   IfDeviation    instantaneous frequency minus the bin's centre frequency, Hz, shown +-2 bins
//   GroupDelay     -dphi/domega, ms from the frame centre, shown +- half a window
//   Kappa          local von Mises concentration of psi over (2 halfBins + 1) x (2 halfFrames + 1)
//                  neighbourhoods (default 3 bins x 5 frames), shown 0 .. 10
// Cells whose magnitude is below `floorMagnitude` become NaN (masked: the phase there is noise).
// The first column of the block has no previous frame: its centred phase and IF use mu = 0 /
// the next frame, so callers analyse one frame before the ones they show.
// Pure functions; thread-safe.

#include <string>

#include "core/tf/stft.h"

namespace phaselab {

enum class PhaseView { Phase, Centred, IfDeviation, GroupDelay, Kappa };

const char* phaseViewId(PhaseView v);             // "phase", "centred", "if", "group-delay", "kappa"
PhaseView phaseViewFromId(const std::string& id);  // InputError for an unknown id

struct PhaseViewRange {
    float low = 0, high = 1;
    std::string unit;  // "rad", "Hz", "ms", ""
    bool cyclic = false;
};
PhaseViewRange phaseViewRange(PhaseView v, const StftConfig& config, double sampleRate);

// S: bins x frames block from Stft with `config`.
struct KappaNeighbourhood {
    int halfBins = 1;    // 0 .. 64
    int halfFrames = 2;  // 0 .. 64
};
Magnitudes phaseViewValues(PhaseView v, const Spectrogram& S, const StftConfig& config, double sampleRate,
                           float floorMagnitude, KappaNeighbourhood kappa = {});

}  // namespace phaselab
