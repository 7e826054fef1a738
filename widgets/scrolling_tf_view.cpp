#include "widgets/scrolling_tf_view.h"

#include <QPainter>
#include <algorithm>
#include <cmath>
#include <cstring>

#include "widgets/colormap.h"

namespace phaselab {

ScrollingTfView::ScrollingTfView(Kind kind, QString title, QWidget* parent)
    : QWidget(parent), kind_(kind), title_(std::move(title)) {
    setMinimumSize(160, 60);
    setToolTip(kind == Kind::Level ? tr("%1: level (-90 to 0 dBFS) of the newest STFT frames, the newest at the right").arg(title_)
                                   : tr("%1: phase of the newest STFT frames (cyclic colours) where the level is within "
                                        "60 dB of the peak").arg(title_));
}

ScrollingTfView::~ScrollingTfView() = default;

void ScrollingTfView::configure(const StftConfig& config, double sampleRate, int columns) {
    config_ = config;
    rate_ = sampleRate;
    transform_ = std::make_unique<stream::FrameTransform>(config);
    history_.setZero(config.windowLength);
    frame_.setZero(config.bins(), 1);
    image_ = QImage(columns, config.bins(), QImage::Format_RGB32);
    clear();
}

void ScrollingTfView::clear() {
    if (!image_.isNull()) image_.fill(Qt::black);
    history_.setZero();
    sinceFrame_ = 0;
    peakDb_ = -120;
    frames_ = 0;
    update();
}

void ScrollingTfView::push(const float* samples, std::size_t n) {
    if (!transform_) return;
    const Eigen::Index N = history_.size();
    for (std::size_t k = 0; k < n;) {
        const Eigen::Index take = std::min<Eigen::Index>(Eigen::Index(n - k), config_.hop - sinceFrame_);
        std::copy(history_.data() + take, history_.data() + N, history_.data());
        std::copy_n(samples + k, take, history_.data() + N - take);
        sinceFrame_ += take;
        k += std::size_t(take);
        if (sinceFrame_ == config_.hop) {
            addColumn();
            sinceFrame_ = 0;
        }
    }
    update();
}

void ScrollingTfView::addColumn() {
    transform_->analyse(history_.data(), frame_.col(0).data());
    const int W = image_.width(), F = image_.height();
    for (int y = 0; y < F; ++y) {  // scroll left by one column
        QRgb* line = reinterpret_cast<QRgb*>(image_.scanLine(y));
        std::memmove(line, line + 1, sizeof(QRgb) * std::size_t(W - 1));
    }
    const float fullScale = transform_->window().sum() / 2.0f;
    auto dbfs = [&](int m) { return 20.0f * std::log10(std::max(std::abs(frame_(m, 0)) / fullScale, 1e-6f)); };
    float columnPeak = -120;
    for (int m = 0; m < F; ++m) columnPeak = std::max(columnPeak, dbfs(m));
    peakDb_ = std::max(columnPeak, peakDb_ - 0.05f);  // a slowly falling peak hold
    const Colormap& levels = Colormap::get(ColormapId::Magma);
    const Colormap& phases = Colormap::get(ColormapId::Twilight);
    constexpr float levelFloor = -90.0f, phaseRange = 60.0f;
    for (int m = 0; m < F; ++m) {
        const float db = dbfs(m);
        QRgb c;
        if (kind_ == Kind::Level) c = levels.at((db - levelFloor) / -levelFloor);
        else if (db > std::max(peakDb_, -40.0f) - phaseRange) c = phases.at(float((std::arg(frame_(m, 0)) + M_PI) / (2 * M_PI)));
        else c = qRgb(0, 0, 0);
        reinterpret_cast<QRgb*>(image_.scanLine(F - 1 - m))[W - 1] = c;
    }
    ++frames_;
}

void ScrollingTfView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), Qt::black);
    if (!image_.isNull()) p.drawImage(rect(), image_);
    p.setPen(Qt::white);
    QString label = title_;
    if (rate_ > 0 && !image_.isNull())
        label += tr("   %1 s · 0–%2 kHz").arg(double(image_.width()) * config_.hop / rate_, 0, 'f', 1).arg(rate_ / 2000.0, 0, 'f', 1);
    p.drawText(rect().adjusted(6, 4, -6, -4), Qt::AlignTop | Qt::AlignLeft, label);
}

}  // namespace phaselab
