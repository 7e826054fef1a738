#pragma once
// The mixer of the player's tracks (mixture, references, runs): per track a gain in dB, mute, and
// solo (the track heard alone, switched click-free); "Mix" plays every unmuted track together.
// Call refresh() when tracks are added. GUI-thread widget; the source may be read by the audio thread.

#include <QWidget>

class QTableWidget;

namespace phaselab {

class PlaybackSource;

class MixerPanel : public QWidget {
    Q_OBJECT
public:
    explicit MixerPanel(PlaybackSource* source, QWidget* parent = nullptr);
    void refresh();  // rebuilds the rows from the source's tracks

signals:
    void soloChanged(int track);  // -1: the mix of unmuted tracks

private:
    PlaybackSource* source_;
    QTableWidget* table_;
};

}  // namespace phaselab
