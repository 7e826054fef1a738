#pragma once
// What the live mode runs for each block (issue 13): the streaming engine, then the monitor mix of
// what is heard, and the processing load.
//
// Inputs: the engine's inputs (the signal or mixture first, then any magnitude streams). Heard
// output, one block per call, by monitor mode:
//   Processed: the engine's outputs mixed with per-output gain, mute and solo (a recovered signal,
//              or the separated sources);
//   Original:  the first input delayed by the engine's latency (an instant A/B against Processed,
//              time-aligned);
//   Bypass:    the first input as it arrives (no delay).
// Multichannel: one engine per channel (the same method and settings, each with its own state); the
// inputs are channel-major (input i of channel c at in[c * I + i], I = engine().processor().inputs()),
// the heard block is interleaved (sample k of channel c at heard[k * channels() + c]) and the monitor
// mix is the same for every channel.
// Load: the processing time of a block (every channel) divided by its duration (lastLoad(), and the
// largest since the last call of takePeakLoad()).
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
    static constexpr int kMaxChannels = 8;
    // InputError if the engine has more than Mix::kMaxOutputs outputs; maxBlock >= 1 samples.
    LiveChain(std::unique_ptr<StreamEngine> engine, int maxBlock);
    // One engine per channel (1 .. kMaxChannels, equal settings: InputError otherwise).
    LiveChain(std::vector<std::unique_ptr<StreamEngine>> engines, int maxBlock);
    StreamEngine& engine() { return *engines_[0]; }  // the first channel's
    int channels() const { return int(engines_.size()); }
    int latency() const { return engines_[0]->latency(); }
    int maxBlock() const { return maxBlock_; }
    // in: channels() x engine().processor().inputs() pointers to n samples; heard: n x channels()
    // samples, interleaved; n <= maxBlock. processed(j) holds output j of the first channel afterwards.
    void process(const float* const* in, float* heard, int n, const Mix& mix, double sampleRate);
    const float* processed(int j) const { return outputs_.col(j).data(); }
    double lastLoad() const { return lastLoad_.load(std::memory_order_relaxed); }
    double takePeakLoad() { return peakLoad_.exchange(0.0, std::memory_order_relaxed); }
    void reset();

private:
    std::vector<std::unique_ptr<StreamEngine>> engines_;
    int maxBlock_;
    Eigen::ArrayXXf outputs_;       // maxBlock x (channels x outputs): column c * J + j
    std::vector<float*> outputPointers_;
    Eigen::ArrayXXf delay_;         // latency samples of each channel's first input
    Eigen::Index delayAt_ = 0;
    std::atomic<double> lastLoad_{0}, peakLoad_{0};
};

}  // namespace phaselab::stream
