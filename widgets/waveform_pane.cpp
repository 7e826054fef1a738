#include "widgets/waveform_pane.h"

#include <QMouseEvent>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace phaselab {

std::shared_ptr<const WaveformData> WaveformData::make(std::shared_ptr<const MonoSamples> mono, double sampleRate) {
    auto d = std::make_shared<WaveformData>();
    const Eigen::Index n = mono->size(), blocks = (n + kBlock - 1) / kBlock;
    d->blockMin.resize(std::size_t(blocks));
    d->blockMax.resize(std::size_t(blocks));
    for (Eigen::Index b = 0; b < blocks; ++b) {
        const auto seg = mono->segment(b * kBlock, std::min<Eigen::Index>(kBlock, n - b * kBlock));
        d->blockMin[std::size_t(b)] = seg.minCoeff();
        d->blockMax[std::size_t(b)] = seg.maxCoeff();
    }
    d->samples = std::move(mono);
    d->sampleRate = sampleRate;
    return d;
}

std::pair<float, float> WaveformData::range(Eigen::Index s0, Eigen::Index s1) const {
    const Eigen::Index n = samples ? samples->size() : 0;
    s0 = std::clamp<Eigen::Index>(s0, 0, n);
    s1 = std::clamp<Eigen::Index>(s1, s0, n);
    if (s1 <= s0) return {0.f, 0.f};
    if (s1 - s0 < 2 * kBlock) {
        const auto seg = samples->segment(s0, s1 - s0);
        return {seg.minCoeff(), seg.maxCoeff()};
    }
    // Partial blocks at both ends from the samples, whole blocks from the summary.
    const Eigen::Index b0 = (s0 + kBlock - 1) / kBlock, b1 = s1 / kBlock;
    float lo = *std::min_element(blockMin.begin() + b0, blockMin.begin() + b1);
    float hi = *std::max_element(blockMax.begin() + b0, blockMax.begin() + b1);
    if (s0 < b0 * kBlock) {
        const auto seg = samples->segment(s0, b0 * kBlock - s0);
        lo = std::min(lo, seg.minCoeff());
        hi = std::max(hi, seg.maxCoeff());
    }
    if (b1 * kBlock < s1) {
        const auto seg = samples->segment(b1 * kBlock, s1 - b1 * kBlock);
        lo = std::min(lo, seg.minCoeff());
        hi = std::max(hi, seg.maxCoeff());
    }
    return {lo, hi};
}

// Min/max envelope of [t0, t1) drawn into `plot`, one vertical line per pixel column, or a
// polyline through the samples when there are fewer samples than pixels.
static void drawWaveform(QPainter& p, const QRect& plot, const WaveformData& d, double t0, double t1, const QColor& colour) {
    const double mid = plot.top() + plot.height() / 2.0, half = plot.height() / 2.0 - 2;
    const double samplesPerPixel = (t1 - t0) * d.sampleRate / plot.width();
    p.setPen(QColor(255, 255, 255, 40));
    p.drawLine(QPointF(plot.left(), mid), QPointF(plot.right(), mid));
    if (samplesPerPixel > 1.0) {
        p.setPen(colour);
        for (int x = 0; x < plot.width(); ++x) {
            const Eigen::Index s0 = Eigen::Index(std::floor((t0 + (t1 - t0) * x / plot.width()) * d.sampleRate));
            const Eigen::Index s1 = Eigen::Index(std::floor((t0 + (t1 - t0) * (x + 1) / plot.width()) * d.sampleRate));
            const auto [lo, hi] = d.range(s0, std::max(s1, s0 + 1));
            const double y0 = mid - std::clamp(hi, -1.f, 1.f) * half, y1 = mid - std::clamp(lo, -1.f, 1.f) * half;
            p.drawLine(QPointF(plot.left() + x + 0.5, y0), QPointF(plot.left() + x + 0.5, std::max(y1, y0 + 1)));
        }
        return;
    }
    const Eigen::Index n = d.samples->size();
    const Eigen::Index s0 = std::max<Eigen::Index>(0, Eigen::Index(std::floor(t0 * d.sampleRate)));
    const Eigen::Index s1 = std::min<Eigen::Index>(n, Eigen::Index(std::ceil(t1 * d.sampleRate)) + 1);
    QPolygonF line;
    for (Eigen::Index s = s0; s < s1; ++s)
        line << QPointF(plot.left() + (s / d.sampleRate - t0) / (t1 - t0) * plot.width(),
                        mid - std::clamp((*d.samples)(s), -1.f, 1.f) * half);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(colour, 1.5));
    p.drawPolyline(line);
    if (samplesPerPixel < 0.15) {
        p.setBrush(colour);
        for (const QPointF& pt : line) p.drawEllipse(pt, 2.0, 2.0);
    }
}

WaveformPane::WaveformPane(ViewManager* view, QWidget* parent) : TimePane(view, parent) { setMinimumHeight(50); }

void WaveformPane::setData(std::shared_ptr<const WaveformData> data) {
    data_ = std::move(data);
    update();
}

void WaveformPane::setLanes(std::vector<std::shared_ptr<const WaveformData>> lanes, QStringList names) {
    lanes_ = std::move(lanes);
    laneNames_ = std::move(names);
    update();
}

QRect WaveformPane::laneRect(const QRect& plot, int lane) const {
    const int n = std::max(1, int(lanes_.size()));
    const int top = plot.top() + plot.height() * lane / n, bottom = plot.top() + plot.height() * (lane + 1) / n;
    return QRect(plot.left(), top, plot.width(), bottom - top);
}

void WaveformPane::paintPlot(QPainter& p, const QRect& plot) {
    if (lanes_.empty()) {
        if (data_ && data_->samples) drawWaveform(p, plot, *data_, view()->viewStart(), view()->viewEnd(), colour_);
        return;
    }
    for (int i = 0; i < int(lanes_.size()); ++i) {
        const QRect lane = laneRect(plot, i);
        p.save();
        p.setClipRect(lane);
        drawWaveform(p, lane, *lanes_[std::size_t(i)], view()->viewStart(), view()->viewEnd(), colour_);
        p.restore();
        if (i > 0) {
            p.setPen(QColor(255, 255, 255, 70));
            p.drawLine(lane.topLeft(), lane.topRight());
        }
        if (i < laneNames_.size() && lane.height() >= 4 * p.fontMetrics().height()) {
            p.setPen(axisText());
            p.drawText(lane.adjusted(6, 2, 0, 0), Qt::AlignLeft | Qt::AlignTop, laneNames_[i]);
        }
    }
}

void WaveformPane::paintAxis(QPainter& p, const QRect& axis) {
    TimePane::paintAxis(p, axis);
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    p.setFont(f);
    p.setPen(axisText());
    const QFontMetrics fm(f);
    const int lanes = std::max(1, int(lanes_.size()));
    for (int i = 0; i < lanes; ++i) {
        const QRect lane = lanes_.empty() ? axis : laneRect(axis, i);
        const double mid = lane.top() + lane.height() / 2.0, half = lane.height() / 2.0 - 2;
        if (!lanes_.empty() && lane.height() < 4 * fm.height()) {  // too low for ticks: the channel's name
            p.drawText(axis.adjusted(0, 0, -8, 0).intersected(QRect(axis.left(), lane.top(), axis.width() - 8, lane.height())),
                       Qt::AlignRight | Qt::AlignVCenter, i < laneNames_.size() ? laneNames_[i] : QString());
            continue;
        }
        const bool roomy = lane.height() > 5 * fm.height();
        for (double a : {1.0, 0.5, 0.0, -0.5, -1.0}) {
            if (!roomy && std::abs(a) == 0.5) continue;
            const int y = int(std::lround(mid - a * half));
            p.drawLine(axis.right() - 4, y, axis.right(), y);
            const int ty = std::clamp(y - fm.height() / 2, lane.top(), lane.bottom() - fm.height());
            p.drawText(QRect(axis.left(), ty, axis.width() - 8, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
                       QString::number(a, 'g', 2));
        }
    }
}

OverviewStrip::OverviewStrip(ViewManager* view, QWidget* parent) : QWidget(parent), view_(view) {
    setFixedHeight(44);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setToolTip(tr("Whole file: drag to scroll, wheel to zoom"));
    connect(view, &ViewManager::viewChanged, this, qOverload<>(&QWidget::update));
    connect(view, &ViewManager::cursorChanged, this, qOverload<>(&QWidget::update));
    connect(view, &ViewManager::selectionChanged, this, qOverload<>(&QWidget::update));
}

QRect OverviewStrip::plotRect() const { return QRect(TimePane::kAxisWidth, 2, std::max(1, width() - TimePane::kAxisWidth), height() - 4); }

void OverviewStrip::setData(std::shared_ptr<const WaveformData> data) {
    data_ = std::move(data);
    cache_ = QImage();
    update();
}

void OverviewStrip::resizeEvent(QResizeEvent*) { cache_ = QImage(); }

void OverviewStrip::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), QColor(30, 33, 39));
    const QRect plot = plotRect();
    if (data_ && data_->samples && cache_.size() != plot.size()) {
        cache_ = QImage(plot.size(), QImage::Format_ARGB32_Premultiplied);
        cache_.fill(Qt::transparent);
        QPainter c(&cache_);
        drawWaveform(c, QRect(QPoint(0, 0), plot.size()), *data_, 0, data_->duration(), QColor(120, 130, 150));
    }
    p.fillRect(plot, QColor(22, 24, 29));
    if (!cache_.isNull()) p.drawImage(plot.topLeft(), cache_);
    const double dur = view_->duration();
    auto xOf = [&](double t) { return plot.left() + t / dur * plot.width(); };
    if (view_->hasSelection())
        p.fillRect(QRectF(QPointF(xOf(view_->selectionStart()), plot.top()), QPointF(xOf(view_->selectionEnd()), plot.bottom())),
                   QColor(120, 170, 255, 50));
    const QRectF visible(QPointF(xOf(view_->viewStart()), plot.top()), QPointF(std::max(xOf(view_->viewEnd()), xOf(view_->viewStart()) + 3), plot.bottom()));
    p.fillRect(visible, QColor(255, 255, 255, 36));
    p.setPen(QPen(QColor(140, 185, 255), 1.5));
    p.drawRect(visible.adjusted(0.75, 0.75, -0.75, -0.75));
    p.setPen(QColor(255, 210, 80));
    p.drawLine(QPointF(xOf(view_->cursor()), plot.top()), QPointF(xOf(view_->cursor()), plot.bottom()));
    p.setPen(QColor(150, 156, 168));
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    p.setFont(f);
    p.drawText(QRect(0, 0, TimePane::kAxisWidth - 8, height()), Qt::AlignRight | Qt::AlignVCenter, tr("overview"));
}

void OverviewStrip::centreAt(int x) {
    const QRect plot = plotRect();
    const double t = double(x - plot.left()) / plot.width() * view_->duration();
    const double span = view_->viewSpan();
    view_->setVisibleRange(t - span / 2, t + span / 2);
}

void OverviewStrip::mousePressEvent(QMouseEvent* e) {
    if (e->button() == Qt::LeftButton) centreAt(int(e->position().x()));
}

void OverviewStrip::mouseMoveEvent(QMouseEvent* e) {
    if (e->buttons() & Qt::LeftButton) centreAt(int(e->position().x()));
}

void OverviewStrip::wheelEvent(QWheelEvent* e) {
    const double steps = e->angleDelta().y() / 120.0;
    const double centre = 0.5 * (view_->viewStart() + view_->viewEnd());
    view_->zoomTime(std::pow(1.25, steps), centre);
}

TimeRuler::TimeRuler(ViewManager* view, QWidget* parent) : TimePane(view, parent) { setFixedHeight(24); }

void TimeRuler::paintPlot(QPainter& p, const QRect& plot) {
    p.fillRect(plot, axisBackground());
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    p.setFont(f);
    const QFontMetrics fm(f);
    const double t0 = view()->viewStart(), t1 = view()->viewEnd();
    const double step = niceStep(t1 - t0, std::max(2, plot.width() / (fm.horizontalAdvance("00:00.000") + 24)));
    p.setPen(axisText());
    for (double t = std::ceil(t0 / step) * step; t <= t1 + 1e-9; t += step) {
        const int x = xAtTime(t);
        p.drawLine(x, plot.bottom() - 6, x, plot.bottom());
        p.drawText(QRect(x + 3, plot.top(), 120, plot.height() - 4), Qt::AlignLeft | Qt::AlignVCenter, formatTime(t, step));
        const int minorX = xAtTime(t + step / 2);
        p.drawLine(minorX, plot.bottom() - 3, minorX, plot.bottom());
    }
}

void TimeRuler::paintAxis(QPainter& p, const QRect& axis) {
    TimePane::paintAxis(p, axis);
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    p.setFont(f);
    p.setPen(axisText().darker(130));
    p.drawText(axis.adjusted(0, 0, -8, 0), Qt::AlignRight | Qt::AlignVCenter, tr("time"));
}

}  // namespace phaselab
