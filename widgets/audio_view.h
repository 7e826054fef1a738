#pragma once
// The stacked panes of one audio file sharing one ViewManager: overview strip, time ruler,
// waveform and spectrogram (resizable split), with a message banner on top for loading notes and
// errors (never a modal dialog). Setting the audio starts the background work (mono mix-down,
// waveform summary, spectrogram levels); ready() is emitted once the spectrogram of the current
// view is shown.

#include <QLabel>
#include <QSplitter>
#include <QWidget>
#include <memory>

#include "core/io/audio.h"
#include "widgets/spectrogram_pane.h"
#include "widgets/waveform_pane.h"

namespace phaselab {

class AudioView : public QWidget {
    Q_OBJECT
public:
    explicit AudioView(QWidget* parent = nullptr);
    ~AudioView() override;

    // Shows `audio` (any channel count; panes show the mono mix). nullptr clears the view.
    void setAudio(std::shared_ptr<const Audio> audio);
    std::shared_ptr<const Audio> audio() const { return audio_; }

    ViewManager* view() const { return view_; }
    SpectrogramPane* spectrogram() const { return spectrogram_; }
    WaveformPane* waveform() const { return waveform_; }
    OverviewStrip* overview() const { return overview_; }
    TimeRuler* ruler() const { return ruler_; }

    enum class MessageKind { Info, Warning, Error };
    void showMessage(const QString& text, MessageKind kind = MessageKind::Info);
    void clearMessage();
    QString messageText() const;  // empty when no banner is shown

    // True when audio is set, the waveform is ready and the spectrogram shows the current view.
    bool isReady() const;
    // Adds a further time-aligned pane (e.g. a phase view, a TimePane on view()) under the
    // spectrogram in the resizable split.
    void addPane(QWidget* pane, int stretch = 3);
    // Saves what the spectrogram pane shows (with its frequency axis) as PNG; false on failure.
    bool exportSpectrogramPng(const QString& path) const;

signals:
    void ready();
    void audioChanged(std::shared_ptr<const phaselab::Audio> audio);  // setAudio() was called
    // The mono signal every pane shows (the file's channel or its mixdown), once per setAudio().
    void monoReady(std::shared_ptr<const Eigen::ArrayXf> mono, double sampleRate);

private:
    ViewManager* view_;
    QLabel* banner_;
    OverviewStrip* overview_;
    TimeRuler* ruler_;
    WaveformPane* waveform_;
    SpectrogramPane* spectrogram_;
    QSplitter* splitter_;
    std::shared_ptr<const Audio> audio_;
    quint64 generation_ = 0;
};

}  // namespace phaselab
