#pragma once
// What the live mode runs for each block (issue 13): the streaming engine, then the monitor mix of
// what is heard, and the processing load.
//
// Inputs: the engine's inputs (the signal or mixture first, then any magnitude streams). Heard
// output, one mono block per call, by monitor mode:
//   Processed: the engine's outputs mixed with per-output gain, mute and solo (a recovered signal,
//              or the separated sources);
//   Original:  the first input delayed by the engine's latency (an instant A/B against Processed,
//              time-aligned);
//   Bypass:    the first input as it arrives (no delay).
// Load: the processing time of a block divided by its duration (lastLoad(), and the largest since
// the last call of takePeakLoad()).
// Real-time: buffers are allocated in the constructor; process() allocates nothing and takes no lock.
// Thread-safety: process() on one thread; the Mix is passed by value with each call, so a GUI
// changes gains or the monitor by handing a new Mix to the thread that calls process().

#include <array>
#include <atomic>
#include <memory>

#include "core/stream/stream_engine.h"

namespace phaselab::stream {

enum class Monitor { Processed, Original, Bypass };

struct Mix {
    static constexpr int kMaxOutputs = 8;
    Monitor monitor = Monitor::Processed;
    std::array<float, kMaxOutputs> gain{1, 1, 1, 1, 1, 1, 1, 1};  // linear
    std::array<bool, kMaxOutputs> muted{};
    int solo = -1;  // an output index, or -1
};

class LiveChain {
public:
    // InputError if the engine has more than Mix::kMaxOutputs outputs; maxBlock >= 1 samples.
    LiveChain(std::unique_ptr<StreamEngine> engine, int maxBlock);
    StreamEngine& engine() { return *engine_; }
    int latency() const { return engine_->latency(); }
    int maxBlock() const { return maxBlock_; }
    // in: engine().processor().inputs() pointers to n samples; heard: n samples; n <= maxBlock.
    // processed(j) holds output j of this block afterwards.
    void process(const float* const* in, float* heard, int n, const Mix& mix, double sampleRate);
    const float* processed(int j) const { return outputs_.col(j).data(); }
    double lastLoad() const { return lastLoad_.load(std::memory_order_relaxed); }
    double takePeakLoad() { return peakLoad_.exchange(0.0, std::memory_order_relaxed); }
    void reset();

private:
    std::unique_ptr<StreamEngine> engine_;
    int maxBlock_;
    Eigen::ArrayXXf outputs_;       // maxBlock x outputs
    std::vector<float*> outputPointers_;
    Eigen::ArrayXf delay_;          // latency samples of the first input
    Eigen::Index delayAt_ = 0;
    std::atomic<double> lastLoad_{0}, peakLoad_{0};
};

}  // namespace phaselab::stream
