#include "widgets/live_runner.h"

#include <QAudioFormat>
#include <QAudioSink>
#include <QAudioSource>
#include <QMediaDevices>
#include <QThread>
#include <QTimer>
#include <chrono>
#include <cstring>

#include "core/common/error.h"

namespace phaselab {

RingFeeder::RingFeeder(stream::SampleRing& ring, QAudioSink* sink, int channels, int block, int sourceChannels)
    : ring_(ring), sink_(sink), channels_(channels), block_(block), sourceChannels_(sourceChannels), timer_(new QTimer(this)),
      frames_(std::size_t(1 << 15) * std::size_t(sourceChannels)), interleaved_(std::size_t(1 << 15) * std::size_t(channels)) {
    timer_->setTimerType(Qt::PreciseTimer);
    timer_->setInterval(5);
    connect(timer_, &QTimer::timeout, this, &RingFeeder::feed);
}

bool RingFeeder::start() {
    device_ = sink_->start();
    if (!device_ || sink_->error() != QAudio::NoError) return false;
    feed();
    timer_->start();
    return true;
}

void RingFeeder::stop() {
    timer_->stop();
    sink_->stop();
    device_ = nullptr;
}

void RingFeeder::feed() {
    if (!device_) return;
    const std::size_t S = std::size_t(sourceChannels_), D = std::size_t(channels_);
    const std::size_t room = std::size_t(std::max<qsizetype>(0, sink_->bytesFree())) / (sizeof(float) * D);
    const std::size_t wanted = std::min({room, frames_.size() / S, ring_.available() / S});
    const std::size_t frames = ring_.read(frames_.data(), wanted * S) / S;  // whole frames: the producer writes whole blocks
    const bool dry = frames == 0 && room >= std::size_t(block_);
    if (dry && !dry_) underruns_.fetch_add(1);
    dry_ = dry;
    if (frames == 0) return;
    for (std::size_t f = 0; f < frames; ++f) {
        const float* x = frames_.data() + f * S;
        if (D == 1 && S > 1) {
            float sum = 0;
            for (std::size_t c = 0; c < S; ++c) sum += x[c];
            interleaved_[f] = sum / float(S);
        } else {
            for (std::size_t d = 0; d < D; ++d) interleaved_[f * D + d] = x[std::min(d, S - 1)];
        }
    }
    device_->write(reinterpret_cast<const char*>(interleaved_.data()), qint64(frames * std::size_t(channels_) * sizeof(float)));
}

InputCapture::InputCapture(stream::SampleRing& ring, const QAudioDevice& device, const QAudioFormat& format)
    : ring_(ring), source_(new QAudioSource(device, format, this)), scratch_(std::size_t(1 << 15)) {
    source_->setBufferSize(int(format.bytesForDuration(100000)));
}

bool InputCapture::start() {
    device_ = source_->start();
    if (!device_ || source_->error() != QAudio::NoError) return false;
    connect(device_, &QIODevice::readyRead, this, &InputCapture::take);
    return true;
}

void InputCapture::stop() {
    source_->stop();
    device_ = nullptr;
}

void InputCapture::take() {
    while (device_) {
        const qint64 bytes = device_->read(reinterpret_cast<char*>(scratch_.data()), qint64(scratch_.size() * sizeof(float)));
        if (bytes <= 0) break;
        const std::size_t n = std::size_t(bytes) / sizeof(float);
        if (ring_.write(scratch_.data(), n) < n) overflows_.fetch_add(1);
    }
}

LiveRunner::LiveRunner(QObject* parent)
    : QObject(parent), outputRing_(1 << 16), inputTap_(1 << 19), heardTap_(1 << 19), inputRing_(1 << 17), audioContext_(new QObject) {
    audioContext_->moveToThread(&audioThread_);
}

LiveRunner::~LiveRunner() {
    stop();
    collect();
    audioThread_.quit();
    audioThread_.wait();
    delete audioContext_;
}

void LiveRunner::start(FileSource source, std::unique_ptr<stream::LiveChain> chain, bool audioOutput) {
    stop();
    if (source.streams.empty() || source.streams[0].size() == 0 || !(source.sampleRate > 0))
        throw InputError("nothing to stream: open an audio file first");
    if (!chain || chain->channels() != source.channels ||
        chain->engine().processor().inputs() * chain->channels() != int(source.streams.size()))
        throw InputError("the live method needs " + std::to_string(chain ? chain->engine().processor().inputs() * chain->channels() : 0) +
                         " input streams, the document gives " + std::to_string(source.streams.size()));
    for (const auto& s : source.streams)
        if (s.size() != source.streams[0].size()) throw InputError("the live streams must have equal lengths");
    source_ = std::move(source);
    fromDevice_ = false;
    channels_ = source_.channels;
    begin(std::move(chain), audioOutput);
}

void LiveRunner::startFromDevice(const QAudioDevice& input, double sampleRate, std::unique_ptr<stream::LiveChain> chain,
                                 bool audioOutput) {
    stop();
    if (input.isNull()) throw InputError("no audio input device");
    if (!chain || chain->engine().processor().inputs() != 1 || chain->channels() != 1)
        throw InputError("a live input device gives one stream: only phase recovery (RTPGHI) runs on it");
    QAudioFormat format;
    format.setSampleRate(int(std::lround(sampleRate)));
    format.setChannelCount(1);
    format.setSampleFormat(QAudioFormat::Float);
    if (!input.isFormatSupported(format))
        throw InputError("the input device \"" + input.description().toStdString() + "\" does not give " +
                         std::to_string(format.sampleRate()) + " Hz mono float audio");
    source_ = {{}, sampleRate, 1};
    fromDevice_ = true;
    channels_ = 1;
    inputRing_.discard();
    if (!audioThread_.isRunning()) audioThread_.start(QThread::TimeCriticalPriority);
    bool started = false;
    QMetaObject::invokeMethod(
        audioContext_, [&] {
            capture_ = new InputCapture(inputRing_, input, format);
            started = capture_->start();
        },
        Qt::BlockingQueuedConnection);
    if (!started) {
        stop();
        throw InputError("could not start the input device \"" + input.description().toStdString() + "\"");
    }
    begin(std::move(chain), audioOutput);
}

void LiveRunner::begin(std::unique_ptr<stream::LiveChain> chain, bool audioOutput) {
    block_ = chain->maxBlock();
    latency_ = chain->latency();
    chain_ = std::move(chain);
    streamed_ = 0;
    overflows_ = 0;
    load_ = 0;
    peakLoad_ = 0;
    outputRing_.discard();
    inputTap_.discard();
    heardTap_.discard();
    stopRequested_ = false;
    mixChanged_ = true;
    outputStatus_.clear();
    if (audioOutput) prepareOutput();
    else outputStatus_ = tr("Audio output is off: the stream runs into the meters, the views and the recording.");
    worker_ = std::thread([this] { run(); });
    if (sink_) {  // start the device once the first kQueued samples are ready: no underrun at the start
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        while (outputRing_.available() < std::size_t(kQueued * channels_) && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        bool started = false;
        QMetaObject::invokeMethod(audioContext_, [&] { started = feeder_->start(); }, Qt::BlockingQueuedConnection);
        if (!started) outputStatus_ = tr("Could not start the audio output: nothing is heard.");
    }
}

void LiveRunner::prepareOutput() {
    const QAudioDevice device = QMediaDevices::defaultAudioOutput();
    if (device.isNull()) {
        outputStatus_ = tr("No audio output device: the stream runs into the meters, the views and the recording.");
        return;
    }
    QAudioFormat format;
    format.setSampleRate(int(std::lround(source_.sampleRate)));
    format.setChannelCount(std::min(2, std::max(1, device.maximumChannelCount())));
    format.setSampleFormat(QAudioFormat::Float);
    if (!device.isFormatSupported(format)) {
        outputStatus_ = tr("The output device \"%1\" does not accept %2 Hz float audio: nothing is heard.")
                            .arg(device.description())
                            .arg(format.sampleRate());
        return;
    }
    // The device is fed from a thread of its own: a busy GUI thread never starves it.
    if (!audioThread_.isRunning()) audioThread_.start(QThread::TimeCriticalPriority);
    QMetaObject::invokeMethod(
        audioContext_, [&] {
            sink_ = new QAudioSink(device, format);
            sink_->setBufferSize(int(format.bytesForDuration(100000)));
            feeder_ = new RingFeeder(outputRing_, sink_, format.channelCount(), block_, channels_);
        },
        Qt::BlockingQueuedConnection);
}

void LiveRunner::stop() {
    if (worker_.joinable()) {
        stopRequested_ = true;
        worker_.join();
    }
    if (capture_) {
        QMetaObject::invokeMethod(
            audioContext_, [this] {
                capture_->stop();
                delete capture_;
            },
            Qt::BlockingQueuedConnection);
        capture_ = nullptr;
    }
    if (sink_) {
        QMetaObject::invokeMethod(
            audioContext_, [this] {
                feeder_->stop();
                delete feeder_;
                delete sink_;
            },
            Qt::BlockingQueuedConnection);
        sink_ = nullptr;
        feeder_ = nullptr;
    }
    chain_.reset();
    delete pending_.exchange(nullptr);
}

void LiveRunner::collect() { delete retired_.exchange(nullptr); }

void LiveRunner::replaceChain(std::unique_ptr<stream::LiveChain> chain) {
    if (!chain) return;
    if (!isRunning()) {
        chain_ = std::move(chain);
        latency_ = chain_->latency();
        return;
    }
    if (chain->channels() != channels_ || (!fromDevice_ && chain->engine().processor().inputs() * chain->channels() != int(source_.streams.size())))
        throw InputError("the new live method needs other input streams than the running one");
    latency_ = chain->latency();
    delete pending_.exchange(chain.release());  // a chain never taken by the thread
}

void LiveRunner::setMix(const stream::Mix& mix) {
    std::lock_guard lock(mixMutex_);
    mix_ = mix;
    mixChanged_ = true;
}

stream::Mix LiveRunner::mix() const {
    std::lock_guard lock(mixMutex_);
    return mix_;
}

double LiveRunner::seconds() const { return source_.sampleRate > 0 ? double(streamed_.load()) / source_.sampleRate : 0; }
double LiveRunner::load() const { return load_.load(); }
double LiveRunner::takePeakLoad() { return peakLoad_.exchange(0.0); }
long long LiveRunner::underruns() const { return feeder_ ? feeder_->underruns() : 0; }
long long LiveRunner::overflows() const { return overflows_.load(); }
std::size_t LiveRunner::queued() const { return outputRing_.available() / std::size_t(channels_); }

void LiveRunner::run() {
    using clock = std::chrono::steady_clock;
    const int inputs = fromDevice_ ? 1 : int(source_.streams.size()), C = channels_, perChannel = inputs / C;
    const Eigen::Index length = fromDevice_ ? 1 : source_.streams[0].size();
    const auto count = static_cast<std::size_t>(inputs), block = static_cast<std::size_t>(block_);
    std::vector<std::vector<float>> blocks(count, std::vector<float>(block, 0.0f));
    std::vector<const float*> in(count, nullptr);
    for (std::size_t i = 0; i < count; ++i) in[i] = blocks[i].data();
    std::vector<float> heard(block * std::size_t(C), 0.0f), inputMix(block, 0.0f);
    stream::Mix mix;
    const auto blockDuration = std::chrono::duration<double>(double(block_) / source_.sampleRate);
    auto start = clock::now();
    long long k = 0;
    Eigen::Index position = 0;
    const bool devicePaced = sink_ != nullptr;
    while (!stopRequested_.load()) {
        if (fromDevice_) {  // the input device's clock is the master
            while (!stopRequested_.load() && inputRing_.available() < block)
                std::this_thread::sleep_for(std::chrono::microseconds(500));
            if (stopRequested_.load()) break;
        } else if (devicePaced) {  // the device's clock is the master: keep about kQueued samples ahead of it
            while (!stopRequested_.load() && outputRing_.available() >= std::size_t(kQueued * C))
                std::this_thread::sleep_for(std::chrono::microseconds(500));
            if (stopRequested_.load()) break;
        } else {
            const auto due = start + std::chrono::duration_cast<clock::duration>(blockDuration * double(k));
            const auto now = clock::now();
            if (now < due) std::this_thread::sleep_until(due);
            else if (now - due > std::chrono::seconds(1)) {  // fell far behind (a debugger, a suspended machine)
                start = now;
                k = 0;
            }
        }
        if (stream::LiveChain* next = pending_.exchange(nullptr)) {
            stream::LiveChain* old = chain_.release();
            chain_.reset(next);
            delete retired_.exchange(old);
        }
        if (mixChanged_.exchange(false)) {
            std::lock_guard lock(mixMutex_);
            mix = mix_;
        }
        if (fromDevice_)
            inputRing_.read(blocks[0].data(), block);
        else
            for (int i = 0; i < inputs; ++i)
                for (int n = 0; n < block_; ++n) blocks[std::size_t(i)][std::size_t(n)] = source_.streams[std::size_t(i)]((position + n) % length);
        chain_->process(in.data(), heard.data(), block_, mix, source_.sampleRate);
        position = (position + block_) % length;
        const double l = chain_->lastLoad();
        load_.store(l);
        if (l > peakLoad_.load()) peakLoad_.store(l);
        const std::size_t samples = block * std::size_t(C);
        if (sink_) {  // whole blocks only, so the device's reader never splits a frame
            if (outputRing_.space() >= samples) outputRing_.write(heard.data(), samples);
            else overflows_.fetch_add(1);
        }
        for (std::size_t n = 0; n < block; ++n) {
            float sum = 0;
            for (int c = 0; c < C; ++c) sum += blocks[std::size_t(c * perChannel)][n];
            inputMix[n] = sum / float(C);
        }
        inputTap_.write(inputMix.data(), block);
        if (heardTap_.space() >= samples) heardTap_.write(heard.data(), samples);
        streamed_.fetch_add(block_);
        ++k;
    }
}

}  // namespace phaselab
