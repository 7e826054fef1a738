#pragma once
// PhaseLab's look: Fusion style with a dark palette that suits spectrogram colour maps.
class QApplication;
namespace phaselab {
void applyTheme(QApplication& app);
}
