#pragma once
// Interactive spectrogram of one signal, sharing its viewport through a ViewManager.
//
// Whole-file levels (SpectrogramLevels) are computed once per STFT setting in a background
// job; changing the setting or the signal cancels the running job (core cancel flag) and starts
// a new one. Progress and errors are drawn inside the pane. The visible range is rendered at
// screen resolution by a worker (the latest request wins); the GUI thread only blits the image,
// stretched from the previous one while a new render is on its way.
// Mouse: see TimePane; wheel over the frequency axis (or alt+wheel) zooms vertically.

#include <QFutureWatcher>
#include <QImage>
#include <atomic>
#include <memory>

#include "widgets/mono_samples.h"
#include "widgets/spectrogram_levels.h"
#include "widgets/time_pane.h"

namespace phaselab {

// What is under the mouse.
struct SpectrogramReadout {
    bool valid = false;
    double time = 0;     // s
    double hz = 0;       // Hz
    double db = 0;       // dBFS (NaN while the levels are not computed)
    QString note;        // "A4", empty below 16 Hz
    double cents = 0;    // deviation from the note
    QString text() const;  // "1.234 s · 440.0 Hz · A4 +0 ct · -12.3 dBFS"
};

class SpectrogramPane : public TimePane {
    Q_OBJECT
public:
    explicit SpectrogramPane(ViewManager* view, QWidget* parent = nullptr);
    ~SpectrogramPane() override;

    // The analysed signal (mono). Starts the background computation. nullptr clears the pane.
    void setSignal(std::shared_ptr<const MonoSamples> mono, double sampleRate);
    void setStftConfig(const StftConfig& config);  // restarts the computation
    const StftConfig& stftConfig() const { return config_; }
    void setColormap(ColormapId id);
    void setLevelRange(float topDb, float rangeDb);
    SpectrogramStyle style() const;  // colour map, dB range and the viewport's frequency axis
    // The STFT setting, colour map and level range of `other` (a stacked channel follows the first).
    void copySettingsFrom(const SpectrogramPane& other);

    std::shared_ptr<const SpectrogramLevels> levels() const { return levels_; }
    bool isComputing() const { return computing_; }
    double progress() const { return progress_; }
    QString errorMessage() const { return error_; }
    // True when the levels are ready and the shown image matches the current view and size.
    bool isUpToDate() const;
    // Stops the running computation (the pane then says so); recompute() starts it again.
    void cancel();
    void recompute();
    // Text shown while there is no signal.
    void setPlaceholderText(const QString& text) { placeholder_ = text; update(); }

    SpectrogramReadout readoutAt(double t, double heightFraction) const;
    SpectrogramReadout readoutAt(QPoint widgetPos) const;

signals:
    void settingsChanged();      // the STFT setting, colour map or level range changed
    void computeStarted();
    void computeProgress(double fraction);
    void computeFinished();      // levels() is ready
    void computeFailed(const QString& message);
    void computeCancelled();
    void rendered();             // a new image is shown
    void readout(const phaselab::SpectrogramReadout& r);  // on mouse move; invalid when the mouse leaves

protected:
    void paintPlot(QPainter& p, const QRect& plot) override;
    void paintAxis(QPainter& p, const QRect& axis) override;
    void verticalWheel(double factor, double heightFraction) override;
    bool hasFrequencyAxis() const override { return true; }
    void resizeEvent(QResizeEvent*) override;

private:
    struct Job;
    struct RenderRequest {
        std::shared_ptr<const SpectrogramLevels> levels;
        double t0 = 0, t1 = 0;
        SpectrogramStyle style;
        QSize size;
        bool operator==(const RenderRequest& o) const;
    };
    void startCompute();
    void scheduleRender();
    void startRender(const RenderRequest& r);
    RenderRequest currentRequest() const;

    std::shared_ptr<const MonoSamples> signal_;
    double sampleRate_ = 0;
    StftConfig config_;
    ColormapId colormap_ = ColormapId::Magma;
    float topDb_ = 0, rangeDb_ = 80;
    SpectrogramReadout hover_;
    QString placeholder_;

    std::shared_ptr<const SpectrogramLevels> levels_;
    std::shared_ptr<std::atomic<bool>> cancel_;
    QList<QFuture<std::shared_ptr<Job>>> jobs_;  // running (possibly cancelled) computations
    quint64 generation_ = 0;
    bool computing_ = false;
    double progress_ = 0;
    QString error_;

    QFutureWatcher<QImage>* renderWatcher_ = nullptr;
    bool rendering_ = false, renderPending_ = false;
    RenderRequest renderingRequest_, shownRequest_;
    QImage image_;
};

}  // namespace phaselab

Q_DECLARE_METATYPE(phaselab::SpectrogramReadout)
