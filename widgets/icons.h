#pragma once
// Toolbar icons drawn with QPainter (crisp at any size, no image plugin needed), and the
// application icon.

#include <QIcon>

namespace phaselab {

enum class IconId { Open, Play, Pause, Stop, Loop, ZoomIn, ZoomOut, ZoomFit, ZoomSelection, Export, Demo };

QIcon makeIcon(IconId id, const QColor& colour = QColor(214, 220, 230));
QImage appIconImage(int size);  // waveform over a spectrogram-coloured square
QIcon appIcon();

}  // namespace phaselab
