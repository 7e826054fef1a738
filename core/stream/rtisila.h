#pragma once
// RTISI-LA and GSRTISI-LA: real-time iterative spectrogram inversion with look-ahead, for StreamEngine
// (shared algorithms-online.md §3.1, §3.2; Zhu, Beauregard & Wyse 2007; Gnann & Spiertz 2010; Průša,
// ltfatnote048 for the RTPGHI start).
//
// The k + 1 newest frames are under refinement, everything older is committed. Each new magnitude
// frame gets `iterations` passes over the uncommitted frames, newest to oldest: the partial signal
// over the frame (committed frames + uncommitted frames, each the inverse DFT of its estimate times
// the dual window w / sum w^2) is multiplied by an analysis window, transformed, given the target
// magnitude, and becomes the frame's new estimate. Then the oldest frame is emitted (the engine
// synthesises it; output latency window + k hops, + 1 hop with the RTPGHI(1) start).
// Analysis windows, frame-local n in [0, N):
//   RTISI-LA:   g for every frame but the newest; the newest lacks the frames not received yet and
//               gets sum_{i>=1} gd(n - i hop) on the first pass (its own estimate still empty) and
//               sum_{i>=0} gd(n - i hop) afterwards (Zhu et al.; phaseret comp_rtisilawins).
//   GSRTISI-LA: for a frame with r received frames to its right, g(n) / sum_{i=-L..r} (g gd)(n - i hop),
//               L = ceil(N / hop) - 1, the denominator kept at least 1e-3 in magnitude (phaseret
//               comp_gsrtisilawins): the partial signal's missing overlap divided out.
// Start of the newest frame: empty (zeros), or for GSRTISI-LA the phase RTPGHI gives it (its
// look-ahead 0 or 1: RTPGHI(1) needs one frame beyond GSRTISI-LA's k and refuses k = 0), RTPGHI
// integrating from the refined phase of the previous newest frame (phaseret gsrtisilapghi).
// Conventions: frames of the engine's config (N <= FFT length, as the engine); the RTPGHI start
// needs zeroPhase. Input: frame t of one stream whose magnitudes are the target; output: frame
// t - lookahead() with its estimated phase.
// Cost per frame: iterations x (k + 1) FFT / inverse-FFT pairs. Real-time: every buffer is allocated
// in the constructor, process() allocates nothing. Not thread-safe (one per stream).

#include <memory>

#include "core/common/description.h"
#include "core/stream/rtpghi.h"
#include "core/stream/stream_engine.h"

namespace phaselab::stream {

struct RtisiLaParams {
    enum class Variant { RtisiLa, GsRtisiLa };
    enum class Start { Zeros, Rtpghi0, Rtpghi1 };  // the RTPGHI starts are GSRTISI-LA's only
    Variant variant = Variant::RtisiLa;
    int lookahead = 2;    // k frames under refinement beyond the emitted one, 0 .. 16
    int iterations = 12;  // passes per frame, 1 .. 1000 (the real-time demo's 12)
    Start start = Start::Zeros;
    RtpghiParams rtpghi;  // tolerance and seed of the RTPGHI start (its look-ahead comes from `start`)
    int totalLookahead() const { return lookahead + (start == Start::Rtpghi1 ? 1 : 0); }
};

const AlgorithmDescription& rtisiLaDescription();    // id "rtisi-la": lookahead, iterations
const AlgorithmDescription& gsRtisiLaDescription();  // id "gsrtisi-la": lookahead, iterations, start, tolerance, seed
RtisiLaParams rtisiLaParamsFrom(const ParamValues& values);    // Variant::RtisiLa
RtisiLaParams gsRtisiLaParamsFrom(const ParamValues& values);  // Variant::GsRtisiLa

class RtisiLaProcessor final : public FrameProcessor {
public:
    // InputError for a look-ahead outside 0 .. 16, iterations outside 1 .. 1000, an RTPGHI start with
    // RTISI-LA, RTPGHI(1) with k = 0, or (RTPGHI start) what RtpghiProcessor refuses.
    RtisiLaProcessor(const StftConfig& config, const RtisiLaParams& params);
    int inputs() const override { return 1; }
    int outputs() const override { return 1; }
    int lookahead() const override { return params_.totalLookahead(); }
    void process(const Spectrogram& in, Spectrogram& out) override;
    void reset() override;

    // The analysis window used for the frame with `rightFrames` received frames to its right (0: the
    // newest), on the first pass or a later one: N values.
    const Eigen::ArrayXf& analysisWindow(int rightFrames, bool firstPass) const;

private:
    void refine(int j, const float* window);
    void pushFrame(const std::complex<float>* frame);

    StftConfig config_;
    RtisiLaParams params_;
    int K_;
    FrameTransform transform_;
    std::unique_ptr<RtpghiProcessor> rtpghi_;  // the start, or null
    Spectrogram start_;                        // bins x 1: RTPGHI's frame
    Eigen::ArrayXf newestFirst_, newestLater_; // RTISI-LA's newest-frame windows
    std::vector<Eigen::ArrayXf> compensating_; // GSRTISI-LA: by right frames 0 .. k
    Magnitudes target_;          // bins x (k+1): frames i .. i+k
    Spectrogram estimate_;       // bins x (k+1)
    Eigen::ArrayXXf frames_;     // N x (k+1): inverse DFT of each estimate times the dual window
    Eigen::ArrayXf committed_;   // N + k hop: frames before i overlap-added, over the block's span
    Eigen::ArrayXf block_;       // N + k hop: committed_ + frames_
    Eigen::ArrayXf updated_;     // N
    Spectrogram analysed_;       // bins x 1
    Eigen::ArrayXf norm_, scale_;  // bins: |analysed|^2, target / |analysed|
    long long received_ = 0;
};

}  // namespace phaselab::stream
