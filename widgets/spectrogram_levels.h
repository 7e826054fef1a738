#pragma once
// Whole-file spectrogram levels for interactive views of long files.
//
// Levels are dBFS (magnitude divided by Stft::fullScaleMagnitude()), quantised to 16 bits:
// q = round((dB + 200) * 256), i.e. 1/256 dB steps over [-200, +56] dB. Storage is frame-major
// (one frame's bins contiguous). A pyramid of coarser copies (each frame the maximum of two frames
// of the level below) lets a zoomed-out view render in time proportional to its pixel count.
// Memory: 10 min at 44.1 kHz, hop 512, 1025 bins: ~105 MB for level 0, ~105 MB for the pyramid.
//
// Thread-safety: computeSpectrogramLevels() runs on any thread; a finished SpectrogramLevels is
// immutable and may be read (rendered) from several threads at once.

#include <QImage>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/common/progress.h"
#include "core/tf/stft.h"
#include "widgets/spectrogram_image.h"

namespace phaselab {

class SpectrogramLevels {
public:
    static constexpr float kFloorDb = -200.0f;
    static constexpr float kStepsPerDb = 256.0f;
    static std::uint16_t quantise(float db);
    static float dequantise(std::uint16_t q) { return float(q) / kStepsPerDb + kFloorDb; }

    StftConfig config;
    double sampleRate = 0;
    Eigen::Index samples = 0;  // length of the analysed signal

    int bins() const { return config.bins(); }
    Eigen::Index frames(int level = 0) const { return levels_.empty() ? 0 : Eigen::Index(levels_[std::size_t(level)].size()) / bins(); }
    int levelCount() const { return int(levels_.size()); }
    double binHz() const { return sampleRate / config.fft(); }
    double frameSeconds() const { return config.hop / sampleRate; }  // frame t is centred on t * frameSeconds()
    double duration() const { return sampleRate > 0 ? double(samples) / sampleRate : 0; }
    const std::uint16_t* frame(int level, Eigen::Index t) const { return levels_[std::size_t(level)].data() + t * bins(); }
    std::size_t bytes() const;

    // Level in dBFS at time t (s, nearest frame) and frequency hz (linear between bins).
    float levelDb(double t, double hz) const;

    // Renders the time range [t0, t1) (s) with `style` into an image of `size`. Each pixel shows
    // the maximum over the frames and bins it covers; zoomed in beyond one bin (frame) per pixel,
    // it interpolates linearly between bins (frames).
    QImage render(double t0, double t1, const SpectrogramStyle& style, QSize size) const;

    // Dense dB matrix (bins x frames) of level 0, for export and tests. Costly for long files.
    Magnitudes toDb() const;

private:
    friend std::shared_ptr<SpectrogramLevels> computeSpectrogramLevels(const Eigen::Ref<const Eigen::ArrayXf>&,
                                                                       double, const StftConfig&, const RunControl&);
    std::vector<std::vector<std::uint16_t>> levels_;
};

// STFT of `mono` (threads: 2 workers), levels of every frame and the pyramid. Reports progress
// and honours the cancel flag of `control` (throws Cancelled). InputError for a bad config.
std::shared_ptr<SpectrogramLevels> computeSpectrogramLevels(const Eigen::Ref<const Eigen::ArrayXf>& mono,
                                                            double sampleRate, const StftConfig& config,
                                                            const RunControl& control = {});

}  // namespace phaselab
