#pragma once
// Live convergence curves (Qt Charts): one line per figure name (e.g. "spectral_convergence_db",
// "inconsistency") against the iteration number, each figure on its own vertical axis (left for
// the first, right for the second; further figures share the right axis). Points are appended
// while a run goes on; startRun() keeps earlier runs' curves dimmed for comparison.
// GUI-thread widget.

#include <QChartView>
#include <QMap>
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

    // Figures to plot, in order, with their display names ("Spectral convergence (dB)").
    void setFigures(const QList<std::pair<QString, QString>>& idAndLabel);
    // A new run: earlier curves stay, dimmed, labelled with `previousLabel`.
    void startRun(const QString& label);
    void addPoint(int iteration, const std::vector<std::pair<std::string, double>>& figures);
    void clearAll();

    int pointCount(const QString& figureId) const;  // points of the current run
    double lastValue(const QString& figureId) const;

private:
    struct Curve {
        QLineSeries* series = nullptr;
        QValueAxis* axis = nullptr;
        double lo = 0, hi = 0;
        bool empty = true;
    };
    QLineSeries* addSeries(const QString& id, bool current);
    void fitX(int iteration);

    QList<std::pair<QString, QString>> figures_;
    QMap<QString, Curve> current_;
    QValueAxis* xAxis_;
    QValueAxis* leftAxis_;
    QValueAxis* rightAxis_;
    QString runLabel_;
    int maxIteration_ = 1;
};

}  // namespace phaselab
