#pragma once
// Waveform views: the WaveformData summary, the WaveformPane (visible range, min/max envelope or
// the samples themselves when zoomed in), the OverviewStrip (whole file, visible range
// highlighted, drag to scroll) and the TimeRuler (time axis shared by the panes).

#include <Eigen/Core>
#include <QImage>
#include <QStringList>
#include <memory>
#include <vector>

#include "widgets/mono_samples.h"
#include "widgets/time_pane.h"

namespace phaselab {

// Mono samples plus a min/max summary per block of kBlock samples, so a zoomed-out paint reads
// the summary instead of every sample. Immutable once made; make it on any thread.
struct WaveformData {
    static constexpr int kBlock = 256;
    std::shared_ptr<const MonoSamples> samples;
    double sampleRate = 0;
    std::vector<float> blockMin, blockMax;

    double duration() const { return samples && sampleRate > 0 ? double(samples->size()) / sampleRate : 0; }
    // Min and max of samples [s0, s1) (clipped to the signal); {0, 0} when empty.
    std::pair<float, float> range(Eigen::Index s0, Eigen::Index s1) const;
    static std::shared_ptr<const WaveformData> make(std::shared_ptr<const MonoSamples> mono, double sampleRate);
};

class WaveformPane : public TimePane {
    Q_OBJECT
public:
    explicit WaveformPane(ViewManager* view, QWidget* parent = nullptr);
    // The signal the other panes show (one lane).
    void setData(std::shared_ptr<const WaveformData> data);
    std::shared_ptr<const WaveformData> data() const { return data_; }
    // Instead of data(), one lane per channel, stacked top to bottom and labelled with `names`
    // (e.g. "L", "R"); empty to show data() again. data() stays the signal of the other panes.
    void setLanes(std::vector<std::shared_ptr<const WaveformData>> lanes, QStringList names);
    int laneCount() const { return lanes_.empty() ? (data_ ? 1 : 0) : int(lanes_.size()); }
    void setColour(const QColor& c) { colour_ = c; update(); }

protected:
    void paintPlot(QPainter& p, const QRect& plot) override;
    void paintAxis(QPainter& p, const QRect& axis) override;

private:
    QRect laneRect(const QRect& plot, int lane) const;

    std::shared_ptr<const WaveformData> data_;
    std::vector<std::shared_ptr<const WaveformData>> lanes_;
    QStringList laneNames_;
    QColor colour_{86, 182, 194};
};

class OverviewStrip : public QWidget {
    Q_OBJECT
public:
    explicit OverviewStrip(ViewManager* view, QWidget* parent = nullptr);
    void setData(std::shared_ptr<const WaveformData> data);
    QRect plotRect() const;

protected:
    void paintEvent(QPaintEvent*) override;
    void resizeEvent(QResizeEvent*) override;
    void mousePressEvent(QMouseEvent*) override;
    void mouseMoveEvent(QMouseEvent*) override;
    void wheelEvent(QWheelEvent*) override;

private:
    void centreAt(int x);
    QPointer<ViewManager> view_;
    std::shared_ptr<const WaveformData> data_;
    QImage cache_;
};

class TimeRuler : public TimePane {
    Q_OBJECT
public:
    explicit TimeRuler(ViewManager* view, QWidget* parent = nullptr);

protected:
    void paintPlot(QPainter& p, const QRect& plot) override;
    void paintAxis(QPainter& p, const QRect& axis) override;
};

}  // namespace phaselab
