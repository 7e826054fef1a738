#pragma once
// Base class of the panes that show a time range of one file (waveform, spectrogram, ruler):
// a left axis column of fixed width and a plot area whose x axis is the ViewManager's visible
// range. It handles the shared interaction and overlays:
//   click: set the cursor · drag: select · shift+click: extend the selection from the cursor
//   ctrl+drag (panes with a frequency axis): select a time-frequency box
//   wheel: scroll in time · ctrl+wheel: zoom in time around the mouse
//   overlays: selection (translucent), cursor (line).
// Subclasses paint the plot area in paintPlot() and the axis column in paintAxis().

#include <QPointer>
#include <QWidget>

#include "widgets/view_manager.h"

namespace phaselab {

class TimePane : public QWidget {
    Q_OBJECT
public:
    static constexpr int kAxisWidth = 64;  // px, the same in every pane so time lines up

    explicit TimePane(ViewManager* view, QWidget* parent = nullptr);
    ViewManager* view() const { return view_; }
    QRect plotRect() const;
    double timeAtX(int x) const;
    int xAtTime(double t) const;
    // A short name drawn in the plot's top-right corner (the channel of a stacked view); empty: none.
    void setCornerLabel(const QString& text);
    QString cornerLabel() const { return cornerLabel_; }

signals:
    // The mouse moved over the plot at time t (s) and plot-relative height 0 (bottom) .. 1 (top).
    void hovered(double t, double heightFraction);
    void left();

protected:
    virtual void paintPlot(QPainter& p, const QRect& plot) = 0;
    virtual void paintAxis(QPainter& p, const QRect& axis);
    // Vertical wheel over the axis column or with alt: subclasses may zoom vertically.
    virtual void verticalWheel(double /*factor*/, double /*heightFraction*/) {}
    // Panes whose vertical axis is the view's frequency axis (spectrogram, phase): Ctrl+drag selects
    // a time-frequency box and the selection's band is drawn.
    virtual bool hasFrequencyAxis() const { return false; }

    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent*) override;
    void mouseMoveEvent(QMouseEvent*) override;
    void mouseReleaseEvent(QMouseEvent*) override;
    void wheelEvent(QWheelEvent*) override;
    void leaveEvent(QEvent*) override;

    static QColor background() { return QColor(24, 26, 31); }
    static QColor axisBackground() { return QColor(36, 39, 46); }
    static QColor axisText() { return QColor(190, 196, 206); }
    static QColor gridColour() { return QColor(255, 255, 255, 28); }

private:
    QPointer<ViewManager> view_;
    QString cornerLabel_;
    double pressTime_ = -1;
    double pressHeight_ = 0;  // plot-relative, 0 bottom .. 1 top
    bool dragging_ = false;
    bool boxing_ = false;
    double heightAt(double y) const;
};

// Tick step (in the axis unit) giving at most `maxTicks` ticks over `span`: 1, 2, 5 x 10^k.
double niceStep(double span, int maxTicks);
// "1:05.250", "12.5 s", "350 ms" for tick labels given the step.
QString formatTime(double seconds, double step);

}  // namespace phaselab
