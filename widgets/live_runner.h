#pragma once
// The live mode's engine room (issue 13): a processing thread that streams a source through a
// stream::LiveChain in real time, block by block, and hands what is heard to the audio output and
// to the GUI.
//
// Source: a file played as if it were live (the document's mixture, and its references as the
// magnitude streams of an oracle separation), looping. The thread paces itself by the clock: block
// k is processed at start + k x block / rate, so the stream runs in real time with or without an
// audio device.
// Output: when an output device is available, a QAudioSink in pull mode reads the heard signal from
// a lock-free ring (RingSource); a block the device asks for before it was computed is silence and
// counts as an underrun. Without a device the stream still runs into the taps (meters, scrolling
// views, the recording) and outputStatus() says why nothing is heard.
// Parameters change while running: replaceChain() hands a new chain to the thread, which takes it
// at the next block; setMix() changes the monitor, gains, mutes and solo at the next block.
// Thread-safety: every public method is for the GUI thread; the processing thread touches only the
// chain it owns, the rings (single producer, single consumer each) and atomics.

#include <QAudioDevice>
#include <QIODevice>
#include <QObject>
#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/stream/live_chain.h"
#include "core/stream/sample_ring.h"

class QAudioSink;

namespace phaselab {

// Pull-mode audio source reading mono float samples from a ring (duplicated to every channel).
class RingSource : public QIODevice {
    Q_OBJECT
public:
    RingSource(stream::SampleRing& ring, int channels, QObject* parent = nullptr);
    long long underruns() const { return underruns_.load(); }
    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override;

protected:
    qint64 readData(char* data, qint64 maxSize) override;
    qint64 writeData(const char*, qint64) override { return -1; }

private:
    stream::SampleRing& ring_;
    int channels_;
    std::vector<float> scratch_;
    std::atomic<long long> underruns_{0};
};

class LiveRunner : public QObject {
    Q_OBJECT
public:
    struct FileSource {
        std::vector<Eigen::ArrayXf> streams;  // the signal or mixture, then the magnitude streams; equal lengths
        double sampleRate = 0;
    };

    explicit LiveRunner(QObject* parent = nullptr);
    ~LiveRunner() override;

    // Starts streaming (stops a running stream first). The chain's inputs must equal the number of
    // signals. With audioOutput, the default output device plays what is heard when there is one.
    // InputError for an empty source or a mismatched chain.
    void start(FileSource source, std::unique_ptr<stream::LiveChain> chain, bool audioOutput);
    void stop();
    bool isRunning() const { return worker_.joinable(); }
    void replaceChain(std::unique_ptr<stream::LiveChain> chain);
    void setMix(const stream::Mix& mix);
    stream::Mix mix() const;

    int blockSize() const { return block_; }
    double sampleRate() const { return source_.sampleRate; }
    int latency() const { return latency_.load(); }
    double seconds() const;           // of the source streamed so far
    double load() const;              // processing time / block duration, last block
    double takePeakLoad();            // largest since the last call
    long long underruns() const;      // blocks of silence the output device got
    QString outputStatus() const { return outputStatus_; }  // empty while a device plays
    // What was streamed since the last call (input: the first input signal; heard: the monitor
    // output, time-aligned with the input by latency()); returns the samples copied.
    std::size_t takeInput(float* x, std::size_t n) { return inputTap_.read(x, n); }
    std::size_t takeHeard(float* x, std::size_t n) { return heardTap_.read(x, n); }
    // Frees a chain the thread has let go of (call from the GUI's poll).
    void collect();

private:
    void run();
    void startOutput();

    FileSource source_;
    int block_ = 256;
    std::thread worker_;
    std::atomic<bool> stopRequested_{false};
    std::unique_ptr<stream::LiveChain> chain_;           // owned by the thread while running
    std::atomic<stream::LiveChain*> pending_{nullptr};   // handed over by replaceChain()
    std::atomic<stream::LiveChain*> retired_{nullptr};   // let go of by the thread
    mutable std::mutex mixMutex_;
    stream::Mix mix_;
    std::atomic<bool> mixChanged_{true};
    std::atomic<int> latency_{0};
    std::atomic<long long> streamed_{0};
    std::atomic<double> load_{0}, peakLoad_{0};
    stream::SampleRing outputRing_, inputTap_, heardTap_;
    QAudioSink* sink_ = nullptr;
    RingSource* ringSource_ = nullptr;
    QString outputStatus_;
};

}  // namespace phaselab
