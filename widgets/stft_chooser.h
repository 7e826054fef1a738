#pragma once
// A compact STFT setting chooser for analysis panels: Hann window length (256 .. 8192 samples)
// and hop (1/2, 1/4, 1/8 of the window, shown with the overlap). GUI-thread widget.

#include <QWidget>

#include "core/tf/stft.h"

class QComboBox;

namespace phaselab {

class StftChooser : public QWidget {
    Q_OBJECT
public:
    explicit StftChooser(QWidget* parent = nullptr);
    StftConfig config() const;
    // Selects the closest offered window and hop.
    void setConfig(const StftConfig& config);

signals:
    void changed();

private:
    void refillHops();
    QComboBox* window_;
    QComboBox* hop_;
};

}  // namespace phaselab
