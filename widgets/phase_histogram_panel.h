#pragma once
// Phase histograms of a time-frequency region (the selection, or the whole signal) with the
// uniform density and the von Mises maximum-likelihood fit overlaid (Qt Charts): one chart for
// the raw phase phi (fit with unknown mean) and one for the centred phase psi = phi - mu (mean 0),
// each with kappa, the mean resultant length, the Kullback-Leibler divergences of the histogram
// from both models and the Rayleigh test of uniformity. Computed in the background; a new region
// or setting cancels the previous computation. GUI-thread widget.

#include <QFutureWatcher>
#include <QWidget>
#include <atomic>
#include <memory>

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
    void setStftConfig(const StftConfig& config);
    // Region in seconds and Hz; end <= start means "to the end", fmax <= fmin "to Nyquist".
    void setRegion(double start, double end, double fminHz, double fmaxHz);
    void setRangeDb(float rangeDb);

    bool isComputing() const { return running_; }
    bool hasResult() const { return bool(result_); }
    const PhaseHistograms* result() const { return result_.get(); }
    QString summaryText() const;  // the figures line under the charts
    // CSV: bin centre (rad), raw density, raw von Mises density, centred density, centred von Mises
    // density, uniform density; the fits in a comment line. False without a result.
    bool exportCsv(const QString& path) const;
    bool exportPng(const QString& path);  // the two charts and the figures, as shown

signals:
    void computed();

private:
    struct Request {
        std::shared_ptr<const Eigen::ArrayXf> signal;
        double sampleRate = 0;
        StftConfig config{WindowType::Hann, 1024, 256};
        double start = 0, end = 0, fmin = 0, fmax = 0;
        float rangeDb = 40;
    };
    struct Outcome {
        std::shared_ptr<PhaseHistograms> histograms;
        QString error;
    };
    void schedule();
    void show(const PhaseHistograms& h);

    Request request_;
    QFutureWatcher<Outcome>* watcher_;
    std::shared_ptr<std::atomic<bool>> cancel_;
    bool running_ = false, pending_ = false;
    std::shared_ptr<PhaseHistograms> result_;
    QChartView* raw_;
    QChartView* centred_;
    QLabel* status_;
};

}  // namespace phaselab
