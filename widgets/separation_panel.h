#pragma once
// Source separation on the loaded mixture: choose where the source magnitudes come from (oracle
// from the references, supervised NMF trained on the references, HPSS from the mixture alone, or
// stems imported from another separator), the algorithm and its parameters (generated form), and
// run it in the background with progress, cancel and live convergence curves (RunPanel). Every
// finished run is a row of the runs table with its time and per-source SDR (BSS Eval v3 against
// the references when there are any); selecting a run shows its full metrics and per-window SDR
// (MetricsPanel); any source of a run can be played, compared A/B with its reference, or all
// sources exported. GUI-thread widget.

#include <QImage>
#include <QStringList>
#include <QWidget>
#include <memory>
#include <vector>

#include "core/common/description.h"
#include "core/io/audio.h"
#include "core/separation/separation.h"

class QChartView;
class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace phaselab {

class MetricsPanel;
class RunPanel;
class StftChooser;

struct SeparationRun {
    QString label;          // "3 · MISI (oracle)"
    QString methodId, magnitudes;
    ParamValues parameters;
    StftConfig config;
    QStringList sourceNames;
    std::vector<std::shared_ptr<const Audio>> sources;  // estimates, one per source
    std::vector<std::shared_ptr<const Spectrogram>> stfts;  // the estimates' STFTs before synthesis
    std::vector<ProgressReport> trace;
    double seconds = 0;
    // Per source (reference order); empty without references. BSS Eval v3: bss_eval_sources for mono
    // estimates, bss_eval_images for multichannel ones (isr empty for mono).
    std::vector<double> sdr, sir, sar, siSdr, isr;
    QString channelHandling;  // "per-channel", "joint" (mc-wiener), "mono-downmix", or empty for a mono mixture
    std::shared_ptr<const Audio> mixture;      // the mixture it was computed from
};

class SeparationPanel : public QWidget {
    Q_OBJECT
public:
    explicit SeparationPanel(QWidget* parent = nullptr);

    // The mixture and (optionally) its true sources, all at the mixture's rate and length, each
    // with the mixture's channels or one (a mono source serves every channel). InputError if they
    // disagree. nullptr mixture: nothing loaded. A multichannel mixture is separated channel by
    // channel into images of its channels (or its mono downmix, when the user ticks it).
    void setInputs(std::shared_ptr<const Audio> mixture, const QString& mixtureName,
                   std::vector<std::shared_ptr<const Audio>> references, const QStringList& referenceNames);
    // Stems of another separator, used with the "imported stems" magnitudes.
    void setImportedStems(std::vector<std::shared_ptr<const Audio>> stems, const QStringList& names);
    // "oracle", "nmf", "hpss" or "files".
    void setMagnitudeSource(const QString& id);
    QString magnitudeSource() const;
    // A multichannel mixture's next runs: its mono downmix (true) or channel by channel (false, the default).
    void setSeparateDownmix(bool on);
    bool separatesDownmix() const;
    StftConfig stftConfig() const;
    void setStftConfig(const StftConfig& config);

    RunPanel* runPanel() const { return run_; }
    MetricsPanel* metricsPanel() const { return metrics_; }
    // The runs listed (see RecoveryPanel::runs(): the application's document owns them and
    // replaces this list with setRuns(); a run of another mixture is dropped).
    const std::vector<SeparationRun>& runs() const { return runs_; }
    void setRuns(std::vector<SeparationRun> runs);
    int selectedRun() const;
    int barRunCount() const;  // runs shown in the bar chart
    // The figure the bar chart shows: "sdr", "sir", "sar", "si-sdr" or "isr" (multichannel images).
    void setBarMetric(const QString& id);
    QString barMetric() const;
    // The bar heights (dB) of the chart: one vector per source, one value per charted run.
    std::vector<std::vector<double>> barValues() const;
    // Writes every source of run `index` into `folder` as <source>.wav; refuses to overwrite
    // existing files (InputError naming the first one).
    QStringList exportRun(int index, const QString& folder) const;
    // Labelled image of |S_j - G(S_j)| (dBFS) for source `source` of run `index`: where the estimate's
    // spectrogram is not the STFT of any signal. Null image if the run kept no spectrograms.
    QImage inconsistencyImage(int index, int source, QSize size = {1100, 500}) const;
    // A run with another number of estimates than references (a blind HPSS run: 2 estimates, 3
    // references): each estimate is paired with a distinct reference, best correlation first, and
    // the metrics are those of the paired subset. pairing()[e] is the reference of estimate e;
    // setPairing() lets the user choose (the combo boxes under the runs do the same).
    std::vector<int> pairing() const;
    void setPairing(const std::vector<int>& referenceOfEstimate);

signals:
    void runAdded(int index);
    void listenRequested(std::shared_ptr<const phaselab::Audio> audio, const QString& label);
    // The application shows the audio in its panes (spectrogram, phase).
    void viewRequested(std::shared_ptr<const phaselab::Audio> audio, const QString& label);
    void compareRequested(std::shared_ptr<const phaselab::Audio> estimate, std::shared_ptr<const phaselab::Audio> reference,
                          const QString& label);

private:
    void rebuildRunner();
    void updateState();
    bool jointMethod() const;  // the chosen method separates the channels jointly (mc-wiener)
    void addRun(SeparationRun run);
    void appendRow(const SeparationRun& run);
    void showRun(int index);
    void updateFigureViews();  // the bar chart and the per-source column, for the chosen figure
    void showMetrics(int index);  // of run `index` against the references (paired when counts differ)

    std::shared_ptr<const Audio> mixture_;
    QString mixtureName_;
    std::vector<std::shared_ptr<const Audio>> references_, stems_;
    QStringList referenceNames_, stemNames_;
    RunPanel* run_;
    QComboBox* magnitudes_;
    QPushButton* importStems_;
    QCheckBox* downmix_;
    StftChooser* stft_;
    QLabel* inputs_;
    QTableWidget* table_;
    QComboBox* source_;
    QPushButton* play_;
    QPushButton* show_;
    QPushButton* compare_;
    QPushButton* export_;
    QPushButton* inconsistency_;
    MetricsPanel* metrics_;
    QChartView* bars_;
    QComboBox* barMetric_;
    QWidget* barsBox_;
    QWidget* pairingBox_;
    QList<QComboBox*> pairingBoxes_;
    std::vector<SeparationRun> runs_;
};

}  // namespace phaselab
