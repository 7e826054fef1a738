#include "widgets/metrics_panel.h"
#include "widgets/colormap.h"
#include "widgets/run_table.h"

#include <QChart>
#include <QChartView>
#include <QHeaderView>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMouseEvent>
#include <QPointer>
#include <QProgressBar>
#include <QTableWidget>
#include <QValueAxis>
#include <QVBoxLayout>
#include <QtConcurrent>
#include <cmath>

#include "core/common/error.h"
#include "core/metrics/si_sdr.h"
#include "widgets/view_manager.h"

namespace phaselab {
namespace {

enum Column { ColReference, ColEstimate, ColSdr, ColSir, ColSar, ColSiSdr, ColIsr, ColV4, ColumnCount };

QString db(double v) {
    if (std::isnan(v)) return QStringLiteral("—");
    if (std::isinf(v)) return v > 0 ? QStringLiteral("∞") : QStringLiteral("−∞");
    return QString::number(v, 'f', 2);
}

}  // namespace

MetricsPanel::MetricsPanel(QWidget* parent)
    : QWidget(parent),
      status_(new QLabel(this)),
      progress_(new QProgressBar(this)),
      table_(new QTableWidget(0, ColumnCount, this)),
      chartView_(new QChartView(this)),
      chart_(new QChart),
      xAxis_(new QValueAxis),
      yAxis_(new QValueAxis),
      cursorLine_(new QLineSeries),
      watcher_(new QFutureWatcher<Result>(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    status_->setWordWrap(true);
    progress_->setRange(0, 100);
    progress_->setVisible(false);
    progress_->setMaximumHeight(14);
    table_->setHorizontalHeaderLabels({tr("Reference"), tr("Estimate"), tr("SDR"), tr("SIR"), tr("SAR"), tr("SI-SDR"),
                                       tr("ISR"), tr("SDR v4 (median)")});
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(ColReference, QHeaderView::Stretch);
    table_->verticalHeader()->setVisible(false);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setColumnHidden(ColIsr, true);
    table_->setToolTip(tr("BSS Eval v3 (mir_eval 0.7) in dB; SI-SDR zero-mean; v4 = museval's median over windows"));
    table_->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);

    chart_->setTitle(tr("SDR per window (BSS Eval v4)"));
    chart_->legend()->setAlignment(Qt::AlignBottom);
    chart_->setMargins(QMargins(4, 4, 4, 4));
    xAxis_->setTitleText(tr("Time (s)"));
    yAxis_->setTitleText(tr("SDR (dB)"));
    xAxis_->setRange(0, 1);
    yAxis_->setRange(0, 20);
    chart_->addAxis(xAxis_, Qt::AlignBottom);
    chart_->addAxis(yAxis_, Qt::AlignLeft);
    cursorLine_->setName(tr("cursor"));
    QPen pen(QColor(90, 90, 90));
    pen.setStyle(Qt::DashLine);
    pen.setWidthF(1.2);
    cursorLine_->setPen(pen);
    chart_->addSeries(cursorLine_);
    cursorLine_->attachAxis(xAxis_);
    cursorLine_->attachAxis(yAxis_);
    for (QLegendMarker* m : chart_->legend()->markers(cursorLine_)) m->setVisible(false);
    QChart* placeholder = chartView_->chart();
    chartView_->setChart(chart_);
    delete placeholder;
    chartView_->setRenderHint(QPainter::Antialiasing);
    chartView_->setMinimumHeight(170);
    chartView_->viewport()->installEventFilter(this);
    chartView_->setToolTip(tr("Click to move the cursor"));

    layout->addWidget(status_);
    layout->addWidget(progress_);
    layout->addWidget(table_);
    layout->addWidget(chartView_, 1);
    connect(watcher_, &QFutureWatcher<Result>::finished, this, &MetricsPanel::onFinished);
    clear();
}

MetricsPanel::~MetricsPanel() {
    if (cancel_) cancel_->store(true);
    watcher_->waitForFinished();
}

void MetricsPanel::setSignals(const QStringList& referenceNames, const std::vector<Eigen::ArrayXXf>& references,
                              const QStringList& estimateNames, const std::vector<Eigen::ArrayXXf>& estimates,
                              double sampleRate) {
    auto toDouble = [](const std::vector<Eigen::ArrayXXf>& v) {
        auto out = std::make_shared<std::vector<metrics::Signal>>();
        for (const auto& x : v) out->push_back(x.cast<double>());
        return std::shared_ptr<const std::vector<metrics::Signal>>(std::move(out));
    };
    refNames_ = referenceNames;
    estNames_ = estimateNames;
    refs_ = toDouble(references);
    ests_ = toDouble(estimates);
    rate_ = sampleRate;
    recompute();
}

void MetricsPanel::clear() {
    if (cancel_) cancel_->store(true);
    ++generation_;
    restartPending_ = false;
    refs_.reset();
    ests_.reset();
    rows_.clear();
    permutation_result_.clear();
    table_->setRowCount(0);
    for (QLineSeries* s : curves_) {
        chart_->removeSeries(s);
        delete s;
    }
    curves_.clear();
    cursorLine_->clear();
    progress_->setVisible(false);
    setStatus(tr("Load references and estimates to see SDR, SIR, SAR and SI-SDR."));
}

void MetricsPanel::clear(const QString& reason) {
    clear();
    setStatus(reason);
}

void MetricsPanel::setCurveWindow(double seconds, double hopSeconds) {
    curveWindow_ = std::max(0.01, seconds);
    curveHop_ = std::max(0.01, hopSeconds);
}

void MetricsPanel::recompute() {
    if (!refs_ || !ests_) return;
    if (computing_) {  // the running job stops at its next check; start() follows in onFinished()
        cancel_->store(true);
        restartPending_ = true;
        ++generation_;
        setStatus(tr("Inputs changed: restarting…"));
        return;
    }
    start();
}

void MetricsPanel::start() {
    restartPending_ = false;
    const quint64 generation = ++generation_;
    jobGeneration_ = generation;
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    computing_ = true;
    progress_->setValue(0);
    progress_->setVisible(true);
    setStatus(tr("Computing metrics…"));

    QPointer<MetricsPanel> self(this);
    auto cancel = cancel_;
    auto refs = refs_, ests = ests_;
    metrics::BssParams params;
    params.permutation = permutation_;
    for (const auto& n : refNames_) params.referenceNames.push_back(n.toStdString());
    for (const auto& n : estNames_) params.estimateNames.push_back(n.toStdString());
    const double rate = rate_;
    const auto window = Eigen::Index(std::llround(curveWindow_ * rate)), hop = Eigen::Index(std::llround(curveHop_ * rate));
    auto report = [self, generation](double lo, double hi) {
        return [self, generation, lo, hi](const ProgressReport& r) {
            const double f = lo + (hi - lo) * r.fraction;
            const QString msg = QString::fromStdString(r.message);
            QMetaObject::invokeMethod(self.data(), [self, generation, f, msg] {
                if (self) self->onProgress(generation, f, msg);
            }, Qt::QueuedConnection);
        };
    };
    RunControl v3run{report(0, 0.6), cancel.get()}, v4run{report(0.6, 1.0), cancel.get()};

    watcher_->setFuture(QtConcurrent::run([=]() -> Result {
        Result r;
        try {
            QElapsedTimer timer;
            timer.start();
            if (refs->empty() || ests->empty()) throw InputError("no references or no estimates");
            std::vector<metrics::Signal> est = *ests;
            const Eigen::Index n = (*refs)[0].rows();
            QStringList padded;
            for (std::size_t j = 0; j < est.size(); ++j)
                if (metrics::conformLength(est[j], n))
                    padded << (j < std::size_t(params.estimateNames.size()) ? QString::fromStdString(params.estimateNames[j])
                                                                            : QString::number(j + 1));
            if (!padded.isEmpty())
                r.note = QObject::tr("padded or trimmed to the reference length: %1").arg(padded.join(", "));
            const bool mono = (*refs)[0].cols() == 1 && est[0].cols() == 1;
            r.v3 = mono ? metrics::bssEvalSources(*refs, est, params, v3run) : metrics::bssEvalImages(*refs, est, params, v3run);
            std::vector<metrics::Signal> matched;
            for (int p : r.v3.permutation) matched.push_back(est[std::size_t(p)]);
            metrics::BssParams v4params = params;
            v4params.estimateNames.clear();
            for (int p : r.v3.permutation)
                if (std::size_t(p) < params.estimateNames.size()) v4params.estimateNames.push_back(params.estimateNames[std::size_t(p)]);
            r.v4 = metrics::bssEvalV4(*refs, matched, std::max<Eigen::Index>(1, window), std::max<Eigen::Index>(1, hop), v4params, v4run);
            r.siSdr.resize(Eigen::Index(refs->size()));
            for (std::size_t j = 0; j < refs->size(); ++j) r.siSdr(Eigen::Index(j)) = metrics::siSdr((*refs)[j], matched[j]);
            r.seconds = timer.nsecsElapsed() * 1e-9;
            r.ok = true;
        } catch (const Cancelled&) {
            r.cancelled = true;
        } catch (const std::exception& e) {
            r.error = QString::fromStdString(e.what());
        }
        return r;
    }));
}

void MetricsPanel::onProgress(quint64 generation, double fraction, const QString& message) {
    if (generation != generation_ || !computing_) return;
    progress_->setValue(int(std::lround(100 * fraction)));
    if (!message.isEmpty()) progress_->setFormat(message + "  %p%");
}

void MetricsPanel::onFinished() {
    computing_ = false;
    progress_->setVisible(false);
    const Result r = watcher_->future().result();
    if (restartPending_) {
        start();
        return;
    }
    if (jobGeneration_ != generation_) return;  // cleared meanwhile: the result is stale
    if (r.cancelled) {
        setStatus(tr("Cancelled."));
        return;
    }
    if (!r.ok) {
        rows_.clear();
        table_->setRowCount(0);
        setStatus(r.error, true);
        emit failed(r.error);
        return;
    }
    showResult(r);
    emit computed();
}

void MetricsPanel::showResult(const Result& r) {
    const int J = int(r.v3.permutation.size());
    const bool images = r.v3.isr.size() > 0;
    permutation_result_ = r.v3.permutation;
    rows_.assign(std::size_t(J), SourceRow{});
    const Eigen::ArrayXd v4median = r.v4.medianSdr();
    table_->setColumnHidden(ColIsr, !images);
    table_->setRowCount(J);
    table_->setFixedHeight(tableHeightForRows(table_, J));  // every source, without scrolling
    for (int j = 0; j < J; ++j) {
        SourceRow& row = rows_[std::size_t(j)];
        const int e = r.v3.permutation[std::size_t(j)];
        row.reference = j < refNames_.size() ? refNames_[j] : tr("reference %1").arg(j + 1);
        row.estimate = e < estNames_.size() ? estNames_[e] : tr("estimate %1").arg(e + 1);
        row.sdr = r.v3.sdr(j);
        row.sir = r.v3.sir(j);
        row.sar = r.v3.sar(j);
        row.isr = images ? r.v3.isr(j) : NAN;
        row.siSdr = r.siSdr(j);
        row.v4MedianSdr = v4median(j);
        const QStringList cells{row.reference, row.estimate, db(row.sdr), db(row.sir), db(row.sar), db(row.siSdr),
                                db(row.isr), db(row.v4MedianSdr)};
        for (int c = 0; c < ColumnCount; ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (c >= ColSdr) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            table_->setItem(j, c, item);
        }
    }

    for (QLineSeries* s : curves_) {
        chart_->removeSeries(s);
        delete s;
    }
    curves_.clear();
    double lo = INFINITY, hi = -INFINITY;
    const double duration = refs_ && !refs_->empty() ? double((*refs_)[0].rows()) / rate_ : 1.0;
    const double half = 0.5 * double(r.v4.window) / rate_;
    int nanWindows = 0;
    for (int j = 0; j < J; ++j) {
        auto* s = new QLineSeries;
        s->setName(rows_[std::size_t(j)].reference);
        s->setPen(QPen(sourceColour(j), 2));
        for (std::size_t k = 0; k < r.v4.starts.size(); ++k) {
            const double v = r.v4.sdr(j, Eigen::Index(k));
            if (!std::isfinite(v)) {
                nanWindows += std::isnan(v);
                continue;
            }
            s->append(double(r.v4.starts[k]) / rate_ + half, v);
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        chart_->addSeries(s);
        s->attachAxis(xAxis_);
        s->attachAxis(yAxis_);
        curves_.push_back(s);
    }
    if (!(hi >= lo)) lo = 0, hi = 1;
    const double pad = std::max(1.0, 0.1 * (hi - lo));
    yAxis_->setRange(std::floor(lo - pad), std::ceil(hi + pad));
    yAxis_->applyNiceNumbers();
    xAxis_->setRange(0, duration);
    chart_->setTitle(tr("SDR per %1 s window (BSS Eval v4)").arg(double(r.v4.window) / rate_, 0, 'g', 3));
    placeCursor();

    QString text = tr("%1 · matched estimates %2 · %3 s").arg(images ? tr("bss_eval_images") : tr("bss_eval_sources"));
    QStringList perm;
    for (int p : r.v3.permutation) perm << QString::number(p + 1);
    text = text.arg(perm.join(' ')).arg(r.seconds, 0, 'f', 2);
    if (nanWindows) text += tr(" · %1 window(s) without a value (silent signal)").arg(nanWindows);
    if (!r.note.isEmpty()) text += " · " + r.note;
    if (!extraNote_.isEmpty()) text += " · " + extraNote_;
    setStatus(text);
}

void MetricsPanel::setCursorTime(double seconds) {
    cursor_ = seconds;
    placeCursor();
}

void MetricsPanel::placeCursor() {
    cursorLine_->clear();
    cursorLine_->append(cursor_, yAxis_->min());
    cursorLine_->append(cursor_, yAxis_->max());
}

void MetricsPanel::setTimeRange(double start, double end) {
    if (end > start) xAxis_->setRange(start, end);
}

void MetricsPanel::followView(ViewManager* view) {
    connect(view, &ViewManager::cursorChanged, this, &MetricsPanel::setCursorTime);
    connect(view, &ViewManager::viewChanged, this, [this, view] { setTimeRange(view->viewStart(), view->viewEnd()); });
    connect(this, &MetricsPanel::timeClicked, view, &ViewManager::setCursor);
}

bool MetricsPanel::eventFilter(QObject* watched, QEvent* event) {
    if (watched == chartView_->viewport() && event->type() == QEvent::MouseButtonPress) {
        const auto* me = static_cast<QMouseEvent*>(event);
        const QPointF scene = chartView_->mapToScene(me->position().toPoint());
        const QPointF item = chart_->mapFromScene(scene);
        if (chart_->plotArea().contains(item) && me->button() == Qt::LeftButton) {
            const double t = chart_->mapToValue(item, cursorLine_).x();
            setCursorTime(t);
            emit timeClicked(t);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

QString MetricsPanel::statusText() const { return status_->text(); }
int MetricsPanel::progressPercent() const { return progress_->value(); }

int MetricsPanel::curvePointCount(int source) const {
    return source >= 0 && source < int(curves_.size()) ? int(curves_[std::size_t(source)]->count()) : 0;
}

void MetricsPanel::setStatus(const QString& text, bool error) {
    status_->setText(text);
    status_->setStyleSheet(error ? "color: #b00020;" : "");
}

}  // namespace phaselab
