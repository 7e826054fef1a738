#include "widgets/view_manager.h"

#include <algorithm>
#include <cmath>

namespace phaselab {

ViewManager::ViewManager(QObject* parent) : QObject(parent) {}

void ViewManager::reset(double duration, double nyquistHz) {
    duration_ = std::max(duration, minSpan());
    nyquist_ = nyquistHz > 0 ? nyquistHz : 22050;
    start_ = 0;
    end_ = duration_;
    cursor_ = 0;
    selStart_ = selEnd_ = 0;
    bandLow_ = bandHigh_ = 0;
    axis_.minHz = 0;
    axis_.maxHz = nyquist_;
    emit viewChanged();
    emit cursorChanged(cursor_);
    emit selectionChanged();
    emit frequencyAxisChanged();
}

void ViewManager::setVisibleRange(double start, double end) {
    if (end < start) std::swap(start, end);
    double span = std::clamp(end - start, minSpan(), duration_);
    start = std::clamp(start, 0.0, duration_ - span);
    if (start == start_ && start + span == end_) return;
    start_ = start;
    end_ = start + span;
    emit viewChanged();
}

void ViewManager::zoomTime(double factor, double anchor) {
    if (!(factor > 0)) return;
    const double span = std::clamp(viewSpan() / factor, minSpan(), duration_);
    const double rel = viewSpan() > 0 ? (anchor - start_) / viewSpan() : 0.5;
    const double start = anchor - rel * span;
    setVisibleRange(start, start + span);
}

void ViewManager::zoomToSelection() {
    if (hasSelection()) setVisibleRange(selStart_, selEnd_);
}

void ViewManager::scrollBy(double seconds) { setVisibleRange(start_ + seconds, end_ + seconds); }

void ViewManager::ensureVisible(double t) {
    if (t >= start_ && t <= end_) return;
    const double span = viewSpan();
    setVisibleRange(t - 0.05 * span, t + 0.95 * span);
}

void ViewManager::setCursor(double t) {
    t = std::clamp(t, 0.0, duration_);
    if (t == cursor_) return;
    cursor_ = t;
    emit cursorChanged(t);
}

void ViewManager::setSelection(double a, double b) { setBoxSelection(a, b, 0, 0); }

void ViewManager::setBoxSelection(double a, double b, double lowHz, double highHz) {
    if (b < a) std::swap(a, b);
    if (highHz < lowHz) std::swap(lowHz, highHz);
    a = std::clamp(a, 0.0, duration_);
    b = std::clamp(b, 0.0, duration_);
    lowHz = std::clamp(lowHz, 0.0, nyquist_);
    highHz = std::clamp(highHz, 0.0, nyquist_);
    if (a == selStart_ && b == selEnd_ && lowHz == bandLow_ && highHz == bandHigh_) return;
    selStart_ = a;
    selEnd_ = b;
    bandLow_ = lowHz;
    bandHigh_ = highHz;
    emit selectionChanged();
}

void ViewManager::clearSelection() { setSelection(0, 0); }

void ViewManager::setFrequencyScale(FrequencyScale scale) {
    if (scale == axis_.scale) return;
    axis_.scale = scale;
    emit frequencyAxisChanged();
}

void ViewManager::setFrequencyRange(double lowHz, double highHz) {
    if (highHz < lowHz) std::swap(lowHz, highHz);
    lowHz = std::clamp(lowHz, 0.0, nyquist_);
    highHz = std::clamp(highHz, 0.0, nyquist_);
    if (highHz - lowHz < 10) {
        highHz = std::min(nyquist_, lowHz + 10);
        lowHz = highHz - 10;
    }
    if (lowHz == axis_.minHz && highHz == axis_.maxHz) return;
    axis_.minHz = lowHz;
    axis_.maxHz = highHz;
    emit frequencyAxisChanged();
}

void ViewManager::zoomFrequency(double factor, double anchorPosition) {
    if (!(factor > 0)) return;
    // Zoom in axis-position space so that log/mel axes zoom evenly.
    const double lo = anchorPosition - anchorPosition / factor;
    const double hi = anchorPosition + (1 - anchorPosition) / factor;
    double loHz = axis_.toHz(std::clamp(lo, -10.0, 10.0)), hiHz = axis_.toHz(std::clamp(hi, -10.0, 10.0));
    if (!std::isfinite(loHz) || loHz < 0) loHz = 0;
    if (!std::isfinite(hiHz)) hiHz = nyquist_;
    setFrequencyRange(loHz, hiHz);
}

}  // namespace phaselab
