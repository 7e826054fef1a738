#include "widgets/run_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent>

#include "core/common/error.h"
#include "widgets/convergence_chart.h"
#include "widgets/param_form.h"

namespace phaselab {

RunPanel::RunPanel(std::vector<const AlgorithmDescription*> algorithms, QWidget* parent)
    : QWidget(parent),
      algorithms_(std::move(algorithms)),
      chooser_(new QComboBox(this)),
      summary_(new QLabel(this)),
      form_(new ParamForm(this)),
      runButton_(new QPushButton(tr("Run"), this)),
      cancelButton_(new QPushButton(tr("Cancel"), this)),
      progress_(new QProgressBar(this)),
      status_(new QLabel(this)),
      chart_(new ConvergenceChart(this)),
      extra_(new QVBoxLayout),
      watcher_(new QFutureWatcher<Completion>(this)) {
    qRegisterMetaType<phaselab::RunOutcome>();
    for (const auto* a : algorithms_) chooser_->addItem(QString::fromStdString(a->name), QString::fromStdString(a->id));
    summary_->setWordWrap(true);
    summary_->setStyleSheet("color: palette(mid);");
    runButton_->setDefault(true);
    runButton_->setToolTip(tr("Run the algorithm in the background (Ctrl+R)"));
    runButton_->setShortcut(QKeySequence("Ctrl+R"));
    progress_->setRange(0, 100);
    progress_->setTextVisible(true);
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(extra_);
    auto* chooserRow = new QHBoxLayout;
    chooserRow->addWidget(new QLabel(tr("Algorithm"), this));
    chooserRow->addWidget(chooser_, 1);
    layout->addLayout(chooserRow);
    layout->addWidget(summary_);
    layout->addWidget(form_);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(runButton_);
    buttons->addWidget(cancelButton_);
    buttons->addWidget(progress_, 1);
    layout->addLayout(buttons);
    layout->addWidget(status_);
    layout->addWidget(chart_, 1);
    chartNote_ = new QLabel(this);
    chartNote_->setWordWrap(true);
    chartNote_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    chartNote_->setStyleSheet(
        "QLabel { background: palette(alternate-base); color: palette(text); border-radius: 4px; padding: 10px; }");
    chartNote_->setText(tr("The convergence curves of a run appear here while it runs."));
    chart_->hide();  // until a run reports its first figures
    layout->addWidget(chartNote_, 1);

    connect(chooser_, &QComboBox::currentIndexChanged, this, [this] {
        const AlgorithmDescription* d = currentAlgorithm();
        form_->setDescription(d);
        summary_->setText(d ? QString::fromStdString(d->summary) : QString());
        emit algorithmChanged(d ? QString::fromStdString(d->id) : QString());
    });
    pool_.setMaxThreadCount(1);
    connect(runButton_, &QPushButton::clicked, this, &RunPanel::run);
    connect(cancelButton_, &QPushButton::clicked, this, &RunPanel::cancel);
    connect(watcher_, &QFutureWatcher<Completion>::finished, this, &RunPanel::onFinished);
    if (!algorithms_.empty()) {
        form_->setDescription(algorithms_.front());
        summary_->setText(QString::fromStdString(algorithms_.front()->summary));
    }
    setStatus(tr("Ready."));
    progress_->setValue(0);
    updateButtons();
}

RunPanel::~RunPanel() {
    if (cancelFlag_) cancelFlag_->store(true);
    watcher_->waitForFinished();
}

void RunPanel::setConvergenceFigures(const QList<std::pair<QString, QString>>& figures) { chart_->setFigures(figures); }

void RunPanel::setBlockedReason(const QString& reason) {
    blocked_ = reason;
    if (!running_) setStatus(reason.isEmpty() ? tr("Ready.") : reason);
    updateButtons();
}

void RunPanel::selectAlgorithm(const std::string& id) {
    const int i = chooser_->findData(QString::fromStdString(id));
    if (i >= 0) chooser_->setCurrentIndex(i);
}

const AlgorithmDescription* RunPanel::currentAlgorithm() const {
    const int i = chooser_->currentIndex();
    return i >= 0 && i < int(algorithms_.size()) ? algorithms_[std::size_t(i)] : nullptr;
}

QString RunPanel::statusText() const { return status_->text(); }
int RunPanel::progressPercent() const { return progress_->value(); }

void RunPanel::updateButtons() {
    runButton_->setEnabled(!running_ && blocked_.isEmpty() && runner_ && currentAlgorithm());
    cancelButton_->setEnabled(running_);
    chooser_->setEnabled(!running_);
    form_->setEnabled(!running_);
}

void RunPanel::setStatus(const QString& text, bool error) {
    status_->setText(text);
    status_->setStyleSheet(error ? "color: #c0392b;" : "");
}

void RunPanel::run() {
    const AlgorithmDescription* d = currentAlgorithm();
    if (running_ || !runner_ || !d || !blocked_.isEmpty()) return;
    const ParamValues values = form_->values();
    cancelFlag_ = std::make_shared<std::atomic<bool>>(false);
    const quint64 generation = ++generation_;
    running_ = true;
    runningLabel_ = QString::fromStdString(d->name);
    chart_->startRun(runningLabel_);
    chart_->show();
    chartNote_->hide();
    pointsThisRun_ = 0;
    progress_->setValue(0);
    setStatus(tr("Running %1…").arg(runningLabel_));
    updateButtons();
    emit runStarted(QString::fromStdString(d->id));

    RunControl control;
    control.cancel = cancelFlag_.get();
    QPointer<RunPanel> self(this);
    control.progress = [self, generation](const ProgressReport& r) {
        QMetaObject::invokeMethod(
            self.data(), [self, generation, r] { if (self) self->onProgress(generation, r); }, Qt::QueuedConnection);
    };
    auto flag = cancelFlag_;  // keeps the flag alive for the worker
    const AlgorithmDescription description = *d;
    Runner runner = runner_;
    watcher_->setFuture(QtConcurrent::run(&pool_, [runner, description, values, control, flag]() -> Completion {
        Completion c;
        try {
            c.outcome = runner(description, values, control);
        } catch (const Cancelled&) {
            c.kind = Completion::Cancelled;
        } catch (const std::exception& e) {
            c.kind = Completion::Failed;
            c.error = QString::fromStdString(e.what());
        }
        return c;
    }));
}

void RunPanel::cancel() {
    if (!running_ || !cancelFlag_) return;
    cancelFlag_->store(true);
    setStatus(tr("Cancelling…"));
}

void RunPanel::onProgress(quint64 generation, const ProgressReport& r) {
    if (generation != generation_ || !running_) return;
    progress_->setValue(int(std::lround(std::clamp(r.fraction, 0.0, 1.0) * 100)));
    if (!r.message.empty()) setStatus(runningLabel_ + ": " + QString::fromStdString(r.message));
    if (r.iteration >= 0 && !r.figures.empty()) {
        chart_->addPoint(r.iteration, r.figures);
        ++pointsThisRun_;
    }
}

void RunPanel::onFinished() {
    running_ = false;
    const Completion c = watcher_->future().result();
    updateButtons();
    switch (c.kind) {
        case Completion::Done:
            progress_->setValue(100);
            setStatus(c.outcome.summary.isEmpty() ? tr("Finished.") : c.outcome.summary);
            if (pointsThisRun_ <= 1) {  // not iterative (one point at most): its figures instead of a chart
                chart_->hide();
                chartNote_->setText(tr("<b>%1</b> is not iterative: there is no convergence curve.<br><br>%2")
                                        .arg(runningLabel_, c.outcome.summary.toHtmlEscaped()));
                chartNote_->show();
            }
            emit runFinished(c.outcome);
            break;
        case Completion::Cancelled:
            progress_->setValue(0);
            setStatus(tr("Cancelled."));
            emit runCancelled();
            break;
        case Completion::Failed:
            progress_->setValue(0);
            setStatus(c.error, true);
            emit runFailed(c.error);
            break;
    }
}

}  // namespace phaselab
