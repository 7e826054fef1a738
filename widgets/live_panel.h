#pragma once
// The Live mode (issue 13): the document's mixture (or an audio input device) streamed as if it were
// live through an online method — phase recovery from the magnitude stream (RTPGHI, RTISI-LA,
// GSRTISI-LA from RTPGHI) or separation (online MISI, Wiener, anisotropic Wiener) with source
// magnitudes from the document's references played in step (oracle), or from supervised NMF of the
// input with dictionaries learned on the references (off the GUI thread) — in real time, to the audio
// output when there is one. Shows the latency (samples, ms, and what it is made of), the processing
// load (time per block / block duration, last and peak), output underruns, scrolling level and phase
// strips of the input and of what is heard; switches A (the input, delayed by the latency), B (the
// processed stream) and bypass (the input undelayed) instantly; per-source gain, mute and solo;
// method, look-ahead, iterations and STFT changeable while running; "record what you hear" to a WAV.
// A multichannel file (up to stream::LiveChain::kMaxChannels channels; more: its downmix) streams
// each channel through its own engine: heard, played and recorded with its channels; the strips show
// the mean of the channels. An input device gives one channel. GUI thread only.

#include <QWidget>
#include <memory>
#include <vector>

#include "core/io/audio.h"
#include "core/stream/live_chain.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGridLayout;
class QLabel;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QTimer;

namespace phaselab {

class DictionaryLearner;
class LiveRunner;
class ScrollingTfView;
class StftChooser;

class LivePanel : public QWidget {
    Q_OBJECT
public:
    explicit LivePanel(QWidget* parent = nullptr);
    ~LivePanel() override;

    // The document's signals (a running stream stops). refs may be empty: then only RTPGHI runs.
    void setSource(std::shared_ptr<const Audio> mixture, const QString& name,
                   const std::vector<std::shared_ptr<const Audio>>& references, const QStringList& referenceNames);
    void setAudioOutputEnabled(bool enabled);  // default on; takes effect at the next start
    // The source: "" for the document's mixture played as live (the default), or the id of an audio
    // input device (QAudioDevice::id(); phase recovery, or separation with NMF magnitudes). inputIds()
    // lists what is offered.
    void selectInput(const QByteArray& deviceId);
    QList<QByteArray> inputIds() const;

    bool start();  // false (and the reason in statusText()) when it cannot run
    void stop();
    bool isRunning() const;
    // "rtpghi", "rtisi-la", "gsrtisi-la", "omisi", "wiener", "aw"; sets that method's default look-ahead
    // and iterations.
    void selectMethod(const QString& id);
    QString method() const;
    void setLookahead(int frames);
    void setIterations(int iterations);  // oMISI (-1 = 15 / (K + 1)), RTISI-LA, GSRTISI-LA
    void setNmfMagnitudes(bool nmf);      // separation magnitudes: NMF of the input, or the references
    bool nmfReady() const;                // the dictionaries for the current source and STFT are learned
    void setMonitor(stream::Monitor monitor);
    void setSourceGain(int output, double gainDb);
    void setSourceMuted(int output, bool muted);
    void setSolo(int output);  // -1: none

    void setRecording(bool on);
    // What was heard while recording, interleaved with recordingChannels() channels.
    const std::vector<float>& recording() const { return recorded_; }
    int recordingChannels() const { return recordedChannels_; }
    void saveRecording(const QString& path) const;  // float WAV, atomic; InputError on failure

    LiveRunner* runner() const { return runner_; }
    int latencySamples() const;
    QString latencyText() const;
    QString statusText() const;
    ScrollingTfView* inputLevels() const { return inputLevels_; }
    ScrollingTfView* outputLevels() const { return outputLevels_; }
    ScrollingTfView* inputPhase() const { return inputPhase_; }
    ScrollingTfView* outputPhase() const { return outputPhase_; }

signals:
    void runningChanged(bool running);

private:
    std::unique_ptr<stream::LiveChain> makeChain() const;
    std::vector<Eigen::ArrayXf> sourceSignals() const;  // channel-major (LiveRunner::FileSource)
    int streamChannels() const;  // the source's channels, or 1 (its downmix) beyond LiveChain::kMaxChannels
    void parametersChanged();
    void rebuildSourceRows();
    void updateControls();
    void updateLatency();
    void poll();
    void refreshInputs();
    bool fromDevice() const;
    void pushMix();
    void configureViews(double sampleRate);
    void began(const QString& status);  // after a start: meters, controls, signal
    int lookaheadFrames() const;
    bool separation() const;
    bool usesNmf() const;
    QString dictionaryKey() const;
    void ensureDictionaries();   // learning starts when NMF magnitudes are chosen and not learned
    void applyMethodDefaults();

    std::shared_ptr<const Audio> mixture_;
    std::vector<std::shared_ptr<const Audio>> references_;
    QStringList referenceNames_;
    QString name_;
    bool audioOutput_ = true;
    LiveRunner* runner_;
    int runningInputs_ = 0;

    QLabel* sourceLabel_;
    QComboBox* input_;
    QComboBox* method_;
    QSpinBox* lookahead_;
    QSpinBox* iterations_;
    QComboBox* magnitudes_;
    QDoubleSpinBox* kappa_;
    DictionaryLearner* learner_;
    StftChooser* stft_;
    QPushButton* startButton_;
    QRadioButton *processed_, *original_, *bypass_;
    QCheckBox* record_;
    QPushButton* saveRecording_;
    QLabel* latency_;
    QProgressBar* load_;
    QLabel* underruns_;
    QLabel* status_;
    QGridLayout* sourceRows_;
    struct SourceRow {
        QDoubleSpinBox* gain;
        QCheckBox* mute;
        QCheckBox* solo;
    };
    std::vector<SourceRow> rows_;
    ScrollingTfView *inputLevels_, *outputLevels_, *inputPhase_, *outputPhase_;
    QTimer* poll_;
    std::vector<float> recorded_;
    int recordedChannels_ = 1;
    std::vector<float> scratch_;
    QString problem_;
};

}  // namespace phaselab
