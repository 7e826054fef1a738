#include "core/stream/rtisila.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "core/common/error.h"

namespace phaselab::stream {

namespace {

ParamSpec lookaheadSpec(double value) {
    return integerSpec("lookahead", "Look-ahead", value, 0, 16, "frames",
                       "Frames k refined beyond the emitted one: each adds one hop of latency and one FFT pair per "
                       "iteration.");
}

ParamSpec iterationsSpec() {
    return integerSpec("iterations", "Iterations", 12, 1, 1000, "",
                       "Passes over the k + 1 uncommitted frames for each new frame.");
}

}  // namespace

const AlgorithmDescription& rtisiLaDescription() {
    static const AlgorithmDescription d{
        "rtisi-la", "RTISI-LA (real-time iterative inversion)", "online recovery",
        "Phase of a magnitude stream by Griffin-Lim iterations over the newest k + 1 frames, the past committed "
        "(Zhu, Beauregard & Wyse 2007). Latency: the window plus k hops.",
        {lookaheadSpec(2), iterationsSpec()}};
    return d;
}

const AlgorithmDescription& gsRtisiLaDescription() {
    static const AlgorithmDescription d{
        "gsrtisi-la", "GSRTISI-LA (RTISI-LA, compensated windows)", "online recovery",
        "RTISI-LA with an analysis window per look-ahead position that divides out the overlap still missing "
        "(Gnann & Spiertz 2010), started from RTPGHI (Průša, ltfatnote048): the best published real-time "
        "quality. Latency: the window plus k hops, one more with the RTPGHI start.",
        {lookaheadSpec(1), iterationsSpec(),
         choiceSpec("start", "Start phase", {"rtpghi", "rtpghi-causal", "zeros"}, "rtpghi",
                    "Phase of each new frame: RTPGHI(1) (one more hop of latency; needs k >= 1), RTPGHI(0), or "
                    "an empty frame."),
         realSpec("tolerance", "RTPGHI tolerance", 1e-6, 1e-12, 0.99, "",
                  "RTPGHI start: coefficients at or below this fraction of the largest get a random phase.", true),
         integerSpec("seed", "Seed", 0, 0, 4294967295.0, "", "RTPGHI start: seed of the table of random phases.")}};
    return d;
}

RtisiLaParams rtisiLaParamsFrom(const ParamValues& values) {
    const auto& d = rtisiLaDescription();
    validateParams(d, values);
    RtisiLaParams p;
    p.lookahead = int(numberParam(d, values, "lookahead"));
    p.iterations = int(numberParam(d, values, "iterations"));
    return p;
}

RtisiLaParams gsRtisiLaParamsFrom(const ParamValues& values) {
    const auto& d = gsRtisiLaDescription();
    validateParams(d, values);
    RtisiLaParams p;
    p.variant = RtisiLaParams::Variant::GsRtisiLa;
    p.lookahead = int(numberParam(d, values, "lookahead"));
    p.iterations = int(numberParam(d, values, "iterations"));
    const std::string start = choiceParam(d, values, "start");
    p.start = start == "rtpghi" ? RtisiLaParams::Start::Rtpghi1
              : start == "rtpghi-causal" ? RtisiLaParams::Start::Rtpghi0
                                         : RtisiLaParams::Start::Zeros;
    p.rtpghi.tolerance = numberParam(d, values, "tolerance");
    p.rtpghi.seed = unsigned(numberParam(d, values, "seed"));
    return p;
}

RtisiLaProcessor::RtisiLaProcessor(const StftConfig& config, const RtisiLaParams& params)
    : config_((config.validate(), config)), params_(params), K_(params.lookahead), transform_(config) {
    using Start = RtisiLaParams::Start;
    const bool gs = params.variant == RtisiLaParams::Variant::GsRtisiLa;
    const std::string name = gs ? "GSRTISI-LA" : "RTISI-LA";
    if (K_ < 0 || K_ > 16)
        throw InputError(name + ": the look-ahead must be 0 to 16 frames, got " + std::to_string(K_));
    if (params.iterations < 1 || params.iterations > 1000)
        throw InputError(name + ": the iterations per frame must be 1 to 1000, got " + std::to_string(params.iterations));
    if (params.start != Start::Zeros) {
        if (!gs) throw InputError("RTISI-LA starts every frame empty; the RTPGHI start belongs to GSRTISI-LA");
        if (params.start == Start::Rtpghi1 && K_ == 0)
            throw InputError("GSRTISI-LA: the RTPGHI(1) start needs a look-ahead of at least 1 frame (or use "
                             "the causal RTPGHI start)");
        RtpghiParams rp = params.rtpghi;
        rp.lookahead = params.start == Start::Rtpghi1 ? 1 : 0;
        rtpghi_ = std::make_unique<RtpghiProcessor>(config, rp);
    }

    const int N = config.windowLength, hop = config.hop;
    const Eigen::Index F = config.bins();
    const Eigen::ArrayXf& g = transform_.window();
    const Eigen::ArrayXf& gd = transform_.dualWindow();
    newestFirst_.setZero(N);
    for (int i = 1; i * hop < N; ++i) newestFirst_.tail(N - i * hop) += gd.head(N - i * hop);
    newestLater_ = newestFirst_ + gd;

    const int L = (N + hop - 1) / hop - 1;
    const Eigen::ArrayXf product = g * gd;
    for (int r = 0; r <= K_; ++r) {
        Eigen::ArrayXf sum = product;
        for (int i = 1; i <= L; ++i)
            if (i * hop < N) sum.head(N - i * hop) += product.tail(N - i * hop);  // frames to the left
        for (int i = 1; i <= r; ++i)
            if (i * hop < N) sum.tail(N - i * hop) += product.head(N - i * hop);  // received frames to the right
        for (int n = 0; n < N; ++n) {
            float& s = sum(n);
            if (s == 0) s = 1;
            else if (std::abs(s) < 1e-3f) s = std::copysign(1e-3f, s);
        }
        compensating_.push_back(g / sum);
    }

    start_.setZero(F, 1);
    target_.setZero(F, K_ + 1);
    estimate_.setZero(F, K_ + 1);
    frames_.setZero(N, K_ + 1);
    committed_.setZero(N + Eigen::Index(K_) * hop);
    block_.setZero(committed_.size());
    updated_.setZero(N);
    analysed_.setZero(F, 1);
    norm_.setZero(F);
    scale_.setZero(F);
}

const Eigen::ArrayXf& RtisiLaProcessor::analysisWindow(int rightFrames, bool firstPass) const {
    if (params_.variant == RtisiLaParams::Variant::GsRtisiLa) return compensating_[std::size_t(std::clamp(rightFrames, 0, K_))];
    if (rightFrames == 0) return firstPass ? newestFirst_ : newestLater_;
    return transform_.window();
}

void RtisiLaProcessor::reset() {
    target_.setZero();
    estimate_.setZero();
    frames_.setZero();
    committed_.setZero();
    received_ = 0;
    if (rtpghi_) rtpghi_->reset();
}

void RtisiLaProcessor::refine(int j, const float* window) {
    const int N = config_.windowLength, hop = config_.hop;
    transform_.analyse(block_.data() + Eigen::Index(j) * hop, window, analysed_.data());
    norm_ = analysed_.col(0).abs2();
    scale_ = target_.col(j) / norm_.max(FLT_MIN).sqrt();
    estimate_.col(j) = (norm_ > 0).select(analysed_.col(0) * scale_.cast<std::complex<float>>(),
                                          target_.col(j).cast<std::complex<float>>());
    updated_.setZero();
    transform_.synthesiseAdd(estimate_.col(j).data(), transform_.dualWindow().data(), updated_.data());
    block_.segment(Eigen::Index(j) * hop, N) += updated_ - frames_.col(j);
    frames_.col(j) = updated_;
}

void RtisiLaProcessor::pushFrame(const std::complex<float>* frame) {
    const Eigen::Index F = config_.bins();
    for (int k = 0; k < K_; ++k) {
        target_.col(k) = target_.col(k + 1);
        estimate_.col(k) = estimate_.col(k + 1);
        frames_.col(k) = frames_.col(k + 1);
    }
    for (Eigen::Index m = 0; m < F; ++m) target_(m, K_) = std::abs(frame[m]);
    frames_.col(K_).setZero();
    if (rtpghi_) {
        estimate_.col(K_) = Eigen::Map<const Eigen::ArrayXcf>(frame, F);
        transform_.synthesiseAdd(frame, transform_.dualWindow().data(), frames_.col(K_).data());
    } else {
        estimate_.col(K_).setZero();
    }
}

void RtisiLaProcessor::process(const Spectrogram& in, Spectrogram& out) {
    const int N = config_.windowLength, hop = config_.hop;
    const long long frame = received_++;
    if (rtpghi_) {
        rtpghi_->setPreviousPhase(estimate_.col(K_).data());  // integrate from the refined newest frame
        rtpghi_->process(in, start_);
        if (frame < rtpghi_->lookahead()) return;  // RTPGHI(1) has not emitted a frame yet
        pushFrame(start_.col(0).data());
    } else {
        pushFrame(in.col(0).data());
    }
    block_ = committed_;
    for (int k = 0; k <= K_; ++k) block_.segment(Eigen::Index(k) * hop, N) += frames_.col(k);
    for (int it = 0; it < params_.iterations; ++it)
        for (int j = K_; j >= 0; --j) refine(j, analysisWindow(K_ - j, it == 0).data());
    out.col(0) = estimate_.col(0);

    committed_.head(N) += frames_.col(0);
    const Eigen::Index span = committed_.size();
    std::copy(committed_.data() + hop, committed_.data() + span, committed_.data());
    committed_.tail(hop).setZero();
}

}  // namespace phaselab::stream
