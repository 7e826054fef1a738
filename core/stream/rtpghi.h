#pragma once
// RTPGHI, real-time phase gradient heap integration (Průša & Søndergaard, DAFx-16; shared
// algorithms-online.md §2): the phase of a magnitude stream, one frame at a time, for StreamEngine.
//
// Per frame: the log-magnitude l = log(max(s, floor)) and the time gradient of the newest frame
// (pghi_gradients.h), the frequency gradient of the frame to emit — centred over its neighbours with
// one frame of look-ahead (RTPGHI(1), emits frame n-1 when frame n arrives), or the causal 3-point
// form without look-ahead (RTPGHI(0), emits frame n) — and a heap integration over two columns only:
// the previously emitted frame p (phase known) and the frame q to emit. Bins of q at or below
// max(l over p and q) + ln(tolerance) take the next entry of a seeded table of uniform random phases
// (10 x bins entries, read cyclically); the others are reached from p across time (trapezoid of the
// time gradients) or from a reached neighbour across frequency, strongest first, and the heap stops
// as soon as every bin of q has its phase.
// Conventions: PhaseLab's zero-phase STFT (the literature's "timeinv"; pghi_gradients.h), so the
// engine's config must have zeroPhase = true. Phases are wrapped to (-pi, pi] every frame (hours of
// streaming keep float precision: §2.4) and the history is seeded from the first frame (no zero or
// sentinel history: §2.4 pitfall). Input: frame t of one stream whose magnitudes are the target (its
// phase is ignored); output: that magnitude with the recovered phase.
// Real-time: every buffer (the priority queue, history, random table) is allocated in the
// constructor; process() allocates nothing. Not thread-safe (one per stream).

#include <cstdint>
#include <vector>

#include "core/common/description.h"
#include "core/recovery/bucket_queue.h"
#include "core/stream/stream_engine.h"

namespace phaselab::stream {

struct RtpghiParams {
    int lookahead = 1;         // 1: RTPGHI(1), centred frequency gradient; 0: RTPGHI(0), causal
    double tolerance = 1e-6;   // relative to the largest magnitude of the two columns, in (0, 1)
    unsigned seed = 0;         // random phase table
};

const AlgorithmDescription& rtpghiDescription();  // id "rtpghi": lookahead, tolerance, seed
RtpghiParams rtpghiParamsFrom(const ParamValues& values);

class RtpghiProcessor final : public FrameProcessor {
public:
    // InputError for a look-ahead other than 0 or 1, a tolerance outside (0, 1), a window shorter
    // than 16 samples or a config without zeroPhase.
    RtpghiProcessor(const StftConfig& config, const RtpghiParams& params);
    int inputs() const override { return 1; }
    int outputs() const override { return 1; }
    int lookahead() const override { return params_.lookahead; }
    void process(const Spectrogram& in, Spectrogram& out) override;
    void reset() override;
    // The phase the next frame integrates from, replaced by the phase of `frame` (bins values; arg 0
    // of a zero bin): GSRTISI-LA hands RTPGHI its refined previous frame (phaseret gsrtisilapghi).
    void setPreviousPhase(const std::complex<float>* frame);

private:
    StftConfig config_;
    RtpghiParams params_;
    Eigen::Index bins_;
    double gamma_;
    float floor_;
    Eigen::ArrayXd linear_;            // princarg(2 pi a m / M)
    Eigen::ArrayXXf log_;              // bins x 3: l(n), l(n-1), l(n-2)
    Eigen::ArrayXXf tgrad_;            // bins x 3, same frames, without the linear term
    Eigen::ArrayXXf magnitude_;        // bins x 3, same frames
    Eigen::ArrayXf fgrad_;             // frame q
    Eigen::ArrayXd phase_;             // phase of the last emitted frame, wrapped
    Eigen::ArrayXd next_;              // phase of frame q
    std::vector<unsigned char> state_; // per q bin: 0 unassigned, 1 assigned
    recovery::BucketQueue queue_;      // indices: bin m of p, bins + m of q
    std::size_t buckets_ = 0;          // reserved in the constructor
    Eigen::ArrayXf randomPhase_;       // 10 x bins
    Eigen::Index randomCursor_ = 0;
    long long frames_ = 0;
};

}  // namespace phaselab::stream
