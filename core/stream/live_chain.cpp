#include "core/stream/live_chain.h"

#include <algorithm>
#include <chrono>

#include "core/common/error.h"

namespace phaselab::stream {

namespace {
std::vector<std::unique_ptr<StreamEngine>> one(std::unique_ptr<StreamEngine> engine) {
    std::vector<std::unique_ptr<StreamEngine>> v;
    v.push_back(std::move(engine));
    return v;
}
}  // namespace

LiveChain::LiveChain(std::unique_ptr<StreamEngine> engine, int maxBlock) : LiveChain(one(std::move(engine)), maxBlock) {}

LiveChain::LiveChain(std::vector<std::unique_ptr<StreamEngine>> engines, int maxBlock) : engines_(std::move(engines)), maxBlock_(maxBlock) {
    if (engines_.empty() || !engines_[0]) throw InputError("a live chain needs an engine");
    if (int(engines_.size()) > kMaxChannels)
        throw InputError("the live mode streams at most " + std::to_string(kMaxChannels) + " channels, this source has " +
                         std::to_string(engines_.size()));
    const int J = engines_[0]->processor().outputs(), I = engines_[0]->processor().inputs();
    for (const auto& e : engines_)
        if (!e || e->processor().outputs() != J || e->processor().inputs() != I || e->latency() != engines_[0]->latency())
            throw InputError("the engines of a live chain's channels must have equal settings");
    if (J > Mix::kMaxOutputs)
        throw InputError("the live mode plays at most " + std::to_string(Mix::kMaxOutputs) + " sources, this stream has " +
                         std::to_string(J));
    if (maxBlock < 1) throw InputError("the live block must be at least one sample");
    const int C = channels();
    outputs_.setZero(maxBlock, J * C);
    for (int k = 0; k < J * C; ++k) outputPointers_.push_back(outputs_.col(k).data());
    delay_.setZero(engines_[0]->latency(), C);
}

void LiveChain::reset() {
    for (auto& e : engines_) e->reset();
    delay_.setZero();
    delayAt_ = 0;
}

void LiveChain::process(const float* const* in, float* heard, int n, const Mix& mix, double sampleRate) {
    const auto start = std::chrono::steady_clock::now();
    const int C = channels(), I = engines_[0]->processor().inputs(), J = engines_[0]->processor().outputs();
    for (int c = 0; c < C; ++c) engines_[std::size_t(c)]->process(in + c * I, outputPointers_.data() + c * J, n);
    if (mix.monitor == Monitor::Processed) {
        std::fill_n(heard, std::size_t(n) * std::size_t(C), 0.0f);
        for (int j = 0; j < J; ++j) {
            const bool audible = mix.solo >= 0 ? mix.solo == j : !mix.muted[std::size_t(j)];
            if (!audible) continue;
            const float g = mix.gain[std::size_t(j)];
            for (int c = 0; c < C; ++c)
                for (int k = 0; k < n; ++k) heard[k * C + c] += g * outputs_(k, c * J + j);
        }
    }
    const Eigen::Index D = delay_.rows();
    for (int k = 0; k < n; ++k) {  // the delay line runs in every mode, so switching stays aligned
        for (int c = 0; c < C; ++c) {
            const float x = in[c * I][k];
            const float delayed = D ? delay_(delayAt_, c) : x;
            if (D) delay_(delayAt_, c) = x;
            if (mix.monitor == Monitor::Original) heard[k * C + c] = delayed;
            else if (mix.monitor == Monitor::Bypass) heard[k * C + c] = x;
        }
        if (D) delayAt_ = (delayAt_ + 1) % D;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double load = seconds / (double(n) / sampleRate);
    lastLoad_.store(load, std::memory_order_relaxed);
    double peak = peakLoad_.load(std::memory_order_relaxed);
    while (load > peak && !peakLoad_.compare_exchange_weak(peak, load, std::memory_order_relaxed)) {
    }
}

}  // namespace phaselab::stream
