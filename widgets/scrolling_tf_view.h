#pragma once
// A scrolling time-frequency strip for the live mode: samples pushed in, the newest STFT frame
// appended at the right (its level from -90 to 0 dBFS on the magma map, or its phase on the cyclic
// twilight map where the level is within 60 dB of the recent peak, black elsewhere), older frames
// moving left.
// GUI thread only. The STFT is core's (stream::FrameTransform), so the frames are the offline ones.

#include <QImage>
#include <QWidget>
#include <memory>

#include "core/stream/stream_engine.h"

namespace phaselab {

class ScrollingTfView : public QWidget {
    Q_OBJECT
public:
    enum class Kind { Level, Phase };
    ScrollingTfView(Kind kind, QString title, QWidget* parent = nullptr);
    ~ScrollingTfView() override;
    // Restarts the strip with another STFT (frames shown) and sample rate; columns: frames kept.
    void configure(const StftConfig& config, double sampleRate, int columns = 480);
    void push(const float* samples, std::size_t n);
    void clear();
    int framesShown() const { return frames_; }
    const QImage& image() const { return image_; }
    QSize sizeHint() const override { return {480, 140}; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    void addColumn();

    Kind kind_;
    QString title_;
    StftConfig config_;
    double rate_ = 0;
    std::unique_ptr<stream::FrameTransform> transform_;
    Eigen::ArrayXf history_;   // the last window of samples
    Eigen::Index sinceFrame_ = 0;
    Spectrogram frame_;
    QImage image_;             // columns x bins, newest at the right
    float peakDb_ = -120;
    int frames_ = 0;
};

}  // namespace phaselab
