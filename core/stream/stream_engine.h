#pragma once
// A streaming STFT analysis / synthesis chain (issue 13; shared algorithms-online.md §2.3, §3.4):
// any block size in, the same block size out, with a fixed latency it reports.
//
// Frames follow the offline Stft exactly (core/tf/stft.h): frame t is centred on input sample
// t*hop, the stream is zero before its first sample, and the synthesis is the same least-squares
// overlap-add, divided by the same window envelope (frames t >= 0 only). So when the processor
// passes frames through unchanged, output sample n + latency() equals input sample n to float
// precision, and for modified frames the output equals Stft::synthesise of the same frames
// (except for the final N/2 samples, where the offline transform has no further frames).
//
// Latency: latency() = windowLength + lookahead * hop samples, where the processor emits frame
// t - lookahead when it receives frame t (RTPGHI(1): 1; RTISI-LA(k): k; oMISI(K): K). It is the
// smallest whole-window figure for which every output sample is final when it is emitted, for every
// block size (N - 1 + K hop would do; the spec's window + K hop is kept: one sample more).
//
// Real-time use: after construction, process() allocates nothing and takes no lock (FFTW new-array
// execution on buffers owned here); it may run inside an audio callback. Not thread-safe: one
// engine per stream, called from one thread at a time. reset() restarts the stream from silence
// (a seek, a parameter change) and resets the processor.

#include <Eigen/Core>
#include <complex>
#include <memory>

#include "core/tf/fft.h"
#include "core/tf/stft.h"

namespace phaselab::stream {

// One frame of the STFT of `config`, forward and back, with the offline Stft's conventions (window,
// zero-phase rotation, zero padding to fft()): analyse() takes the windowLength samples of a frame,
// synthesiseAdd() adds the frame's inverse DFT times `synthesisWindow` (windowLength values) to the
// windowLength samples at `samples`. The dual window dualWindow() (w / sum_k w^2(n + k hop)) makes
// consecutive frames overlap-add to the least-squares inverse away from the stream's start.
// No allocation after construction; not thread-safe (owns its FFT buffers).
class FrameTransform {
public:
    explicit FrameTransform(const StftConfig& config);
    const Eigen::ArrayXf& window() const { return window_; }
    const Eigen::ArrayXf& dualWindow() const { return dual_; }
    void analyse(const float* samples, std::complex<float>* bins) { analyse(samples, window_.data(), bins); }
    // The same with another analysis window (windowLength values).
    void analyse(const float* samples, const float* analysisWindow, std::complex<float>* bins);
    void synthesiseAdd(const std::complex<float>* bins, const float* synthesisWindow, float* samples);

private:
    StftConfig config_;
    RealFft fft_;
    Eigen::ArrayXf window_, dual_;
    AlignedBuffer<float> real_;
    AlignedBuffer<std::complex<float>> spectrum_;
};

// One step of an online algorithm: the newest analysed frame of every input stream in, the frame
// lookahead() hops older of every output stream out. Implementations allocate only in their
// constructor (and in reset() at most nothing); process() is called once per hop.
class FrameProcessor {
public:
    virtual ~FrameProcessor() = default;
    virtual int inputs() const = 0;     // analysed streams (e.g. 1 mixture, or mixture + references)
    virtual int outputs() const = 0;    // synthesised streams (e.g. 1 signal, or one per source)
    virtual int lookahead() const = 0;  // frames
    // `in`: bins x inputs(), frame t of each input. `out`: bins x outputs(), to be filled with frame
    // t - lookahead() of each output; the engine discards it while t < lookahead().
    virtual void process(const Spectrogram& in, Spectrogram& out) = 0;
    virtual void reset() = 0;
};

class StreamEngine {
public:
    // InputError for an STFT configuration that cannot be inverted (StftConfig::validate) or a
    // processor without inputs or outputs.
    StreamEngine(const StftConfig& config, std::unique_ptr<FrameProcessor> processor);
    ~StreamEngine();
    StreamEngine(const StreamEngine&) = delete;
    StreamEngine& operator=(const StreamEngine&) = delete;

    const StftConfig& config() const { return config_; }
    int latency() const { return latency_; }  // samples
    FrameProcessor& processor() { return *processor_; }
    long long framesProcessed() const { return frame_; }

    // n samples of each input (in[i] points at n floats) in, n samples of each output out (out[j]).
    // Output sample k of the stream is input-time sample k - latency().
    void process(const float* const* in, float* const* out, int n);
    void reset();

private:
    void runFrame();

    StftConfig config_;
    std::unique_ptr<FrameProcessor> processor_;
    int latency_, inputs_, outputs_, ringLength_;
    FrameTransform transform_;
    Eigen::ArrayXf frame_samples_;    // N: one frame gathered from the input ring
    Eigen::ArrayXf synthesis_;        // N: the analysis window (the envelope is divided out on output)
    Eigen::ArrayXf frameOut_;         // N: one synthesised frame
    Eigen::ArrayXf envelopeInverse_;  // 1 / sum_t w^2 for output samples 0 .. N + hop - 1
    Eigen::ArrayXXf inputRing_;       // N x inputs: the last N input samples
    Eigen::ArrayXXf outputRing_;      // ringLength x outputs: overlap-add accumulators
    Spectrogram inFrames_, outFrames_;
    long long received_ = 0;  // input samples so far
    long long frame_ = 0;     // next frame to analyse
    int untilFrame_ = 0;      // input samples until frame_ is complete
};

}  // namespace phaselab::stream
