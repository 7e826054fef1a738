#include "core/stream/live_chain.h"

#include <algorithm>
#include <chrono>

#include "core/common/error.h"

namespace phaselab::stream {

LiveChain::LiveChain(std::unique_ptr<StreamEngine> engine, int maxBlock) : engine_(std::move(engine)), maxBlock_(maxBlock) {
    if (!engine_) throw InputError("a live chain needs an engine");
    const int J = engine_->processor().outputs();
    if (J > Mix::kMaxOutputs)
        throw InputError("the live mode plays at most " + std::to_string(Mix::kMaxOutputs) + " sources, this stream has " +
                         std::to_string(J));
    if (maxBlock < 1) throw InputError("the live block must be at least one sample");
    outputs_.setZero(maxBlock, J);
    for (int j = 0; j < J; ++j) outputPointers_.push_back(outputs_.col(j).data());
    delay_.setZero(engine_->latency());
}

void LiveChain::reset() {
    engine_->reset();
    delay_.setZero();
    delayAt_ = 0;
}

void LiveChain::process(const float* const* in, float* heard, int n, const Mix& mix, double sampleRate) {
    const auto start = std::chrono::steady_clock::now();
    const int J = int(outputPointers_.size());
    engine_->process(in, outputPointers_.data(), n);
    switch (mix.monitor) {
        case Monitor::Processed:
            std::fill_n(heard, n, 0.0f);
            for (int j = 0; j < J; ++j) {
                const bool audible = mix.solo >= 0 ? mix.solo == j : !mix.muted[std::size_t(j)];
                if (!audible) continue;
                const float g = mix.gain[std::size_t(j)];
                for (int k = 0; k < n; ++k) heard[k] += g * outputs_(k, j);
            }
            break;
        case Monitor::Original:
        case Monitor::Bypass:
            break;
    }
    const Eigen::Index D = delay_.size();
    for (int k = 0; k < n; ++k) {  // the delay line runs in every mode, so switching stays aligned
        const float x = in[0][k];
        const float delayed = D ? delay_(delayAt_) : x;
        if (D) {
            delay_(delayAt_) = x;
            delayAt_ = (delayAt_ + 1) % D;
        }
        if (mix.monitor == Monitor::Original) heard[k] = delayed;
        else if (mix.monitor == Monitor::Bypass) heard[k] = x;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double load = seconds / (double(n) / sampleRate);
    lastLoad_.store(load, std::memory_order_relaxed);
    double peak = peakLoad_.load(std::memory_order_relaxed);
    while (load > peak && !peakLoad_.compare_exchange_weak(peak, load, std::memory_order_relaxed)) {
    }
}

}  // namespace phaselab::stream
