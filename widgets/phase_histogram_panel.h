#pragma once
// Phase histograms of a time-frequency region (the selection, or the whole signal) with the
// uniform density and the von Mises maximum-likelihood fit overlaid (Qt Charts): one chart for
// the raw phase phi (fit with unknown mean) and one for the centred phase psi = phi - mu (mean 0),
// each with kappa, the mean resultant length, the Kullback-Leibler divergences of the histogram
// from both models and the Rayleigh test of uniformity. For a stereo (or multichannel) signal a
// third chart shows the inter-channel phase difference of channels 1 and 2 over the same region,
// weighted by |X_L| |X_R|, with its von Mises fit (kappa: how coherent the stereo image is there).
// Computed in the background; a new region or setting cancels the previous computation.
// GUI-thread widget.

#include <QFutureWatcher>
#include <QWidget>
#include <atomic>
#include <memory>

#include "core/io/audio.h"
#include "core/phase/phase_statistics.h"

class QChartView;
class QLabel;

namespace phaselab {

class PhaseHistogramPanel : public QWidget {
    Q_OBJECT
public:
    explicit PhaseHistogramPanel(QWidget* parent = nullptr);
    ~PhaseHistogramPanel() override;

    void setSignal(std::shared_ptr<const Eigen::ArrayXf> mono, double sampleRate);
    // The channels behind that signal: with two or more, the IPD chart of channels 1 and 2 is
    // shown (and hidden for nullptr or a mono signal). Takes effect with the next setSignal().
    void setChannels(std::shared_ptr<const Audio> audio);
    void setStftConfig(const StftConfig& config);
    // Region in seconds and Hz; end <= start means "to the end", fmax <= fmin "to Nyquist".
    void setRegion(double start, double end, double fminHz, double fmaxHz);
    void setRangeDb(float rangeDb);

    bool isComputing() const { return running_; }
    bool hasResult() const { return bool(result_); }
    const PhaseHistograms* result() const { return result_.get(); }
    const PhaseHistogram* ipdResult() const { return ipd_.get(); }  // null without two channels
    QString summaryText() const;  // the figures line under the charts
    // CSV: bin centre (rad), raw density, raw von Mises density, centred density, centred von Mises
    // density, uniform density (and IPD density, IPD von Mises density for two channels); the fits
    // in a comment line. False without a result.
    bool exportCsv(const QString& path) const;
    bool exportPng(const QString& path);  // the two charts and the figures, as shown

signals:
    void computed();

private:
    struct Request {
        std::shared_ptr<const Eigen::ArrayXf> signal;
        std::shared_ptr<const Audio> channels;  // two or more channels, or null
        double sampleRate = 0;
        StftConfig config{WindowType::Hann, 1024, 256};
        double start = 0, end = 0, fmin = 0, fmax = 0;
        float rangeDb = 40;
    };
    struct Outcome {
        std::shared_ptr<PhaseHistograms> histograms;
        std::shared_ptr<PhaseHistogram> ipd;
        QString error;
    };
    void schedule();
    void show(const PhaseHistograms& h);

    Request request_;
    QFutureWatcher<Outcome>* watcher_;
    std::shared_ptr<std::atomic<bool>> cancel_;
    bool running_ = false, pending_ = false;
    std::shared_ptr<PhaseHistograms> result_;
    std::shared_ptr<PhaseHistogram> ipd_;
    QChartView* raw_;
    QChartView* centred_;
    QChartView* ipdChart_;
    QLabel* status_;
};

}  // namespace phaselab
