#include "core/stream/online_separation.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <numbers>

#include "core/common/error.h"
#include "core/phase/von_mises.h"
#include "core/separation/anisotropic_wiener.h"

namespace phaselab::stream {

const AlgorithmDescription& onlineWienerDescription() {
    static const AlgorithmDescription d{
        "wiener", "Online Wiener", "online separation",
        "The Wiener mask V_j^2 / sum_k V_k^2 applied to each mixture frame as it arrives: no look-ahead, latency the "
        "window.",
        {}};
    return d;
}

const AlgorithmDescription& onlineAwDescription() {
    static const AlgorithmDescription d{
        "aw", "Online anisotropic Wiener", "online separation",
        "The anisotropic Wiener filter frame by frame (its phase locations follow each source's previous output frame "
        "by the sinusoidal model): no look-ahead, latency the window.",
        {realSpec("kappa", "Kappa", 1.0, 0.0, 1e6, "",
                  "Concentration of the source phases around their sinusoidal locations (0: the Wiener filter).")}};
    return d;
}

OnlineWienerProcessor::OnlineWienerProcessor(const StftConfig& config, int sources) : sources_(sources) {
    if (sources < 1) throw InputError("online Wiener needs at least one source");
    total_.setZero(config.bins());
}

void OnlineWienerProcessor::process(const Spectrogram& in, Spectrogram& out) {
    total_.setZero();
    for (int j = 0; j < sources_; ++j) total_ += in.col(1 + j).abs2();
    for (int j = 0; j < sources_; ++j)
        for (Eigen::Index m = 0; m < total_.size(); ++m) {
            const float share = total_(m) > 0 ? std::norm(in(m, 1 + j)) / total_(m) : 1.0f / float(sources_);
            out(m, j) = in(m, 0) * share;
        }
}

OnlineAwProcessor::OnlineAwProcessor(const StftConfig& config, int sources, double kappa) : sources_(sources) {
    if (sources < 1) throw InputError("online anisotropic Wiener needs at least one source");
    if (!(kappa >= 0) || !std::isfinite(kappa))
        throw InputError("online anisotropic Wiener: kappa must be finite and >= 0, got " + std::to_string(kappa));
    const vonmises::AgMoments moments = vonmises::agMoments(kappa);
    lambda_ = moments.lambda;
    rho_ = moments.rho;
    advance_ = 2 * std::numbers::pi * config.hop / config.fft();
    const Eigen::Index F = config.bins();
    previous_.setZero(F, sources);
    frequency_.setZero(F);
    magnitude_.setZero(F);
    location_.setZero(F, sources);
    peaks_.reserve(std::size_t(F / 2 + 1));
    m_.resize(std::size_t(sources));
    c_.resize(std::size_t(sources));
    estimate_.resize(std::size_t(sources));
    gamma_.resize(std::size_t(sources));
}

void OnlineAwProcessor::process(const Spectrogram& in, Spectrogram& out) {
    using cd = std::complex<double>;
    const Eigen::Index F = in.rows();
    for (int j = 0; j < sources_; ++j) {
        if (frames_ == 0) {
            for (Eigen::Index f = 0; f < F; ++f) location_(f, j) = std::arg(cd(in(f, 0)));
        } else {
            magnitude_ = in.col(1 + j).abs();
            sinusoidal::binFrequencies(magnitude_, frequency_, {}, peaks_);
            for (Eigen::Index f = 0; f < F; ++f)
                location_(f, j) = std::arg(cd(previous_(f, j))) + advance_ * frequency_(f);
        }
    }
    for (Eigen::Index f = 0; f < F; ++f) {
        for (int j = 0; j < sources_; ++j) {
            const double v = double(std::abs(in(f, 1 + j)));
            const cd u = std::polar(1.0, location_(f, j));
            m_[std::size_t(j)] = lambda_ * v * u;
            gamma_[std::size_t(j)] = (1 - lambda_ * lambda_) * v * v;
            c_[std::size_t(j)] = rho_ * v * v * u * u;
        }
        separation::anisotropicPosteriorMean(m_.data(), gamma_.data(), c_.data(), sources_, cd(in(f, 0)), estimate_.data());
        for (int j = 0; j < sources_; ++j) out(f, j) = previous_(f, j) = std::complex<float>(estimate_[std::size_t(j)]);
    }
    ++frames_;
}

const AlgorithmDescription& onlineMisiDescription() {
    static const AlgorithmDescription d{
        "omisi", "Online MISI", "online separation",
        "MISI on a sliding block of the newest K + 1 frames, the past frozen (Magron & Virtanen 2020): phase-aware "
        "separation with a latency of the window plus K hops.",
        {
            integerSpec("lookahead", "Look-ahead", 1, 0, 16, "frames",
                        "Frames of look-ahead K: each adds one hop of latency and refines each frame longer."),
            integerSpec("iterations", "Iterations", -1, -1, 1000, "",
                        "MISI iterations per frame; -1: 15 / (K + 1), the work of 15 offline iterations; 0: the "
                        "amplitude mask (mixture phase)."),
            choiceSpec("start", "Start phase", {"mix", "sinus"}, "mix",
                       "Phase of each new frame: the mixture's, or the sinusoidal model's advance of the source's "
                       "previous frame."),
        }};
    return d;
}

OnlineMisiParams onlineMisiParamsFrom(const ParamValues& values) {
    const auto& d = onlineMisiDescription();
    validateParams(d, values);
    return {int(numberParam(d, values, "lookahead")), int(numberParam(d, values, "iterations")),
            choiceParam(d, values, "start") == "sinus"};
}

OnlineMisiProcessor::OnlineMisiProcessor(const StftConfig& config, int sources, const OnlineMisiParams& params)
    : config_((config.validate(), config)), sources_(sources), K_(params.lookahead), transform_(config) {
    if (sources < 1) throw InputError("online MISI needs at least one source");
    if (params.lookahead < 0 || params.lookahead > 16)
        throw InputError("online MISI: the look-ahead must be 0 to 16 frames, got " + std::to_string(params.lookahead));
    if (params.iterations < -1 || params.iterations > 1000)
        throw InputError("online MISI: the iterations per frame must be 0 to 1000 (-1: 15 / (K + 1)), got " +
                         std::to_string(params.iterations));
    iterations_ = params.resolvedIterations();
    const Eigen::Index F = config.bins(), span = config.windowLength + Eigen::Index(K_) * config.hop;
    mixture_.setZero(F, K_ + 1);
    target_.setZero(F, sources_ * (K_ + 1));
    estimate_.setZero(F, sources_ * (K_ + 1));
    committed_.setZero(span, sources_);
    block_.setZero(span);
    error_.setZero(F);
    norm_.setZero(F);
    mixtureNorm_.setZero(F);
    scale_.setZero(F);
    fallbackScale_.setZero(F);
    sinusoidal_ = params.sinusoidalStart;
    previous_.setZero(F, sources_);
    frequency_.setZero(F);
    peaks_.reserve(std::size_t(F / 2 + 1));
}

void OnlineMisiProcessor::reset() {
    mixture_.setZero();
    target_.setZero();
    estimate_.setZero();
    committed_.setZero();
    previous_.setZero();
}

void OnlineMisiProcessor::synthesiseBlock(int j) {
    block_ = committed_.col(j);
    for (int k = 0; k <= K_; ++k)
        transform_.synthesiseAdd(estimate_.col(col(j, k)).data(), transform_.dualWindow().data(),
                                 block_.data() + Eigen::Index(k) * config_.hop);
}

void OnlineMisiProcessor::process(const Spectrogram& in, Spectrogram& out) {
    const Eigen::Index F = config_.bins();
    const int hop = config_.hop;
    auto withMagnitude = [](std::complex<float> z, float magnitude, std::complex<float> fallback) {
        const float a = std::norm(z);  // |z|^2: no hypot in the inner loop
        if (a > 0) return z * (magnitude / std::sqrt(a));
        const float b = std::norm(fallback);
        return b > 0 ? fallback * (magnitude / std::sqrt(b)) : std::complex<float>(magnitude, 0.0f);
    };
    for (int k = 0; k < K_; ++k) mixture_.col(k) = mixture_.col(k + 1);
    mixture_.col(K_) = in.col(0);
    const float advance = float(2.0 * std::numbers::pi * hop / config_.fft());
    for (int j = 0; j < sources_; ++j) {
        if (sinusoidal_) previous_.col(j) = estimate_.col(col(j, K_));  // frame i+K-1
        for (int k = 0; k < K_; ++k) {
            target_.col(col(j, k)) = target_.col(col(j, k + 1));
            estimate_.col(col(j, k)) = estimate_.col(col(j, k + 1));
        }
        target_.col(col(j, K_)) = in.col(1 + j).abs();
        if (sinusoidal_) {
            sinusoidal::binFrequencies(target_.col(col(j, K_)), frequency_, {}, peaks_);
            for (Eigen::Index m = 0; m < F; ++m) {
                const std::complex<float> p = previous_(m, j);
                const float phase = (p == std::complex<float>(0.0f, 0.0f) ? std::arg(in(m, 0)) : std::arg(p)) + advance * frequency_(m);
                estimate_(m, col(j, K_)) = std::polar(target_(m, col(j, K_)), phase);
            }
        } else {
            for (Eigen::Index m = 0; m < F; ++m)  // the newest frame starts from the mixture phase
                estimate_(m, col(j, K_)) = withMagnitude(in(m, 0), target_(m, col(j, K_)), {});
        }
    }
    for (int it = 0; it < iterations_; ++it) {
        for (int j = 0; j < sources_; ++j) {
            synthesiseBlock(j);
            for (int k = 0; k <= K_; ++k)
                transform_.analyse(block_.data() + Eigen::Index(k) * hop, estimate_.col(col(j, k)).data());
        }
        for (int k = 0; k <= K_; ++k) {
            error_ = mixture_.col(k);
            for (int j = 0; j < sources_; ++j) error_ -= estimate_.col(col(j, k));
            error_ /= float(sources_);
            mixtureNorm_ = mixture_.col(k).abs2();
            for (int j = 0; j < sources_; ++j) {
                auto y = estimate_.col(col(j, k));
                const auto v = target_.col(col(j, k));
                y += error_;
                norm_ = y.abs2();
                scale_ = v / norm_.max(FLT_MIN).sqrt();
                fallbackScale_ = v / mixtureNorm_.max(FLT_MIN).sqrt();
                y = (norm_ > 0).select(y * scale_.cast<std::complex<float>>(),
                                       (mixtureNorm_ > 0).select(mixture_.col(k) * fallbackScale_.cast<std::complex<float>>(),
                                                                 v.cast<std::complex<float>>()));
            }
        }
    }
    const Eigen::Index span = committed_.rows();
    for (int j = 0; j < sources_; ++j) {
        out.col(j) = estimate_.col(col(j, 0));
        transform_.synthesiseAdd(estimate_.col(col(j, 0)).data(), transform_.dualWindow().data(), committed_.col(j).data());
        float* c = committed_.col(j).data();
        std::copy(c + hop, c + span, c);
        std::fill(c + span - hop, c + span, 0.0f);
    }
}

}  // namespace phaselab::stream
