#pragma once
// Side panel with the settings of a SpectrogramPane and its ViewManager's frequency axis:
// frequency scale and shown range (vertical zoom), level range (top and range in dB), colour map
// with a colour bar, and the STFT (window type, window length, hop, FFT size). STFT changes
// restart the pane's background computation; the others only re-render.

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QWidget>

#include "widgets/spectrogram_pane.h"

namespace phaselab {

class ColorBar : public QWidget {
    Q_OBJECT
public:
    explicit ColorBar(QWidget* parent = nullptr);
    void setStyle(const SpectrogramStyle& style);
    QSize sizeHint() const override { return {240, 46}; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    SpectrogramStyle style_;
};

class SpectrogramControls : public QWidget {
    Q_OBJECT
public:
    SpectrogramControls(SpectrogramPane* pane, QWidget* parent = nullptr);

    QComboBox* scaleBox() const { return scale_; }
    QComboBox* colormapBox() const { return colormap_; }
    QDoubleSpinBox* topDbBox() const { return topDb_; }
    QDoubleSpinBox* rangeDbBox() const { return rangeDb_; }

private:
    void syncFromView();
    void applyLevels();
    void applyStft();

    SpectrogramPane* pane_;
    QComboBox *scale_, *colormap_, *window_, *length_, *hop_, *fft_;
    QDoubleSpinBox *minHz_, *maxHz_, *topDb_, *rangeDb_;
    ColorBar* bar_;
    QLabel* status_;
    bool syncing_ = false;
};

}  // namespace phaselab
