#pragma once
// The viewport shared by every pane of one audio view: visible time range, cursor, selection
// and the frequency axis (scale and shown range). Panes read it when they paint and call its
// setters on user input; they repaint on its signals, so all panes move together.
// Times are in seconds from the start of the file; frequencies in Hz.
// GUI-thread object (QObject); not thread-safe.

#include <QObject>

#include "core/tf/frequency_scale.h"

namespace phaselab {

class ViewManager : public QObject {
    Q_OBJECT
public:
    explicit ViewManager(QObject* parent = nullptr);

    // A new file: duration (s) and the Nyquist frequency (Hz). Shows the whole file and the full
    // frequency range, clears cursor and selection.
    void reset(double duration, double nyquistHz);

    double duration() const { return duration_; }
    double nyquist() const { return nyquist_; }

    // Visible time range [start, end). Always inside [0, duration] and at least minSpan() long.
    double viewStart() const { return start_; }
    double viewEnd() const { return end_; }
    double viewSpan() const { return end_ - start_; }
    double minSpan() const { return 0.01; }
    void setVisibleRange(double start, double end);
    // Zooms by `factor` (> 1 zooms in) keeping time `anchor` at the same screen position.
    void zoomTime(double factor, double anchor);
    void zoomToFit() { setVisibleRange(0, duration_); }
    void zoomToSelection();
    // Moves the visible range by `seconds`, clamped at the ends.
    void scrollBy(double seconds);
    // Moves the visible range so that `t` is visible (page-wise, for a playback cursor).
    void ensureVisible(double t);

    // Pixel <-> time for a pane of width `width` showing the visible range.
    double timeAt(double x, double width) const { return start_ + x / width * viewSpan(); }
    double xAt(double t, double width) const { return (t - start_) / viewSpan() * width; }

    double cursor() const { return cursor_; }
    void setCursor(double t);

    bool hasSelection() const { return selEnd_ > selStart_; }
    double selectionStart() const { return selStart_; }
    double selectionEnd() const { return selEnd_; }
    void setSelection(double a, double b);  // any order; clamped to the file; clears the band
    void clearSelection();
    // A time-frequency box selection (Ctrl+drag in the spectrogram or phase pane): the time
    // selection plus a frequency band (Hz). Without a band, the selection spans every frequency.
    void setBoxSelection(double a, double b, double lowHz, double highHz);
    bool hasSelectionBand() const { return hasSelection() && bandHigh_ > bandLow_; }
    double selectionLowHz() const { return hasSelectionBand() ? bandLow_ : 0.0; }
    double selectionHighHz() const { return hasSelectionBand() ? bandHigh_ : nyquist_; }

    // Frequency axis used by spectral panes.
    const FrequencyAxis& frequencyAxis() const { return axis_; }
    void setFrequencyScale(FrequencyScale scale);
    // [lowHz, highHz] clamped to [0, nyquist]; high - low at least 10 Hz.
    void setFrequencyRange(double lowHz, double highHz);
    // Vertical zoom by `factor` (> 1 zooms in) around the axis position 0..1 `anchor`.
    void zoomFrequency(double factor, double anchorPosition);
    void resetFrequencyRange() { setFrequencyRange(0, nyquist_); }

signals:
    void viewChanged();        // visible time range
    void cursorChanged(double t);
    void selectionChanged();  // time range or band
    void frequencyAxisChanged();

private:
    double duration_ = 1, nyquist_ = 22050;
    double start_ = 0, end_ = 1;
    double cursor_ = 0;
    double selStart_ = 0, selEnd_ = 0;
    double bandLow_ = 0, bandHigh_ = 0;
    FrequencyAxis axis_;
};

}  // namespace phaselab
