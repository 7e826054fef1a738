#pragma once
// The panning map of a stereo signal as a picture: core panningMap (energy |X_L|^2 + |X_R|^2 of
// the cells at each constant-power pan position, per frame) in dB relative to a full-scale
// sinusoid, with hard left at the top and hard right at the bottom (as the waveform lanes L over R),
// and a vertical axis labelled with the azimuth estimate panToAzimuthDegrees (loudspeakers at
// +-30 degrees). Used by the phase pane's "Panning map" view and `phaselab-cli phase --view
// panning-map`. Pure functions: any thread.

#include "core/tf/stft.h"
#include "widgets/spectrogram_image.h"

namespace phaselab {

constexpr int kPanningMapPositions = 61;  // odd: one row is centred on pan 0
constexpr double kPanningMapSpeakerDegrees = 30;

// positions x frames, dB re fullScaleMagnitude^2; rows without energy at -300 dB. Row 0 = hard right.
Magnitudes panningMapDb(const Spectrogram& left, const Spectrogram& right, float floorMagnitude, float fullScaleMagnitude);
// Pan position (-1 left .. +1 right) at the centre of a row of panningMapDb, and the row of a pan.
double panningMapRowPan(double row);
double panningMapPanRow(double pan);
// Style for renderSpectrogram / renderLabelledSpectrogram with binHz = 1: magma, 0 dB at the top of
// the colour bar, azimuth ticks every 10 degrees.
SpectrogramStyle panningMapStyle(float rangeDb);

}  // namespace phaselab
