#pragma once
// Separation metrics of estimates against references, computed in the background.
//
// Give it the reference and estimate signals (setSignals); it then computes, on a worker thread
// (QtConcurrent; never on the GUI thread):
//   - BSS Eval v3 as mir_eval 0.7 (bss_eval_sources for mono, bss_eval_images for multichannel),
//     with the permutation maximising the mean SIR (or none, setPermutationSearch(false)),
//   - zero-mean SI-SDR of each matched pair,
//   - the SDR per window (BSS Eval v4 as museval: global filters, images criteria, default 1 s
//     windows without overlap) and its median.
// It shows a per-source table (Reference, Estimate, SDR, SIR, SAR, SI-SDR, ISR for multichannel,
// v4 median SDR) and the per-window SDR curves over time (Qt Charts), with a time cursor.
// Progress is shown inside the panel; new signals cancel a computation under way (its result is
// discarded). Estimates of another length are padded or trimmed to the references (museval's
// rule, noted in the status line); unusable input (silent, NaN, channel mismatch, > 100 sources)
// is reported in the status line, never thrown.
//
// Time axis: times are seconds from the start of the signals. setCursorTime() moves the cursor
// line (e.g. from the shared ViewManager), setTimeRange() the visible range; a click in the chart
// emits timeClicked(seconds). followView() makes these three connections with a ViewManager.
// GUI-thread widget.

#include <Eigen/Core>
#include <QFutureWatcher>
#include <QStringList>
#include <QWidget>
#include <atomic>
#include <memory>
#include <vector>

#include "core/metrics/bss_eval.h"

class QChart;
class QChartView;
class QLabel;
class QLineSeries;
class QProgressBar;
class QTableWidget;
class QValueAxis;

namespace phaselab {

class ViewManager;

class MetricsPanel : public QWidget {
    Q_OBJECT
public:
    explicit MetricsPanel(QWidget* parent = nullptr);
    ~MetricsPanel() override;  // cancels and waits for a running computation

    // Signals are samples x channels, all at `sampleRate` Hz. Starts the computation.
    void setSignals(const QStringList& referenceNames, const std::vector<Eigen::ArrayXXf>& references,
                    const QStringList& estimateNames, const std::vector<Eigen::ArrayXXf>& estimates,
                    double sampleRate);
    void clear();  // no signals: empty table and chart, a hint in the status line
    // Clears the signals and says why there is nothing to measure (instead of the generic hint).
    void clear(const QString& reason);
    // A remark appended to the status line of the next results (e.g. how estimates were paired).
    void setNote(const QString& note) { extraNote_ = note; }

    // Options take effect at the next setSignals() (or recompute()).
    void setPermutationSearch(bool on) { permutation_ = on; }
    void setCurveWindow(double seconds, double hopSeconds);  // v4 windows of the curve (default 1 s, 1 s)
    void recompute();

    struct SourceRow {
        QString reference, estimate;
        double sdr = NAN, sir = NAN, sar = NAN, isr = NAN, siSdr = NAN, v4MedianSdr = NAN;
    };
    bool isComputing() const { return computing_; }
    bool hasResults() const { return !rows_.empty(); }
    const std::vector<SourceRow>& rows() const { return rows_; }
    const std::vector<int>& permutation() const { return permutation_result_; }
    QString statusText() const;
    int progressPercent() const;
    double cursorTime() const { return cursor_; }
    QTableWidget* table() const { return table_; }
    QChartView* chartView() const { return chartView_; }
    int curvePointCount(int source) const;  // points of the SDR curve of reference `source`

    void followView(ViewManager* view);

public slots:
    void setCursorTime(double seconds);
    void setTimeRange(double start, double end);

signals:
    void timeClicked(double seconds);
    void computed();                      // results shown
    void failed(const QString& message);  // input could not be evaluated

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct Result {
        bool ok = false, cancelled = false;
        QString error, note;
        metrics::BssResult v3;
        metrics::FramewiseResult v4;
        Eigen::ArrayXd siSdr;
        double seconds = 0;
    };
    void start();
    void onProgress(quint64 generation, double fraction, const QString& message);
    void onFinished();
    void showResult(const Result& r);
    void setStatus(const QString& text, bool error = false);
    QString extraNote_;
    void placeCursor();

    QStringList refNames_, estNames_;
    std::shared_ptr<const std::vector<metrics::Signal>> refs_, ests_;
    double rate_ = 0;
    bool permutation_ = true;
    double curveWindow_ = 1.0, curveHop_ = 1.0;

    QLabel* status_;
    QProgressBar* progress_;
    QTableWidget* table_;
    QChartView* chartView_;
    QChart* chart_;
    QValueAxis* xAxis_;
    QValueAxis* yAxis_;
    QLineSeries* cursorLine_;
    std::vector<QLineSeries*> curves_;

    QFutureWatcher<Result>* watcher_;
    std::shared_ptr<std::atomic<bool>> cancel_;
    quint64 generation_ = 0;     // bumped by every change of inputs
    quint64 jobGeneration_ = 0;  // generation of the running / last started job
    bool computing_ = false;
    bool restartPending_ = false;
    double cursor_ = 0;
    std::vector<SourceRow> rows_;
    std::vector<int> permutation_result_;
};

}  // namespace phaselab
