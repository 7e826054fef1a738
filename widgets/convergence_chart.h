#pragma once
// Live convergence curves (Qt Charts): one line per figure (e.g. "spectral_convergence_db",
// "inconsistency") against the iteration number. The first two figures a run reports are
// plotted, the first on the left axis and the second on the right; labels come from
// setFigures() (the figure id otherwise). Points are appended while a run goes on; startRun()
// keeps earlier runs' curves dimmed for comparison.
// Cost: Qt Charts re-strokes a whole line for every appended point, so a curve draws at most
// kMaxPlottedPoints points: past that it keeps every 2nd, 4th, ... iteration (the first and the
// latest always), and a run of 10^5 iterations costs no more per iteration than one of 10^3.
// GUI-thread widget.

#include <QChartView>
#include <QMap>
#include <QList>
#include <QPointF>
#include <QString>
#include <utility>
#include <vector>

class QLineSeries;
class QValueAxis;

namespace phaselab {

class ConvergenceChart : public QChartView {
    Q_OBJECT
public:
    explicit ConvergenceChart(QWidget* parent = nullptr);

    // Display names of figure ids ("spectral_convergence_db" -> "Spectral convergence (dB)").
    // Listed figures are preferred: a run's first two listed figures are plotted if it reports
    // any; otherwise its first two figures.
    void setFigures(const QList<std::pair<QString, QString>>& idAndLabel);
    // A new run: earlier curves stay, dimmed, labelled with `previousLabel`.
    void startRun(const QString& label);
    void addPoint(int iteration, const std::vector<std::pair<std::string, double>>& figures);
    void clearAll();

    int pointCount(const QString& figureId) const;  // points of the current run
    double lastValue(const QString& figureId) const;

private:
    static constexpr int kMaxPlottedPoints = 1000;
    struct Curve {
        QLineSeries* series = nullptr;
        QValueAxis* axis = nullptr;
        double lo = 0, hi = 0;
        bool empty = true;
        QList<QPointF> all;        // every point given to addPoint
        int stride = 1;            // every stride-th of them is plotted
        bool lastIsExtra = false;  // the series ends with the latest point, off the stride
    };
    void append(Curve& c, QPointF p);
    QLineSeries* addSeries(const QString& id, int axisIndex);
    void fitX(int iteration);
    QString labelOf(const QString& id) const;

    QList<std::pair<QString, QString>> figures_;
    QMap<QString, Curve> current_;
    QStringList plotted_;  // figure ids of the current run, at most two (left, right)
    QValueAxis* xAxis_;
    QValueAxis* leftAxis_;
    QValueAxis* rightAxis_;
    QString runLabel_;
    int maxIteration_ = 1;
};

}  // namespace phaselab
