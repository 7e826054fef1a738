#include "widgets/panning_map_image.h"

#include <cmath>

#include "core/phase/inter_channel.h"

namespace phaselab {

Magnitudes panningMapDb(const Spectrogram& left, const Spectrogram& right, float floorMagnitude, float fullScaleMagnitude) {
    const Magnitudes energy = panningMap(left, right, kPanningMapPositions, floorMagnitude).colwise().reverse();
    const float reference = fullScaleMagnitude * fullScaleMagnitude;
    return (energy > 0).select(10.0f * (energy / reference).log10(), -300.0f);
}

double panningMapRowPan(double row) { return 1.0 - 2.0 * (row + 0.5) / kPanningMapPositions; }

double panningMapPanRow(double pan) { return (1.0 - pan) / 2.0 * kPanningMapPositions - 0.5; }

SpectrogramStyle panningMapStyle(float rangeDb) {
    SpectrogramStyle s;
    s.axis = FrequencyAxis{FrequencyScale::Linear, -0.5, kPanningMapPositions - 0.5};
    s.topDb = 0;
    s.rangeDb = rangeDb;
    s.colormap = ColormapId::Magma;
    s.unit = "dB";
    for (int az = -30; az <= 30; az += 10) {
        const QString label = az == 0 ? QString("0°") : QString("%1° %2").arg(std::abs(az)).arg(az < 0 ? "L" : "R");
        s.rowTicks.append({panningMapPanRow(azimuthToPan(az, kPanningMapSpeakerDegrees)), label});
    }
    std::sort(s.rowTicks.begin(), s.rowTicks.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return s;
}

}  // namespace phaselab
