#pragma once
// Turning a spectrogram into pixels. Used by the interactive spectrogram pane (which renders
// in a worker thread and blits), by image export, and by `phaselab-cli spectrogram`.
// Pure functions of their inputs: safe to call from any thread (QImage, no widgets).

#include <QColor>
#include <QImage>
#include <QPainter>
#include <QString>

#include "core/tf/frequency_scale.h"
#include "core/tf/stft.h"
#include "widgets/colormap.h"

namespace phaselab {

struct SpectrogramStyle {
    FrequencyAxis axis;            // shown frequency range and scale
    float topDb = 0;               // level mapped to the top colour (dB)
    float rangeDb = 80;            // levels below topDb - rangeDb map to the bottom colour
    ColormapId colormap = ColormapId::Viridis;
    // For maps of other quantities (phase, frequency, kappa): the colour of NaN cells (masked
    // out; invalid = the lowest colour), whether zoomed-out pixels take the maximum of the cells
    // they cover (levels) or the nearest cell (phase), and the colour bar's unit.
    QColor nanColour;
    bool maxPooling = true;
    QString unit = "dB";
    // Maps of something other than frequency down the rows (the panning map): the ticks, at
    // positions in the axis' units, and their labels, drawn instead of frequency ticks.
    QList<QPair<double, QString>> rowTicks;
};

// levelsDb: bins x frames (dB). Renders frames [firstFrame, lastFrame) (fractional, the
// visible time range) into an image of `size`. Frequency of bin f is f * binHz. Each pixel
// takes the maximum over the bins/frames it covers (so thin lines stay visible when zoomed
// out) and interpolates between bins when zoomed in.
QImage renderSpectrogram(const Magnitudes& levelsDb, double firstFrame, double lastFrame, double binHz,
                         const SpectrogramStyle& style, QSize size);

// A spectrogram figure with title, time axis (s), frequency axis (Hz, ticks for the scale)
// and a colour bar in style.unit. `frameSeconds` = hop / sampleRate. Also used for any other
// bins x frames quantity (values mapped from topDb - rangeDb to topDb).
QImage renderLabelledSpectrogram(const Magnitudes& levelsDb, double binHz, double frameSeconds,
                                 const SpectrogramStyle& style, QSize size, const QString& title);

// Tick positions (Hz) suitable for an axis of the given scale and range.
QList<double> frequencyTicks(const FrequencyAxis& axis, int maxTicks);
QString formatHz(double hz);  // "440 Hz", "1.5 kHz"

// Frequency ticks and labels of `axis` in the axis column `axisRect` beside `plot` (labels that
// would overlap are skipped), with the painter's current font.
void paintFrequencyTicks(QPainter& p, const QRect& axisRect, const QRect& plot, const FrequencyAxis& axis,
                         const QColor& text);
// The same for given ticks (position in the axis' units, label).
void paintAxisTicks(QPainter& p, const QRect& axisRect, const QRect& plot, const FrequencyAxis& axis,
                    const QList<QPair<double, QString>>& ticks, const QColor& text);

}  // namespace phaselab
