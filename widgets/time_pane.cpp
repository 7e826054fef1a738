#include "widgets/time_pane.h"

#include <QMouseEvent>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace phaselab {

double niceStep(double span, int maxTicks) {
    const double raw = span / std::max(1, maxTicks);
    const double mag = std::pow(10.0, std::floor(std::log10(std::max(raw, 1e-9))));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * mag >= raw) return m * mag;
    return 10 * mag;
}

QString formatTime(double seconds, double step) {
    const int decimals = step >= 1 ? 0 : std::min(4, int(std::ceil(-std::log10(step) - 1e-9)));
    if (seconds >= 60) {
        const int minutes = int(seconds / 60);
        const double rest = seconds - 60 * minutes;
        return QString("%1:%2").arg(minutes).arg(rest, decimals ? 3 + decimals : 2, 'f', decimals, QChar('0'));
    }
    return QString::number(seconds, 'f', decimals) + " s";
}

TimePane::TimePane(ViewManager* view, QWidget* parent) : QWidget(parent), view_(view) {
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    connect(view, &ViewManager::viewChanged, this, qOverload<>(&QWidget::update));
    connect(view, &ViewManager::cursorChanged, this, qOverload<>(&QWidget::update));
    connect(view, &ViewManager::selectionChanged, this, qOverload<>(&QWidget::update));
}

QRect TimePane::plotRect() const { return QRect(kAxisWidth, 0, std::max(1, width() - kAxisWidth), height()); }

double TimePane::timeAtX(int x) const {
    const QRect r = plotRect();
    return view_->timeAt(x - r.left(), r.width());
}

int TimePane::xAtTime(double t) const {
    const QRect r = plotRect();
    return r.left() + int(std::lround(view_->xAt(t, r.width())));
}

void TimePane::paintAxis(QPainter& p, const QRect& axis) { p.fillRect(axis, axisBackground()); }

void TimePane::setCornerLabel(const QString& text) {
    cornerLabel_ = text;
    update();
}

void TimePane::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const QRect plot = plotRect();
    p.fillRect(plot, background());
    p.save();
    p.setClipRect(plot);
    paintPlot(p, plot);
    if (view_->hasSelection()) {
        const int a = xAtTime(view_->selectionStart()), b = xAtTime(view_->selectionEnd());
        int top = plot.top(), bottom = plot.bottom();
        if (hasFrequencyAxis() && view_->hasSelectionBand()) {
            const FrequencyAxis& axis = view_->frequencyAxis();
            top = plot.bottom() - int(std::lround(axis.toPosition(view_->selectionHighHz()) * plot.height()));
            bottom = plot.bottom() - int(std::lround(axis.toPosition(view_->selectionLowHz()) * plot.height()));
        }
        const QRect box(QPoint(a, top), QPoint(b, bottom));
        p.fillRect(box, QColor(120, 170, 255, 60));
        p.setPen(QColor(140, 185, 255, 200));
        if (hasFrequencyAxis() && view_->hasSelectionBand()) p.drawRect(box);
        else {
            p.drawLine(a, plot.top(), a, plot.bottom());
            p.drawLine(b, plot.top(), b, plot.bottom());
        }
    }
    const int cx = xAtTime(view_->cursor());
    p.setPen(QPen(QColor(255, 210, 80), 1.5));
    p.drawLine(cx, plot.top(), cx, plot.bottom());
    if (!cornerLabel_.isEmpty()) {
        QFont f = font();
        f.setBold(true);
        p.setFont(f);
        const QFontMetrics fm(f);
        const QRect box(plot.right() - fm.horizontalAdvance(cornerLabel_) - 18, plot.top() + 6, fm.horizontalAdvance(cornerLabel_) + 12,
                        fm.height() + 4);
        p.fillRect(box, QColor(0, 0, 0, 170));
        p.setPen(QColor(235, 235, 235));
        p.drawText(box, Qt::AlignCenter, cornerLabel_);
    }
    p.restore();
    paintAxis(p, QRect(0, 0, TimePane::kAxisWidth, height()));
    p.setPen(QColor(60, 64, 74));
    p.drawLine(plot.left(), 0, plot.left(), height());
}

void TimePane::mousePressEvent(QMouseEvent* e) {
    if (e->button() != Qt::LeftButton || e->position().x() < kAxisWidth) return;
    const double t = timeAtX(int(e->position().x()));
    if (e->modifiers() & Qt::ShiftModifier) {
        view_->setSelection(view_->cursor(), t);
        pressTime_ = -1;
        return;
    }
    pressTime_ = t;
    pressHeight_ = heightAt(e->position().y());
    dragging_ = false;
    boxing_ = hasFrequencyAxis() && (e->modifiers() & Qt::ControlModifier);
}

double TimePane::heightAt(double y) const {
    const QRect plot = plotRect();
    return std::clamp(1.0 - (y - plot.top()) / std::max(1, plot.height()), 0.0, 1.0);
}

void TimePane::mouseMoveEvent(QMouseEvent* e) {
    const QRect plot = plotRect();
    const double t = timeAtX(int(e->position().x()));
    if (pressTime_ >= 0 && (e->buttons() & Qt::LeftButton)) {
        if (std::abs(xAtTime(pressTime_) - e->position().x()) > 3) dragging_ = true;
        if (dragging_ && boxing_) {
            const FrequencyAxis& axis = view_->frequencyAxis();
            view_->setBoxSelection(pressTime_, t, axis.toHz(pressHeight_), axis.toHz(heightAt(e->position().y())));
        } else if (dragging_) {
            view_->setSelection(pressTime_, t);
        }
    }
    if (plot.contains(e->position().toPoint()))
        emit hovered(t, 1.0 - (e->position().y() - plot.top()) / std::max(1, plot.height()));
    else
        emit left();
}

void TimePane::mouseReleaseEvent(QMouseEvent* e) {
    if (e->button() != Qt::LeftButton || pressTime_ < 0) return;
    if (!dragging_) {
        view_->clearSelection();
        view_->setCursor(pressTime_);
    }
    pressTime_ = -1;
    dragging_ = false;
}

void TimePane::wheelEvent(QWheelEvent* e) {
    const double steps = e->angleDelta().y() / 120.0 + e->angleDelta().x() / 120.0;
    if (steps == 0) return;
    const double factor = std::pow(1.25, steps);
    const QRect plot = plotRect();
    if ((e->modifiers() & Qt::AltModifier) || e->position().x() < kAxisWidth) {
        verticalWheel(factor, 1.0 - (e->position().y() - plot.top()) / std::max(1, plot.height()));
    } else if (e->modifiers() & Qt::ControlModifier) {
        view_->zoomTime(factor, timeAtX(int(e->position().x())));
    } else {
        view_->scrollBy(-steps * 0.1 * view_->viewSpan());
    }
    e->accept();
}

void TimePane::leaveEvent(QEvent*) { emit left(); }

}  // namespace phaselab
