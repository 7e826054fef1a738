#pragma once
// The live mode's engine room (issue 13): a processing thread that streams a source through a
// stream::LiveChain in real time, block by block, and hands what is heard to the audio output and
// to the GUI.
//
// Source: a file played as if it were live (the document's mixture, and its references as the
// magnitude streams of an oracle separation), looping; or an audio input device (one stream:
// phase recovery only), captured in the audio thread, whose clock then paces the stream. With an output device, the device's clock
// is the master: the thread keeps kQueued samples (46 ms at 44.1 kHz) computed ahead of it, so the
// heard delay is the engine's latency plus that queue and the device's buffer, and never drifts.
// Without one, the thread paces itself by the system clock (block k at start + k x block / rate).
// Output: when an output device is available, a QAudioSink in push mode, fed every 5 ms from a
// lock-free ring by a RingFeeder in a thread of its own (a busy GUI thread never starves it; Qt's
// pull mode fell behind real time on a loaded machine and the sound server filled the gaps with
// silence); a moment the device has room and nothing was computed counts as an underrun. Without a device the stream still runs into the taps (meters, scrolling
// views, the recording) and outputStatus() says why nothing is heard.
// Parameters change while running: replaceChain() hands a new chain to the thread, which takes it
// at the next block; setMix() changes the monitor, gains, mutes and solo at the next block.
// Thread-safety: every public method is for the GUI thread; the processing thread touches only the
// chain it owns, the rings (single producer, single consumer each) and atomics.

#include <QAudioDevice>
#include <QIODevice>
#include <QObject>
#include <QThread>
#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/stream/live_chain.h"
#include "core/stream/sample_ring.h"

class QAudioFormat;
class QAudioSink;
class QAudioSource;
class QTimer;

namespace phaselab {

// Feeds an output device in push mode from a ring of float samples, interleaved with sourceChannels
// channels (mono: to every device channel; more: channel d of the device plays source channel d, the
// last one beyond; a mono device plays their mean): every 5 ms it writes as much as the device has
// room for. Lives in the audio thread.
// A moment when the device has room for a block and the ring is empty counts as an underrun.
class RingFeeder : public QObject {
    Q_OBJECT
public:
    RingFeeder(stream::SampleRing& ring, QAudioSink* sink, int channels, int block, int sourceChannels = 1);
    bool start();  // false if the device did not start
    void stop();
    long long underruns() const { return underruns_.load(); }

private:
    void feed();
    stream::SampleRing& ring_;
    QAudioSink* sink_;
    QIODevice* device_ = nullptr;
    int channels_, block_, sourceChannels_;
    QTimer* timer_;
    std::vector<float> frames_, interleaved_;
    bool dry_ = false;
    std::atomic<long long> underruns_{0};
};

// Captures an input device (mono float) into a ring. Lives in the audio thread.
class InputCapture : public QObject {
    Q_OBJECT
public:
    InputCapture(stream::SampleRing& ring, const QAudioDevice& device, const QAudioFormat& format);
    bool start();  // false if the device did not start
    void stop();
    long long overflows() const { return overflows_.load(); }

private:
    void take();
    stream::SampleRing& ring_;
    QAudioSource* source_;
    QIODevice* device_ = nullptr;
    std::vector<float> scratch_;
    std::atomic<long long> overflows_{0};
};

class LiveRunner : public QObject {
    Q_OBJECT
public:
    struct FileSource {
        // The signal or mixture, then the magnitude streams; equal lengths. With several channels,
        // channel-major: stream i of channel c at c * (streams.size() / channels) + i.
        std::vector<Eigen::ArrayXf> streams;
        double sampleRate = 0;
        int channels = 1;  // the chain's channels()
    };

    explicit LiveRunner(QObject* parent = nullptr);
    ~LiveRunner() override;

    // Starts streaming (stops a running stream first). The chain's inputs times its channels must equal
    // the number of signals, and its channels the source's. With audioOutput, the default output device plays what is heard when there is one.
    // InputError for an empty source or a mismatched chain.
    void start(FileSource source, std::unique_ptr<stream::LiveChain> chain, bool audioOutput);
    // Starts streaming from an audio input device (one stream, mono float at sampleRate), whose clock
    // then paces the stream. InputError if the device is missing, refuses the format or does not
    // start, or the chain needs more than one input stream.
    void startFromDevice(const QAudioDevice& input, double sampleRate, std::unique_ptr<stream::LiveChain> chain, bool audioOutput);
    void stop();
    bool isRunning() const { return worker_.joinable(); }
    bool fromDevice() const { return fromDevice_; }
    void replaceChain(std::unique_ptr<stream::LiveChain> chain);
    void setMix(const stream::Mix& mix);
    stream::Mix mix() const;

    int blockSize() const { return block_; }
    static constexpr int queuedAhead() { return kQueued; }  // samples computed ahead of an output device
    double sampleRate() const { return source_.sampleRate; }
    int latency() const { return latency_.load(); }
    double seconds() const;           // of the source streamed so far
    double load() const;              // processing time / block duration, last block
    double takePeakLoad();            // largest since the last call
    long long underruns() const;      // blocks of silence the output device got
    long long overflows() const;      // blocks the output device had no room for (dropped)
    std::size_t queued() const;       // samples computed and not yet taken by the device
    QString outputStatus() const { return outputStatus_; }  // empty while a device plays
    // What was streamed since the last call (input: the first input signal, the mean of its channels;
    // heard: the monitor output, time-aligned with the input by latency(), interleaved with
    // channels() channels); returns the samples copied (heard: a multiple of channels()).
    std::size_t takeInput(float* x, std::size_t n) { return inputTap_.read(x, n); }
    std::size_t takeHeard(float* x, std::size_t n) { return heardTap_.read(x, n - n % std::size_t(channels_)); }
    int channels() const { return channels_; }  // of the stream (a device input: 1)
    // Frees a chain the thread has let go of (call from the GUI's poll).
    void collect();

private:
    void run();
    void begin(std::unique_ptr<stream::LiveChain> chain, bool audioOutput);
    void prepareOutput();
    static constexpr int kQueued = 2048;  // samples computed ahead of an output device

    FileSource source_;
    int block_ = 256;
    int channels_ = 1;
    std::thread worker_;
    std::atomic<bool> stopRequested_{false};
    std::unique_ptr<stream::LiveChain> chain_;           // owned by the thread while running
    std::atomic<stream::LiveChain*> pending_{nullptr};   // handed over by replaceChain()
    std::atomic<stream::LiveChain*> retired_{nullptr};   // let go of by the thread
    mutable std::mutex mixMutex_;
    stream::Mix mix_;
    std::atomic<bool> mixChanged_{true};
    std::atomic<int> latency_{0};
    std::atomic<long long> streamed_{0}, overflows_{0};
    std::atomic<double> load_{0}, peakLoad_{0};
    stream::SampleRing outputRing_, inputTap_, heardTap_, inputRing_;
    bool fromDevice_ = false;
    InputCapture* capture_ = nullptr;  // lives in audioThread_
    QThread audioThread_;           // the output device's own event loop
    QObject* audioContext_;         // lives in audioThread_
    QAudioSink* sink_ = nullptr;    // created, started, stopped and deleted in audioThread_
    RingFeeder* feeder_ = nullptr;      // lives in audioThread_
    QString outputStatus_;
};

}  // namespace phaselab
