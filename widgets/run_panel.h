#pragma once
// A panel that runs one algorithm of a family (phase recovery, separation) in the background:
// algorithm chooser with its one-line summary, a ParamForm generated from the description,
// Run / Cancel, progress shown in place (bar + iteration message, never a modal dialog) and a live
// ConvergenceChart fed by the per-iteration figures of the run.
//
// The panel does not know how to run anything: the application gives it a Runner, which is called
// on a worker thread with the chosen description, the form's values and a RunControl (progress
// callback + cancel flag). Whatever the runner returns is handed back on the GUI thread through
// runFinished(); phaselab::Error messages are shown in the panel and emitted as runFailed().
// GUI-thread widget; the Runner must be thread-safe with respect to the data it captures.

#include <QFutureWatcher>
#include <QThreadPool>
#include <QWidget>
#include <any>
#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "core/common/description.h"
#include "core/common/progress.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QVBoxLayout;

namespace phaselab {

class ConvergenceChart;
class ParamForm;

struct RunOutcome {
    QString title;     // e.g. "Griffin-Lim · 100 it."
    QString summary;   // one line of final figures, shown under the buttons
    std::any payload;  // the application's result object
};

class RunPanel : public QWidget {
    Q_OBJECT
public:
    using Runner = std::function<RunOutcome(const AlgorithmDescription&, const ParamValues&, const RunControl&)>;

    RunPanel(std::vector<const AlgorithmDescription*> algorithms, QWidget* parent = nullptr);
    ~RunPanel() override;

    void setRunner(Runner runner) { runner_ = std::move(runner); }
    // Figures plotted live: (figure id as reported by the algorithm, axis label).
    void setConvergenceFigures(const QList<std::pair<QString, QString>>& figures);
    // Non-empty: Run is disabled and the reason shown ("Open a file first").
    void setBlockedReason(const QString& reason);
    // Extra controls the application places above the algorithm chooser (e.g. the magnitudes source).
    QVBoxLayout* extraLayout() const { return extra_; }

    void selectAlgorithm(const std::string& id);
    const AlgorithmDescription* currentAlgorithm() const;
    ParamForm* form() const { return form_; }
    ConvergenceChart* chart() const { return chart_; }
    // Shown instead of the chart after a run that reported no iterations (its figures).
    QLabel* chartNote() const { return chartNote_; }
    bool isRunning() const { return running_; }
    QString statusText() const;
    int progressPercent() const;

public slots:
    void run();
    void cancel();

signals:
    void algorithmChanged(const QString& algorithmId);  // the chooser's selection changed
    void runStarted(const QString& algorithmId);
    void runFinished(const phaselab::RunOutcome& outcome);
    void runFailed(const QString& message);
    void runCancelled();

private:
    void onProgress(quint64 generation, const ProgressReport& report);
    void onFinished();
    void updateButtons();
    void setStatus(const QString& text, bool error = false);

    std::vector<const AlgorithmDescription*> algorithms_;
    Runner runner_;
    QComboBox* chooser_;
    QLabel* summary_;
    ParamForm* form_;
    QPushButton* runButton_;
    QPushButton* cancelButton_;
    QProgressBar* progress_;
    QLabel* status_;
    ConvergenceChart* chart_;
    QLabel* chartNote_ = nullptr;
    int pointsThisRun_ = 0;
    QVBoxLayout* extra_;
    QString blocked_;

    struct Completion {
        enum Kind { Done, Cancelled, Failed } kind = Done;
        RunOutcome outcome;
        QString error;
    };
    // A run has a thread of its own: it never waits behind, nor holds up, the views' work and
    // document loading in the global pool (two runs would fill it on a two-core machine).
    QThreadPool pool_;
    QFutureWatcher<Completion>* watcher_;
    std::shared_ptr<std::atomic<bool>> cancelFlag_;
    quint64 generation_ = 0;
    bool running_ = false;
    QString runningLabel_;
};

}  // namespace phaselab

Q_DECLARE_METATYPE(phaselab::RunOutcome)
