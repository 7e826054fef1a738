#pragma once
// Phase recovery on the loaded signal: takes |STFT| of the signal, throws its phase away and
// rebuilds a signal with the chosen algorithm (Griffin-Lim, fast GL, phase unwrapping, Bregman),
// in the background with progress, cancel and live convergence curves (RunPanel). Every finished
// run becomes a row of the runs table with its figures (iterations, time, spectral convergence,
// inconsistency, waveform SNR against the original); a run can be played, compared A/B with the
// original, and exported as WAV. GUI-thread widget.

#include <QWidget>
#include <memory>
#include <vector>

#include "core/common/description.h"
#include "core/io/audio.h"
#include "core/recovery/common.h"
#include "core/tf/stft.h"

class QComboBox;
class QPushButton;
class QTableWidget;

namespace phaselab {

class RunPanel;
class StftChooser;

struct RecoveryRun {
    QString label;           // "2 · Fast Griffin-Lim"
    QString algorithmId;
    ParamValues parameters;
    StftConfig config;
    std::shared_ptr<const Audio> audio;  // the rebuilt signal
    recovery::RecoveryResult result;     // figures and trace (result.signal is moved into audio)
    double snrDb = 0;
    std::shared_ptr<const Audio> input;  // the signal it was computed from
};

class RecoveryPanel : public QWidget {
    Q_OBJECT
public:
    explicit RecoveryPanel(QWidget* parent = nullptr);

    // The signal to work on; a multichannel one is recovered channel by channel (each from its own
    // magnitude; the figures are over all channels). nullptr: nothing loaded (Run disabled).
    void setSource(std::shared_ptr<const Audio> audio, const QString& name);
    StftConfig stftConfig() const;
    void setStftConfig(const StftConfig& config);

    RunPanel* runPanel() const { return run_; }
    // The runs listed. A finished run is appended and announced with runAdded(); the application
    // keeps the authoritative list in its document and replaces this one with setRuns() whenever
    // the document changes, so runs of another document are never listed. A run computed from
    // another signal than the current source is dropped.
    const std::vector<RecoveryRun>& runs() const { return runs_; }
    void setRuns(std::vector<RecoveryRun> runs);
    int selectedRun() const;
    // Writes run `index` as a float WAV (or FLAC by extension); InputError on failure.
    void exportRun(int index, const QString& path) const;

signals:
    void runAdded(int index);
    // The application plays the audio (listen) or switches A/B between it and the original (compare).
    void listenRequested(std::shared_ptr<const phaselab::Audio> audio, const QString& label);
    // The application shows the audio in its panes (spectrogram, phase).
    void viewRequested(std::shared_ptr<const phaselab::Audio> audio, const QString& label);
    void compareRequested(std::shared_ptr<const phaselab::Audio> audio, const QString& label);

private:
    void addRun(RecoveryRun run);
    void appendRow(const RecoveryRun& run);
    void rebuildRunner();
    void updateButtons();

    std::shared_ptr<const Audio> source_;
    QString sourceName_;
    RunPanel* run_;
    StftChooser* stft_;
    QTableWidget* table_;
    QPushButton* play_;
    QPushButton* show_;
    QPushButton* compare_;
    QPushButton* export_;
    std::vector<RecoveryRun> runs_;
};

}  // namespace phaselab
