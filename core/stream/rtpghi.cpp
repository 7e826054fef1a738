#include "core/stream/rtpghi.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <numbers>
#include <random>

#include "core/common/error.h"
#include "core/recovery/pghi.h"
#include "core/recovery/pghi_gradients.h"

namespace phaselab::stream {

const AlgorithmDescription& rtpghiDescription() {
    static const AlgorithmDescription d{
        "rtpghi", "RTPGHI (real-time PGHI)", "online recovery",
        "Phase of a magnitude stream frame by frame from its phase gradients, integrated over the previous and the "
        "current frame only (Průša & Søndergaard 2016). Latency: the window, plus one hop with look-ahead 1.",
        {
            integerSpec("lookahead", "Look-ahead", 1, 0, 1, "frames",
                        "1: centred frequency gradient, one hop more latency (practically offline PGHI); 0: causal, "
                        "no look-ahead (0.1-0.8 dB worse)."),
            realSpec("tolerance", "Tolerance", 1e-6, 1e-12, 0.99, "",
                     "Coefficients at or below this fraction of the two frames' largest magnitude get a random phase.",
                     true),
            integerSpec("seed", "Seed", 0, 0, 4294967295.0, "", "Seed of the table of random phases."),
        }};
    return d;
}

RtpghiParams rtpghiParamsFrom(const ParamValues& values) {
    const auto& d = rtpghiDescription();
    validateParams(d, values);
    RtpghiParams p;
    p.lookahead = int(numberParam(d, values, "lookahead"));
    p.tolerance = numberParam(d, values, "tolerance");
    p.seed = unsigned(numberParam(d, values, "seed"));
    return p;
}

namespace {

double wrapped(double x) {
    constexpr double twoPi = 2 * std::numbers::pi;
    return x - twoPi * std::floor((x + std::numbers::pi) / twoPi);
}

}  // namespace

RtpghiProcessor::RtpghiProcessor(const StftConfig& config, const RtpghiParams& params)
    : config_((config.validate(), config)), params_(params), bins_(config.bins()) {
    if (params.lookahead != 0 && params.lookahead != 1)
        throw InputError("RTPGHI: the look-ahead must be 0 or 1 frame, got " + std::to_string(params.lookahead));
    if (!(params.tolerance > 0 && params.tolerance < 1))
        throw InputError("RTPGHI: the tolerance must be between 0 and 1, got " + std::to_string(params.tolerance));
    if (config.windowLength < recovery::kPghiMinimumWindow)
        throw InputError("RTPGHI: the window of " + std::to_string(config.windowLength) + " samples is too short (at least " +
                         std::to_string(recovery::kPghiMinimumWindow) + ")");
    if (!config.zeroPhase) throw InputError("RTPGHI works in the zero-phase (frame-centre) STFT convention");
    gamma_ = recovery::pghiGamma(config);
    floor_ = std::max(1e-15f * makeWindow(config.window, config.windowLength).sum() / 2.0f, 1e-30f);
    linear_.resize(bins_);
    for (Eigen::Index m = 0; m < bins_; ++m) linear_(m) = recovery::timeGradientLinearTerm(m, config.hop, config.fft());
    log_.setZero(bins_, 3);
    tgrad_.setZero(bins_, 3);
    magnitude_.setZero(bins_, 3);
    fgrad_.setZero(bins_);
    phase_.setZero(bins_);
    next_.setZero(bins_);
    state_.assign(std::size_t(bins_), 0);
    buckets_ = recovery::BucketQueue::bucketsBetween(float(params.tolerance), 1.0f) + 2048;
    queue_.reserve(buckets_, std::size_t(2 * bins_));
    randomPhase_.resize(10 * bins_);
    reset();
}

void RtpghiProcessor::reset() {
    std::mt19937 random(params_.seed);
    std::uniform_real_distribution<float> uniform(-float(std::numbers::pi), float(std::numbers::pi));
    for (Eigen::Index i = 0; i < randomPhase_.size(); ++i) randomPhase_(i) = uniform(random);
    randomCursor_ = 0;
    phase_.setZero();
    frames_ = 0;
}

void RtpghiProcessor::setPreviousPhase(const std::complex<float>* frame) {
    for (Eigen::Index m = 0; m < bins_; ++m) phase_(m) = std::arg(frame[m]);
}

void RtpghiProcessor::process(const Spectrogram& in, Spectrogram& out) {
    const Eigen::Index M2 = bins_;
    const int hop = config_.hop, fft = config_.fft();
    log_.col(2) = log_.col(1);
    log_.col(1) = log_.col(0);
    tgrad_.col(2) = tgrad_.col(1);
    tgrad_.col(1) = tgrad_.col(0);
    magnitude_.col(2) = magnitude_.col(1);
    magnitude_.col(1) = magnitude_.col(0);
    magnitude_.col(0) = in.col(0).abs();
    log_.col(0) = magnitude_.col(0).max(floor_).log();
    recovery::timeGradientFrame(log_.col(0).data(), M2, gamma_, hop, fft, tgrad_.col(0).data());
    if (frames_ == 0) {  // history seeded from the first frame (never zeros or a sentinel)
        log_.col(1) = log_.col(2) = log_.col(0);
        tgrad_.col(1) = tgrad_.col(2) = tgrad_.col(0);
        magnitude_.col(1) = magnitude_.col(2) = magnitude_.col(0);
    }
    ++frames_;

    const int q = params_.lookahead == 1 ? 1 : 0, p = q + 1;
    if (params_.lookahead == 1)
        recovery::frequencyGradientFrame(log_.col(2).data(), log_.col(0).data(), 2, M2, gamma_, hop, fft, fgrad_.data());
    else
        recovery::causalFrequencyGradientFrame(log_.col(0).data(), log_.col(1).data(), log_.col(2).data(), M2, gamma_, hop,
                                               fft, fgrad_.data());
    const auto lq = log_.col(q), lp = log_.col(p);
    const auto tq = tgrad_.col(q), tp = tgrad_.col(p);
    const float threshold = std::max(lq.maxCoeff(), lp.maxCoeff()) + float(std::log(params_.tolerance));

    const float peak = std::max({magnitude_.col(q).maxCoeff(), magnitude_.col(p).maxCoeff(), floor_});
    float lowest = std::max(peak * float(params_.tolerance), FLT_MIN);
    while (recovery::BucketQueue::bucketsBetween(lowest, peak) > buckets_) lowest *= 2;
    queue_.reset(lowest, peak, std::size_t(2 * M2));
    Eigen::Index assigned = 0;
    for (Eigen::Index m = 0; m < M2; ++m) {
        if (lq(m) <= threshold) {
            next_(m) = randomPhase_(randomCursor_);
            randomCursor_ = (randomCursor_ + 1) % randomPhase_.size();
            state_[std::size_t(m)] = 1;
            ++assigned;
        } else {
            state_[std::size_t(m)] = 0;
            queue_.push(magnitude_(m, p), std::uint32_t(m));
        }
    }
    auto reach = [&](Eigen::Index m, double value) {
        next_(m) = value;
        state_[std::size_t(m)] = 1;
        ++assigned;
        queue_.push(magnitude_(m, q), std::uint32_t(m + M2));
    };
    while (assigned < M2 && !queue_.empty()) {
        const Eigen::Index index = queue_.pop();
        if (index < M2) {
            const Eigen::Index m = index;
            if (!state_[std::size_t(m)]) reach(m, phase_(m) + 0.5 * (double(tp(m)) + tq(m)) + linear_(m));
        } else {
            const Eigen::Index m = index - M2;
            if (m > 0 && !state_[std::size_t(m - 1)]) reach(m - 1, next_(m) - 0.5 * (double(fgrad_(m)) + fgrad_(m - 1)));
            if (m + 1 < M2 && !state_[std::size_t(m + 1)]) reach(m + 1, next_(m) + 0.5 * (double(fgrad_(m)) + fgrad_(m + 1)));
        }
    }
    for (Eigen::Index m = 0; m < M2; ++m) {
        phase_(m) = wrapped(next_(m));
        out(m, 0) = std::polar(magnitude_(m, q), float(phase_(m)));
    }
}

}  // namespace phaselab::stream
