#pragma once
// The stacked panes of one audio file sharing one ViewManager: overview strip, time ruler,
// waveform and spectrogram (resizable split), with a message banner on top for loading notes and
// errors (never a modal dialog). Setting the audio starts the background work (the viewed signal,
// waveform summaries, spectrogram levels); ready() is emitted once the spectrogram of the current
// view is shown.
// Multichannel audio: the waveform shows every channel in its own lane; the spectrogram (and every
// pane fed by monoReady) shows the chosen channel view — the mix (mean of the channels, the
// default), left, right, mid (L + R) / 2 or side (L - R) / 2 for stereo, one channel by number, or
// each channel stacked — chosen in the "Channel" box above the panes (hidden for mono files).
// Stacked: the spectrogram pane shows the first channel and one more spectrogram pane per further
// channel follows its STFT setting, colours and levels (each labelled L, R or its number);
// monoReady carries the first channel and channelsReady every channel, for panes that stack too.

#include <QComboBox>
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

    // Shows `audio` (any channel count). nullptr clears the view. Keeps the channel view when the
    // new audio offers it, else goes back to the mix.
    void setAudio(std::shared_ptr<const Audio> audio);
    // The channel view, as core channelView() names it: "mono" (the mix), "left", "right", "mid",
    // "side" or a 1-based channel number, or "stacked" (each channel). setChannelView() ignores a
    // view the audio does not offer.
    QString channelView() const;
    void setChannelView(const QString& view);
    QComboBox* channelBox() const { return channel_; }
    std::shared_ptr<const Audio> audio() const { return audio_; }

    ViewManager* view() const { return view_; }
    SpectrogramPane* spectrogram() const { return spectrogram_; }
    // Stacked view: the spectrogram panes of the channels after the first (empty otherwise).
    const std::vector<SpectrogramPane*>& channelSpectrograms() const { return channelSpectrograms_; }
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
    // Saves what the spectrogram pane shows (with its frequency axis; stacked: every channel's pane)
    // as PNG; false on failure.
    bool exportSpectrogramPng(const QString& path) const;

signals:
    void ready();
    void audioChanged(std::shared_ptr<const phaselab::Audio> audio);  // setAudio() was called
    // The one signal every pane shows (the chosen channel view), once per setAudio() and per
    // change of the channel view.
    void monoReady(std::shared_ptr<const Eigen::ArrayXf> mono, double sampleRate);
    // Just before monoReady: each channel and its short name ("L", "R", "3") in the stacked view;
    // empty vectors in every other view.
    void channelsReady(std::vector<std::shared_ptr<const Eigen::ArrayXf>> channels, QStringList names, double sampleRate);

private:
    void prepare();
    void setChannelSpectrograms(const std::vector<std::shared_ptr<const WaveformData>>& lanes, const QStringList& names);

    ViewManager* view_;
    QLabel* banner_;
    QWidget* channelRow_;
    QComboBox* channel_;
    OverviewStrip* overview_;
    TimeRuler* ruler_;
    WaveformPane* waveform_;
    SpectrogramPane* spectrogram_;
    QSplitter* spectrograms_;  // spectrogram_ and channelSpectrograms_
    std::vector<SpectrogramPane*> channelSpectrograms_;
    QSplitter* splitter_;
    std::shared_ptr<const Audio> audio_;
    quint64 generation_ = 0;
};

}  // namespace phaselab
