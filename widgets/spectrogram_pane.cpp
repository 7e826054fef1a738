#include "widgets/spectrogram_pane.h"

#include <QPainter>
#include <QPainterPath>
#include <QtConcurrent>
#include <cmath>
#include <limits>

namespace phaselab {

struct SpectrogramPane::Job {
    std::shared_ptr<const SpectrogramLevels> levels;
    QString error;
    bool cancelled = false;
};

QString SpectrogramReadout::text() const {
    if (!valid) return {};
    QString s = QString("%1 s   %2 Hz").arg(time, 0, 'f', 3).arg(hz, 0, 'f', 1);
    if (!note.isEmpty()) s += QString("   %1 %2%3 ct").arg(note, cents >= 0 ? "+" : "").arg(int(std::lround(cents)));
    if (std::isfinite(db)) s += QString("   %1 dBFS").arg(db, 0, 'f', 1);
    return s;
}

bool SpectrogramPane::RenderRequest::operator==(const RenderRequest& o) const {
    return levels == o.levels && t0 == o.t0 && t1 == o.t1 && size == o.size && style.topDb == o.style.topDb &&
           style.rangeDb == o.style.rangeDb && style.colormap == o.style.colormap && style.axis.scale == o.style.axis.scale &&
           style.axis.minHz == o.style.axis.minHz && style.axis.maxHz == o.style.axis.maxHz;
}

SpectrogramPane::SpectrogramPane(ViewManager* view, QWidget* parent) : TimePane(view, parent) {
    qRegisterMetaType<phaselab::SpectrogramReadout>();
    setMinimumHeight(150);
    renderWatcher_ = new QFutureWatcher<QImage>(this);
    connect(view, &ViewManager::viewChanged, this, &SpectrogramPane::scheduleRender);
    connect(view, &ViewManager::frequencyAxisChanged, this, &SpectrogramPane::scheduleRender);
    connect(renderWatcher_, &QFutureWatcher<QImage>::finished, this, [this] {
        rendering_ = false;
        image_ = renderWatcher_->result();
        shownRequest_ = renderingRequest_;
        update();
        if (renderPending_) scheduleRender();
        else emit rendered();
    });
    connect(this, &TimePane::hovered, this, [this](double t, double h) {
        hover_ = readoutAt(t, h);
        update();
        emit readout(hover_);
    });
    connect(this, &TimePane::left, this, [this] {
        hover_ = {};
        update();
        emit readout(hover_);
    });
}

SpectrogramPane::~SpectrogramPane() {
    cancel();
    for (auto& job : jobs_) job.waitForFinished();  // cancelled jobs end at their next chunk
    renderWatcher_->waitForFinished();
}

void SpectrogramPane::setSignal(std::shared_ptr<const MonoSamples> mono, double sampleRate) {
    signal_ = std::move(mono);
    sampleRate_ = sampleRate;
    startCompute();
}

void SpectrogramPane::setStftConfig(const StftConfig& config) {
    config_ = config;
    startCompute();
    emit settingsChanged();
}

void SpectrogramPane::setColormap(ColormapId id) {
    colormap_ = id;
    scheduleRender();
    emit settingsChanged();
}

void SpectrogramPane::setLevelRange(float topDb, float rangeDb) {
    topDb_ = topDb;
    rangeDb_ = std::max(1.0f, rangeDb);
    scheduleRender();
    emit settingsChanged();
}

void SpectrogramPane::copySettingsFrom(const SpectrogramPane& other) {
    colormap_ = other.colormap_;
    topDb_ = other.topDb_;
    rangeDb_ = other.rangeDb_;
    if (!(config_ == other.config_)) setStftConfig(other.config_);
    else scheduleRender();
}

SpectrogramStyle SpectrogramPane::style() const {
    SpectrogramStyle s;
    s.axis = view()->frequencyAxis();
    s.topDb = topDb_;
    s.rangeDb = rangeDb_;
    s.colormap = colormap_;
    return s;
}

void SpectrogramPane::cancel() {
    if (cancel_) cancel_->store(true);
}

void SpectrogramPane::recompute() { startCompute(); }

void SpectrogramPane::startCompute() {
    cancel();
    ++generation_;
    levels_.reset();
    image_ = QImage();
    shownRequest_ = {};
    error_.clear();
    progress_ = 0;
    computing_ = false;
    if (!signal_ || signal_->size() == 0) {
        update();
        return;
    }
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    computing_ = true;
    const quint64 gen = generation_;
    auto signal = signal_;
    auto cancelFlag = cancel_;
    const double rate = sampleRate_;
    const StftConfig config = config_;
    QPointer<SpectrogramPane> self(this);
    auto future = QtConcurrent::run([=]() {
        auto job = std::make_shared<Job>();
        RunControl control;
        control.cancel = cancelFlag.get();
        double lastReported = -1;
        control.progress = [&](const ProgressReport& r) {
            if (r.fraction - lastReported < 0.02 && r.fraction < 1) return;
            lastReported = r.fraction;
            QMetaObject::invokeMethod(self.data(), [self, gen, f = r.fraction] {
                if (!self || self->generation_ != gen) return;
                self->progress_ = f;
                emit self->computeProgress(f);
                self->update();
            }, Qt::QueuedConnection);
        };
        try {
            job->levels = computeSpectrogramLevels(*signal, rate, config, control);
        } catch (const Cancelled&) {
            job->cancelled = true;
        } catch (const std::exception& e) {
            job->error = QString::fromStdString(e.what());
        }
        return job;
    });
    // One watcher per job so that a stale job's completion is recognisable by its generation.
    auto* watcher = new QFutureWatcher<std::shared_ptr<Job>>(this);
    connect(watcher, &QFutureWatcher<std::shared_ptr<Job>>::finished, this, [this, watcher, gen] {
        watcher->deleteLater();
        if (gen != generation_) return;
        const auto job = watcher->result();
        computing_ = false;
        if (job->cancelled) {
            error_ = tr("Spectrogram cancelled: change a setting or choose View ▸ Recompute spectrogram.");
            update();
            emit computeCancelled();
            return;
        }
        if (!job->error.isEmpty()) {
            error_ = job->error;
            update();
            emit computeFailed(error_);
            return;
        }
        levels_ = job->levels;
        progress_ = 1;
        emit computeFinished();
        scheduleRender();
    });
    watcher->setFuture(future);
    jobs_.removeIf([](const QFuture<std::shared_ptr<Job>>& f) { return f.isFinished(); });
    jobs_.append(future);
    emit computeStarted();
    update();
}

SpectrogramPane::RenderRequest SpectrogramPane::currentRequest() const {
    return RenderRequest{levels_, view()->viewStart(), view()->viewEnd(), style(), plotRect().size()};
}

bool SpectrogramPane::isUpToDate() const {
    return levels_ && !computing_ && !rendering_ && !image_.isNull() && shownRequest_ == currentRequest();
}

void SpectrogramPane::scheduleRender() {
    update();
    if (!levels_) return;
    const RenderRequest r = currentRequest();
    if (rendering_) {
        renderPending_ = !(r == renderingRequest_);
        return;
    }
    renderPending_ = false;
    if (r == shownRequest_ && !image_.isNull()) return;
    startRender(r);
}

void SpectrogramPane::startRender(const RenderRequest& r) {
    rendering_ = true;
    renderingRequest_ = r;
    renderWatcher_->setFuture(QtConcurrent::run([r] { return r.levels->render(r.t0, r.t1, r.style, r.size); }));
}

void SpectrogramPane::resizeEvent(QResizeEvent* e) {
    TimePane::resizeEvent(e);
    scheduleRender();
}

void SpectrogramPane::paintPlot(QPainter& p, const QRect& plot) {
    if (!image_.isNull()) {
        // The last image, placed where its time range lies in the current view.
        const double x0 = view()->xAt(shownRequest_.t0, plot.width()), x1 = view()->xAt(shownRequest_.t1, plot.width());
        const QRectF target(plot.left() + x0, plot.top(), x1 - x0, plot.height());
        if (target.size() == QSizeF(image_.size())) p.drawImage(target.topLeft(), image_);
        else p.drawImage(target, image_);
    }
    // Frequency grid.
    p.setPen(gridColour());
    const FrequencyAxis axis = view()->frequencyAxis();
    for (double hz : frequencyTicks(axis, std::max(2, plot.height() / 40))) {
        const int y = plot.bottom() - int(std::lround(axis.toPosition(hz) * plot.height()));
        p.drawLine(plot.left(), y, plot.right(), y);
    }
    if (hover_.valid) {
        // Frequency line and label under the mouse.
        const FrequencyAxis ax = view()->frequencyAxis();
        const int y = plot.bottom() - int(std::lround(ax.toPosition(hover_.hz) * plot.height()));
        const int x = xAtTime(hover_.time);
        p.setPen(QPen(QColor(255, 255, 255, 110), 1, Qt::DashLine));
        p.drawLine(plot.left(), y, plot.right(), y);
        p.drawLine(x, plot.top(), x, plot.bottom());
        QString label = formatHz(hover_.hz);
        if (!hover_.note.isEmpty()) label += "  " + hover_.note;
        if (std::isfinite(hover_.db)) label += QString("  %1 dBFS").arg(hover_.db, 0, 'f', 1);
        const QFontMetrics fm(font());
        QRect box(x + 10, y - fm.height() - 8, fm.horizontalAdvance(label) + 12, fm.height() + 4);
        if (box.right() > plot.right()) box.moveRight(x - 10);
        if (box.top() < plot.top()) box.moveTop(y + 6);
        p.fillRect(box, QColor(20, 22, 27, 210));
        p.setPen(QColor(235, 238, 245));
        p.drawText(box, Qt::AlignCenter, label);
    }
    QString message;
    if (!signal_ && !computing_ && error_.isEmpty()) message = placeholder_;
    if (computing_) message = QString("Computing spectrogram (%1)…").arg(QString::fromStdString(config_.describe()));
    else if (!error_.isEmpty()) message = error_;
    if (message.isEmpty()) return;
    if (message == placeholder_) {
        p.setPen(QColor(150, 156, 168));
        p.drawText(plot, Qt::AlignCenter | Qt::TextWordWrap, message);
        return;
    }
    p.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics fm(font());
    const int w = std::min(plot.width() - 20, std::max(320, fm.horizontalAdvance(message) + 40));
    const QRect box(plot.center().x() - w / 2, plot.center().y() - 34, w, computing_ ? 68 : 48);
    QPainterPath path;
    path.addRoundedRect(box, 8, 8);
    p.fillPath(path, QColor(20, 22, 27, 220));
    p.setPen(error_.isEmpty() ? QColor(225, 230, 238) : QColor(255, 140, 120));
    p.drawText(box.adjusted(12, 8, -12, computing_ ? -30 : -8), Qt::AlignCenter | Qt::TextWordWrap, message);
    if (computing_) {
        const QRect bar(box.left() + 20, box.bottom() - 24, box.width() - 40, 8);
        p.fillRect(bar, QColor(60, 64, 74));
        p.fillRect(QRect(bar.left(), bar.top(), int(bar.width() * progress_), bar.height()), QColor(110, 160, 255));
    }
}

void SpectrogramPane::paintAxis(QPainter& p, const QRect& axisRect) {
    TimePane::paintAxis(p, axisRect);
    const QRect plot = plotRect();
    const FrequencyAxis axis = view()->frequencyAxis();
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    p.setFont(f);
    const QFontMetrics fm(f);
    paintFrequencyTicks(p, axisRect, plot, axis, axisText());
    const QString title = QString("frequency (%1)").arg(scaleName(axis.scale));
    if (fm.horizontalAdvance(title) + 8 > plot.height()) return;  // a short (stacked) pane: the ticks say it
    p.save();
    p.translate(axisRect.left() + fm.height() / 2 + 2, plot.center().y());
    p.rotate(-90);
    p.setPen(axisText().darker(130));
    p.drawText(QRect(-80, -fm.height() / 2, 160, fm.height()), Qt::AlignCenter, title);
    p.restore();
}

void SpectrogramPane::verticalWheel(double factor, double heightFraction) {
    view()->zoomFrequency(factor, std::clamp(heightFraction, 0.0, 1.0));
}

SpectrogramReadout SpectrogramPane::readoutAt(double t, double heightFraction) const {
    SpectrogramReadout r;
    r.valid = true;
    r.time = t;
    r.hz = view()->frequencyAxis().toHz(std::clamp(heightFraction, 0.0, 1.0));
    r.note = QString::fromStdString(noteName(r.hz, &r.cents));
    r.db = levels_ ? levels_->levelDb(t, r.hz) : std::nan("");
    return r;
}

SpectrogramReadout SpectrogramPane::readoutAt(QPoint pos) const {
    const QRect plot = plotRect();
    if (!plot.contains(pos)) return {};
    return readoutAt(timeAtX(pos.x()), 1.0 - double(pos.y() - plot.top()) / std::max(1, plot.height()));
}

}  // namespace phaselab
