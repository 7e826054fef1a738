#include "widgets/convergence_chart.h"

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
    setMinimumHeight(180);
}

void ConvergenceChart::setFigures(const QList<std::pair<QString, QString>>& idAndLabel) {
    clearAll();
    figures_ = idAndLabel;
    if (!figures_.isEmpty()) leftAxis_->setTitleText(figures_[0].second);
    if (figures_.size() > 1) rightAxis_->setTitleText(figures_[1].second);
    rightAxis_->setVisible(figures_.size() > 1);
}

void ConvergenceChart::clearAll() {
    chart()->removeAllSeries();
    current_.clear();
    maxIteration_ = 1;
    xAxis_->setRange(0, 1);
}

QLineSeries* ConvergenceChart::addSeries(const QString& id, bool current) {
    auto* s = new QLineSeries;
    int index = 0;
    for (int i = 0; i < figures_.size(); ++i)
        if (figures_[i].first == id) index = i;
    QColor c = kColours[index % kColours.size()];
    if (!current) c.setAlpha(70);
    QPen pen(c);
    pen.setWidthF(current ? 2.0 : 1.2);
    s->setPen(pen);
    s->setName(figures_[index].second + (runLabel_.isEmpty() ? QString() : " — " + runLabel_));
    chart()->addSeries(s);
    s->attachAxis(xAxis_);
    s->attachAxis(index == 0 ? leftAxis_ : rightAxis_);
    return s;
}

void ConvergenceChart::startRun(const QString& label) {
    for (auto it = current_.begin(); it != current_.end(); ++it) {
        QPen pen = it->series->pen();
        QColor c = pen.color();
        c.setAlpha(70);
        pen.setColor(c);
        pen.setWidthF(1.2);
        it->series->setPen(pen);
    }
    current_.clear();
    runLabel_ = label;
}

void ConvergenceChart::fitX(int iteration) {
    if (iteration <= maxIteration_) return;
    maxIteration_ = iteration;
    xAxis_->setRange(0, maxIteration_);
}

void ConvergenceChart::addPoint(int iteration, const std::vector<std::pair<std::string, double>>& figures) {
    for (const auto& [name, value] : figures) {
        const QString id = QString::fromStdString(name);
        int index = -1;
        for (int i = 0; i < figures_.size(); ++i)
            if (figures_[i].first == id) index = i;
        if (index < 0 || !std::isfinite(value)) continue;
        Curve& c = current_[id];
        if (!c.series) {
            c.series = addSeries(id, true);
            c.axis = index == 0 ? leftAxis_ : rightAxis_;
        }
        c.series->append(iteration, value);
        if (c.empty) {
            c.lo = c.hi = value;
            c.empty = false;
        }
        c.lo = std::min(c.lo, value);
        c.hi = std::max(c.hi, value);
        double lo = c.lo, hi = c.hi;
        for (const Curve& other : current_)
            if (other.axis == c.axis && !other.empty) {
                lo = std::min(lo, other.lo);
                hi = std::max(hi, other.hi);
            }
        const double pad = hi > lo ? 0.05 * (hi - lo) : std::max(1e-6, std::abs(hi) * 0.05);
        c.axis->setRange(lo - pad, hi + pad);
    }
    fitX(iteration);
}

int ConvergenceChart::pointCount(const QString& figureId) const {
    auto it = current_.find(figureId);
    return it == current_.end() ? 0 : int(it->series->count());
}

double ConvergenceChart::lastValue(const QString& figureId) const {
    auto it = current_.find(figureId);
    if (it == current_.end() || it->series->count() == 0) return std::nan("");
    return it->series->at(it->series->count() - 1).y();
}

}  // namespace phaselab
