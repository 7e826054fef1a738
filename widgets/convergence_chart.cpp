#include "widgets/convergence_chart.h"

#include <QLegendMarker>
#include <QLineSeries>
#include <QValueAxis>
#include <cmath>

namespace phaselab {
namespace {
const QList<QColor> kColours{QColor(0x1f, 0x77, 0xb4), QColor(0xd6, 0x27, 0x28), QColor(0x2c, 0xa0, 0x2c),
                             QColor(0x94, 0x67, 0xbd)};
}

ConvergenceChart::ConvergenceChart(QWidget* parent)
    : QChartView(new QChart, parent), xAxis_(new QValueAxis), leftAxis_(new QValueAxis), rightAxis_(new QValueAxis) {
    setRenderHint(QPainter::Antialiasing);
    chart()->legend()->setAlignment(Qt::AlignBottom);
    chart()->setMargins(QMargins(4, 4, 4, 4));
    xAxis_->setTitleText("iteration");
    xAxis_->setLabelFormat("%d");
    xAxis_->setRange(0, 1);
    chart()->addAxis(xAxis_, Qt::AlignBottom);
    chart()->addAxis(leftAxis_, Qt::AlignLeft);
    chart()->addAxis(rightAxis_, Qt::AlignRight);
    rightAxis_->setVisible(false);
    setMinimumHeight(220);
}

void ConvergenceChart::setFigures(const QList<std::pair<QString, QString>>& idAndLabel) {
    clearAll();
    figures_ = idAndLabel;
}

QString ConvergenceChart::labelOf(const QString& id) const {
    for (const auto& [fid, label] : figures_)
        if (fid == id) return label;
    return id;
}

void ConvergenceChart::clearAll() {
    chart()->removeAllSeries();
    current_.clear();
    plotted_.clear();
    rightAxis_->setVisible(false);
    maxIteration_ = 1;
    xAxis_->setRange(0, 1);
}

QLineSeries* ConvergenceChart::addSeries(const QString& id, int axisIndex) {
    auto* s = new QLineSeries;
    QPen pen(kColours[axisIndex % kColours.size()]);
    pen.setWidthF(2.0);
    s->setPen(pen);
    s->setName(labelOf(id) + (runLabel_.isEmpty() ? QString() : " — " + runLabel_));
    chart()->addSeries(s);
    s->attachAxis(xAxis_);
    s->attachAxis(axisIndex == 0 ? leftAxis_ : rightAxis_);
    (axisIndex == 0 ? leftAxis_ : rightAxis_)->setTitleText(labelOf(id));
    if (axisIndex == 1) rightAxis_->setVisible(true);
    return s;
}

void ConvergenceChart::startRun(const QString& label) {
    for (auto it = current_.begin(); it != current_.end(); ++it) {
        for (QLegendMarker* m : chart()->legend()->markers(it->series)) m->setVisible(false);  // legend: current run only
        QPen pen = it->series->pen();
        QColor c = pen.color();
        c.setAlpha(70);
        pen.setColor(c);
        pen.setWidthF(1.2);
        it->series->setPen(pen);
    }
    current_.clear();
    plotted_.clear();
    rightAxis_->setVisible(false);  // shown again if the new run reports a second figure
    runLabel_ = label;
}

void ConvergenceChart::fitX(int iteration) {
    if (iteration <= maxIteration_) return;
    maxIteration_ = iteration;
    xAxis_->setRange(0, maxIteration_);
}

void ConvergenceChart::addPoint(int iteration, const std::vector<std::pair<std::string, double>>& figures) {
    if (plotted_.isEmpty()) {
        // Choose this run's (at most two) figures: listed ones first, in the listed order.
        for (const auto& [fid, label] : figures_)
            for (const auto& f : figures)
                if (QString::fromStdString(f.first) == fid && plotted_.size() < 2) plotted_ << fid;
        for (const auto& f : figures)
            if (plotted_.size() < 2 && !plotted_.contains(QString::fromStdString(f.first)))
                plotted_ << QString::fromStdString(f.first);
    }
    for (const auto& [name, value] : figures) {
        const QString id = QString::fromStdString(name);
        const int index = int(plotted_.indexOf(id));
        if (index < 0 || !std::isfinite(value)) continue;
        Curve& c = current_[id];
        if (!c.series) {
            c.series = addSeries(id, index);
            c.axis = index == 0 ? leftAxis_ : rightAxis_;
        }
        append(c, QPointF(iteration, value));
        if (c.empty) {
            c.lo = c.hi = value;
            c.empty = false;
        }
        c.lo = std::min(c.lo, value);
        c.hi = std::max(c.hi, value);
        const double pad = c.hi > c.lo ? 0.05 * (c.hi - c.lo) : std::max(1e-6, std::abs(c.hi) * 0.05);
        c.axis->setRange(c.lo - pad, c.hi + pad);
    }
    fitX(iteration);
}

void ConvergenceChart::append(Curve& c, QPointF p) {
    c.all << p;
    const qsizetype index = c.all.size() - 1;
    if (c.lastIsExtra) c.series->remove(int(c.series->count() - 1));  // the previous latest, off the stride
    c.series->append(p);
    c.lastIsExtra = index % c.stride != 0;
    if (c.series->count() <= kMaxPlottedPoints) return;
    c.stride *= 2;  // thin out: the points on the new stride, and the latest
    QList<QPointF> kept;
    for (qsizetype i = 0; i < c.all.size(); i += c.stride) kept << c.all[i];
    c.lastIsExtra = index % c.stride != 0;
    if (c.lastIsExtra) kept << p;
    c.series->replace(kept);
}

int ConvergenceChart::pointCount(const QString& figureId) const {
    auto it = current_.find(figureId);
    return it == current_.end() ? 0 : int(it->all.size());
}

double ConvergenceChart::lastValue(const QString& figureId) const {
    auto it = current_.find(figureId);
    if (it == current_.end() || it->all.isEmpty()) return std::nan("");
    return it->all.back().y();
}

}  // namespace phaselab
