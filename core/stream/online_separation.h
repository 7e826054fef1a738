#pragma once
// Online separation for StreamEngine (issue 13; shared algorithms-online.md §5): inputs are the
// mixture stream followed by one magnitude stream per source (its |STFT| is the target V_j: the
// references played in step for oracle magnitudes, or imported stems); outputs are the J sources.
//
// - Online Wiener (lookahead 0): each frame Ŝ_j = V_j^2 / sum_k V_k^2 · X (bins where every V_k is 0
//   are split equally), exactly the offline "wiener" mask frame by frame.
// - Online anisotropic Wiener (lookahead 0): the offline "aw" (anisotropic_wiener.h) is already
//   frame-sequential; this is it frame by frame, with the same sinusoidal locations (each source's
//   previous output frame advanced by its QIFFT peak frequencies; the first frame takes the
//   mixture's phase) and a shared kappa (0: the Wiener filter).
// - Online MISI (Magron & Virtanen 2020, "oMISI"): MISI on a sliding block of the K + 1 newest frames
//   with everything older frozen. The newest frame starts from the mixture phase; each of the
//   `iterations` steps re-analyses the block from the committed signal plus the block's own inverse
//   STFT (dual window), spreads the mixing error E = X - sum_j Y_j equally (Y_j += E / J) and restores
//   the magnitudes V_j; then the oldest frame is committed and emitted. Latency window + K hops
//   (16 + 8K ms at 16 kHz, 256/128). iterations 0 is the amplitude mask (V_j with the mixture phase);
//   the paper's default is 15 / (K + 1) iterations (the work of 15 offline iterations). The new
//   frame may instead start from the sinusoidal model ("oMISI-sin").
// Conventions: frames of `config` (zero-phase or not, as the engine). Real-time: buffers allocated
// in the constructor, process() allocates nothing. Not thread-safe (one per stream).

#include "core/common/description.h"
#include "core/phase/sinusoidal.h"
#include "core/stream/stream_engine.h"

namespace phaselab::stream {

const AlgorithmDescription& onlineWienerDescription();  // id "wiener" (stream): no parameters
const AlgorithmDescription& onlineAwDescription();      // id "aw" (stream): kappa

class OnlineWienerProcessor final : public FrameProcessor {
public:
    OnlineWienerProcessor(const StftConfig& config, int sources);  // InputError unless sources >= 1
    int inputs() const override { return 1 + sources_; }
    int outputs() const override { return sources_; }
    int lookahead() const override { return 0; }
    void process(const Spectrogram& in, Spectrogram& out) override;
    void reset() override {}

private:
    int sources_;
    Eigen::ArrayXf total_;
};

class OnlineAwProcessor final : public FrameProcessor {
public:
    // InputError unless sources >= 1 and kappa is finite and >= 0.
    OnlineAwProcessor(const StftConfig& config, int sources, double kappa);
    int inputs() const override { return 1 + sources_; }
    int outputs() const override { return sources_; }
    int lookahead() const override { return 0; }
    void process(const Spectrogram& in, Spectrogram& out) override;
    void reset() override { frames_ = 0; }

private:
    int sources_;
    double lambda_, rho_, advance_;
    Spectrogram previous_;                  // bins x J: the last output frame
    Eigen::ArrayXf frequency_, magnitude_;  // bins
    Eigen::ArrayXXd location_;              // bins x J
    std::vector<sinusoidal::Peak> peaks_;   // capacity bins / 2 + 1
    std::vector<std::complex<double>> m_, c_, estimate_;
    std::vector<double> gamma_;
    long long frames_ = 0;
};

struct OnlineMisiParams {
    int lookahead = 1;    // K frames, 0 .. 16
    int iterations = -1;  // per frame, 0 .. 1000; -1: 15 / (K + 1)
    // Start phase of each new frame: false, the mixture's ('mix'); true, the sinusoidal model's
    // ('sinus': the source's previous frame advanced by 2 pi hop k(m) / Nfft, k the QIFFT frequency
    // of the peak of V_j whose region holds bin m; algorithms.md §4.1).
    bool sinusoidalStart = false;
    int resolvedIterations() const { return iterations >= 0 ? iterations : 15 / (lookahead + 1); }
};

const AlgorithmDescription& onlineMisiDescription();  // id "omisi": lookahead, iterations, start
OnlineMisiParams onlineMisiParamsFrom(const ParamValues& values);

class OnlineMisiProcessor final : public FrameProcessor {
public:
    // InputError for sources < 1, a look-ahead outside 0 .. 16 or iterations outside -1 .. 1000.
    OnlineMisiProcessor(const StftConfig& config, int sources, const OnlineMisiParams& params);
    int inputs() const override { return 1 + sources_; }
    int outputs() const override { return sources_; }
    int lookahead() const override { return K_; }
    void process(const Spectrogram& in, Spectrogram& out) override;
    void reset() override;

private:
    Eigen::Index col(int j, int k) const { return Eigen::Index(j) * (K_ + 1) + k; }
    void synthesiseBlock(int j);  // block_ = committed_ of j + the block's frames of j

    StftConfig config_;
    int sources_, K_, iterations_;
    FrameTransform transform_;
    Spectrogram mixture_;    // bins x (K+1): frames i .. i+K
    Magnitudes target_;      // bins x J(K+1)
    Spectrogram estimate_;   // bins x J(K+1)
    Eigen::ArrayXXf committed_;  // (N + K hop) x J: frames before i, overlap-added with the dual window
    Eigen::ArrayXf block_;       // N + K hop
    Eigen::ArrayXcf error_;      // bins: the mixing error of one frame, shared out
    Eigen::ArrayXf norm_, mixtureNorm_, scale_, fallbackScale_;  // bins
    bool sinusoidal_;
    Spectrogram previous_;       // bins x J: each source's frame i+K-1 as it stood
    Eigen::ArrayXf frequency_;   // bins: QIFFT frequency per bin (sinusoidal start)
    std::vector<sinusoidal::Peak> peaks_;  // capacity bins / 2 + 1
};

}  // namespace phaselab::stream
