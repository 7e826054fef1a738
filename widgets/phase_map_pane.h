#pragma once
// A time-frequency pane showing what the STFT phase does, sharing the ViewManager's time range,
// cursor, selection and frequency axis with the waveform and spectrogram panes:
//   Phase        raw phase phi (cyclic colours), phase of the frame centre (zero-phase framing);
//   Centred      psi = phi - mu, mu = previous frame's phase + 2 pi hop nu (sinusoidal model):
//                near 0 where the model explains the phase;
//   IF           instantaneous frequency minus the bin's centre frequency (Hz);
//   Group delay  -dphi/domega in ms from the frame centre;
//   Kappa        local von Mises concentration of psi ("how sinusoidal").
//   IPD, ILD,    of a stereo signal (setStereo): inter-channel phase difference arg(L conj R),
//   Pan          level difference 20 log10 |L| / |R| and constant-power pan position -1 .. +1
//                (core/phase/inter_channel.h); a mono signal shows a note instead.
//   Panning map  of a stereo signal: energy per pan position and frame (widgets/panning_map_image.h),
//                rows = pan positions labelled with the azimuth estimate, not frequencies.
// Bins more than rangeDb below the file's full-scale peak level are masked (grey): there the phase
// is noise. Phase maps are only meaningful zoomed in: beyond kMaxFramesPerPixel frames per pixel
// the pane asks the user to zoom in instead of computing.
// The visible frames (plus a margin) are analysed and rendered in a background job that restarts
// when the view, the signal or a setting changes; the GUI thread only blits. GUI-thread widget.

#include <QFutureWatcher>
#include <QImage>
#include <atomic>
#include <memory>

#include "core/io/audio.h"
#include "core/tf/stft.h"
#include "widgets/spectrogram_image.h"
#include "widgets/time_pane.h"

namespace phaselab {

class PhaseMapPane : public TimePane {
    Q_OBJECT
public:
    enum class Kind { Phase, Centred, InstantaneousFrequency, GroupDelay, Kappa, Ipd, Ild, Pan, PanningMap };
    static bool isInterChannel(Kind k) { return k == Kind::Ipd || k == Kind::Ild || k == Kind::Pan || k == Kind::PanningMap; }
    static constexpr double kMaxFramesPerPixel = 4.0;
    static QString kindName(Kind k);
    static QString explanation(Kind k);  // the "what am I looking at" note

    explicit PhaseMapPane(ViewManager* view, QWidget* parent = nullptr);
    ~PhaseMapPane() override;

    void setSignal(std::shared_ptr<const Eigen::ArrayXf> mono, double sampleRate);
    // The multichannel signal whose first two channels the IPD and ILD views compare (shared, not
    // copied); null or mono: those views say they need a stereo file.
    void setStereo(std::shared_ptr<const Audio> audio);
    bool hasStereo() const { return bool(stereo_); }
    void setStftConfig(const StftConfig& config);
    const StftConfig& stftConfig() const { return config_; }
    void setKind(Kind kind);
    Kind kind() const { return kind_; }
    void setRangeDb(float rangeDb);
    // Kappa view: half-sizes of the neighbourhood, in bins and frames (0 .. 64).
    void setKappaNeighbourhood(int halfBins, int halfFrames);
    float rangeDb() const { return rangeDb_; }
    // The view, STFT setting, level range and kappa neighbourhood of `other` (a stacked channel's
    // pane follows the first).
    void copySettingsFrom(const PhaseMapPane& other);

    // True when the shown image matches the current view, size and settings.
    bool isUpToDate() const;
    bool needsZoom() const;  // too many frames per pixel: nothing is computed
    // Value under (t, height fraction 0 bottom .. 1 top): NaN where masked or not computed.
    double valueAt(double t, double heightFraction) const;
    QString readoutAt(double t, double heightFraction) const;  // "0.512 s · 440 Hz · ψ = 0.12 rad"
    QString unit() const;
    // What the pane shows, as a labelled PNG figure (title, axes, colour bar) or as CSV: one row per
    // bin (first column: frequency in Hz; panning map: one row per pan position, columns pan and
    // azimuth_deg), one column per frame (header: frame centre time in s), empty cells where masked. False if nothing is computed or the file cannot be written.
    bool exportPng(const QString& path, QSize size = {1600, 800}) const;
    bool exportCsv(const QString& path) const;

signals:
    void settingsChanged();  // the view, STFT setting, level range or kappa neighbourhood changed
    void rendered();
    void readout(const QString& text);

protected:
    void paintPlot(QPainter& p, const QRect& plot) override;
    void paintAxis(QPainter& p, const QRect& axis) override;
    void verticalWheel(double factor, double heightFraction) override;
    bool hasFrequencyAxis() const override { return kind_ != Kind::PanningMap; }
    void resizeEvent(QResizeEvent*) override;

private:
    struct Request {
        std::shared_ptr<const Eigen::ArrayXf> signal;
        std::shared_ptr<const Audio> stereo;
        double sampleRate = 0, peak = 0;
        StftConfig config;
        Kind kind = Kind::Phase;
        float rangeDb = 60;
        int kappaBins = 1, kappaFrames = 2;
        double t0 = 0, t1 = 0;
        FrequencyAxis axis;
        QSize size;
        bool operator==(const Request& o) const;
    };
    struct Result {
        Request request;
        Eigen::Index firstFrame = 0;
        Magnitudes values;  // bins x frames, NaN where masked
        QImage image;
    };
    static std::shared_ptr<Result> compute(const Request& r, const std::atomic<bool>& cancel);
    static SpectrogramStyle styleFor(const Request& r);
    static double rowHz(const Request& r);  // the axis units per row of the values
    Request currentRequest() const;
    void schedule();

    std::shared_ptr<const Eigen::ArrayXf> signal_;
    std::shared_ptr<const Audio> stereo_;
    double sampleRate_ = 0, peak_ = 0, stereoPeak_ = 0;
    StftConfig config_{WindowType::Hann, 1024, 256};
    Kind kind_ = Kind::Centred;
    float rangeDb_ = 60;
    int kappaBins_ = 1, kappaFrames_ = 2;
    QFutureWatcher<std::shared_ptr<Result>>* watcher_;
    std::shared_ptr<std::atomic<bool>> cancel_;
    bool running_ = false, pending_ = false;
    std::shared_ptr<Result> shown_;
};

}  // namespace phaselab
