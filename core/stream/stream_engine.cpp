#include "core/stream/stream_engine.h"

#include <algorithm>

#include "core/common/error.h"

namespace phaselab::stream {

namespace {

long long wrap(long long i, long long n) { return ((i % n) + n) % n; }

}  // namespace

FrameTransform::FrameTransform(const StftConfig& config)
    : config_((config.validate(), config)),
      fft_(config.fft()),
      window_(makeWindow(config.window, config.windowLength)),
      real_(std::size_t(config.fft())),
      spectrum_(std::size_t(config.bins())) {
    const int N = config.windowLength, hop = config.hop;
    Eigen::ArrayXd sum = Eigen::ArrayXd::Zero(N);
    const Eigen::ArrayXd w2 = window_.cast<double>().square();
    for (int n = 0; n < N; ++n)
        for (int k = -(N / hop + 1); k <= N / hop + 1; ++k)
            if (n + k * hop >= 0 && n + k * hop < N) sum(n) += w2(n + k * hop);
    dual_ = (window_.cast<double>() / sum).cast<float>();
}

// The frame's sample n sits at FFT index n - N/2 (mod Nfft) with the zero-phase rotation, else at n.
void FrameTransform::analyse(const float* samples, const float* w, std::complex<float>* bins) {
    const int N = config_.windowLength, half = N / 2, Nfft = config_.fft();
    float* r = real_.data();
    if (config_.zeroPhase) {
        for (int n = half; n < N; ++n) r[n - half] = samples[n] * w[n];
        std::fill(r + (N - half), r + (Nfft - half), 0.0f);
        for (int n = 0; n < half; ++n) r[Nfft - half + n] = samples[n] * w[n];
    } else {
        for (int n = 0; n < N; ++n) r[n] = samples[n] * w[n];
        std::fill(r + N, r + Nfft, 0.0f);
    }
    fft_.forward(r, spectrum_.data());
    std::copy_n(spectrum_.data(), config_.bins(), bins);
}

void FrameTransform::synthesiseAdd(const std::complex<float>* bins, const float* synthesisWindow, float* samples) {
    const int N = config_.windowLength, half = N / 2, Nfft = config_.fft();
    std::copy_n(bins, config_.bins(), spectrum_.data());
    fft_.inverse(spectrum_.data(), real_.data());
    const float scale = 1.0f / float(Nfft);
    const float* r = real_.data();
    if (config_.zeroPhase) {
        for (int n = 0; n < half; ++n) samples[n] += r[Nfft - half + n] * scale * synthesisWindow[n];
        for (int n = half; n < N; ++n) samples[n] += r[n - half] * scale * synthesisWindow[n];
    } else {
        for (int n = 0; n < N; ++n) samples[n] += r[n] * scale * synthesisWindow[n];
    }
}

StreamEngine::StreamEngine(const StftConfig& config, std::unique_ptr<FrameProcessor> processor)
    : config_((config.validate(), config)),
      processor_(std::move(processor)),
      transform_(config) {
    if (!processor_ || processor_->inputs() < 1 || processor_->outputs() < 1 || processor_->lookahead() < 0)
        throw InputError("a stream needs a processor with at least one input and one output");
    const int N = config_.windowLength, hop = config_.hop, half = N / 2;
    inputs_ = processor_->inputs();
    outputs_ = processor_->outputs();
    latency_ = N + processor_->lookahead() * hop;
    ringLength_ = 2 * N + 2 * hop;
    inputRing_.setZero(N, inputs_);
    outputRing_.setZero(ringLength_, outputs_);
    inFrames_.setZero(config_.bins(), inputs_);
    outFrames_.setZero(config_.bins(), outputs_);

    Eigen::ArrayXd envelope = Eigen::ArrayXd::Zero(N + hop);
    const Eigen::ArrayXd w2 = transform_.window().cast<double>().square();
    for (long long t = 0; t * hop - half < N + hop; ++t)
        for (int n = 0; n < N; ++n) {
            const long long s = t * hop - half + n;
            if (s >= 0 && s < N + hop) envelope(s) += w2(n);
        }
    envelopeInverse_ = (1.0 / envelope).cast<float>();
    frame_samples_.setZero(N);
    synthesis_ = transform_.window();
    frameOut_.setZero(N);
    untilFrame_ = half;
}

StreamEngine::~StreamEngine() = default;

void StreamEngine::reset() {
    inputRing_.setZero();
    outputRing_.setZero();
    received_ = 0;
    frame_ = 0;
    untilFrame_ = config_.windowLength / 2;
    processor_->reset();
}

void StreamEngine::process(const float* const* in, float* const* out, int n) {
    const int N = config_.windowLength, hop = config_.hop;
    int done = 0;
    while (done < n) {
        const int chunk = std::min(n - done, untilFrame_);
        for (int i = 0; i < inputs_; ++i)
            for (int k = 0; k < chunk; ++k) inputRing_(wrap(received_ + k, N), i) = in[i][done + k];
        for (int k = 0; k < chunk; ++k) {
            const long long s = received_ + k - latency_;
            if (s < 0) {
                for (int j = 0; j < outputs_; ++j) out[j][done + k] = 0.0f;
                continue;
            }
            const float scale = envelopeInverse_(s < N + hop ? s : N + (s - N) % hop);
            const Eigen::Index slot = s % ringLength_;
            for (int j = 0; j < outputs_; ++j) {
                out[j][done + k] = outputRing_(slot, j) * scale;
                outputRing_(slot, j) = 0.0f;
            }
        }
        received_ += chunk;
        untilFrame_ -= chunk;
        done += chunk;
        if (untilFrame_ == 0) {
            runFrame();
            untilFrame_ = hop;
        }
    }
}

void StreamEngine::runFrame() {
    const int N = config_.windowLength, half = N / 2, hop = config_.hop;
    const long long start = frame_ * hop - half;
    for (int i = 0; i < inputs_; ++i) {
        const Eigen::Index first = wrap(start, N);  // the ring's oldest sample is the frame's first
        frame_samples_.head(N - first) = inputRing_.col(i).segment(first, N - first);
        frame_samples_.tail(first) = inputRing_.col(i).head(first);
        transform_.analyse(frame_samples_.data(), inFrames_.col(i).data());
    }
    processor_->process(inFrames_, outFrames_);
    const long long q = frame_ - processor_->lookahead();
    ++frame_;
    if (q < 0) return;
    const long long qStart = q * hop - half;
    for (int j = 0; j < outputs_; ++j) {
        frameOut_.setZero();
        transform_.synthesiseAdd(outFrames_.col(j).data(), synthesis_.data(), frameOut_.data());
        const int skip = std::max(0, int(-qStart));  // samples before the stream's start
        const Eigen::Index slot = (qStart + skip) % ringLength_, n = N - skip, untilWrap = std::min<Eigen::Index>(n, ringLength_ - slot);
        outputRing_.col(j).segment(slot, untilWrap) += frameOut_.segment(skip, untilWrap);
        outputRing_.col(j).head(n - untilWrap) += frameOut_.segment(skip + untilWrap, n - untilWrap);
    }
}

}  // namespace phaselab::stream
