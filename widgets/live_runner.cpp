#include "widgets/live_runner.h"

#include <QAudioFormat>
#include <QAudioSink>
#include <QMediaDevices>
#include <chrono>
#include <cstring>

#include "core/common/error.h"

namespace phaselab {

RingSource::RingSource(stream::SampleRing& ring, int channels, QObject* parent)
    : QIODevice(parent), ring_(ring), channels_(channels), scratch_(16384) {}

qint64 RingSource::bytesAvailable() const { return qint64(ring_.available()) * channels_ * qint64(sizeof(float)) + QIODevice::bytesAvailable(); }

qint64 RingSource::readData(char* data, qint64 maxSize) {
    const std::size_t frames = std::min<std::size_t>(scratch_.size(), std::size_t(maxSize) / (sizeof(float) * std::size_t(channels_)));
    if (frames == 0) return 0;
    const std::size_t got = ring_.read(scratch_.data(), frames);
    if (got < frames) {
        std::fill(scratch_.begin() + std::ptrdiff_t(got), scratch_.begin() + std::ptrdiff_t(frames), 0.0f);
        underruns_.fetch_add(1);
    }
    auto* out = reinterpret_cast<float*>(data);
    for (std::size_t f = 0; f < frames; ++f)
        for (int c = 0; c < channels_; ++c) out[f * std::size_t(channels_) + std::size_t(c)] = scratch_[f];
    return qint64(frames * std::size_t(channels_) * sizeof(float));
}

LiveRunner::LiveRunner(QObject* parent)
    : QObject(parent), outputRing_(1 << 16), inputTap_(1 << 19), heardTap_(1 << 19) {}

LiveRunner::~LiveRunner() {
    stop();
    collect();
}

void LiveRunner::start(FileSource source, std::unique_ptr<stream::LiveChain> chain, bool audioOutput) {
    stop();
    if (source.streams.empty() || source.streams[0].size() == 0 || !(source.sampleRate > 0))
        throw InputError("nothing to stream: open an audio file first");
    if (!chain || chain->engine().processor().inputs() != int(source.streams.size()))
        throw InputError("the live method needs " + std::to_string(chain ? chain->engine().processor().inputs() : 0) +
                         " input streams, the document gives " + std::to_string(source.streams.size()));
    for (const auto& s : source.streams)
        if (s.size() != source.streams[0].size()) throw InputError("the live streams must have equal lengths");
    source_ = std::move(source);
    block_ = chain->maxBlock();
    latency_ = chain->latency();
    chain_ = std::move(chain);
    streamed_ = 0;
    load_ = 0;
    peakLoad_ = 0;
    float sink[4096];
    while (outputRing_.read(sink, 4096) > 0) {
    }
    while (inputTap_.read(sink, 4096) > 0) {
    }
    while (heardTap_.read(sink, 4096) > 0) {
    }
    stopRequested_ = false;
    mixChanged_ = true;
    outputStatus_.clear();
    if (audioOutput) startOutput();
    else outputStatus_ = tr("Audio output is off: the stream runs into the meters, the views and the recording.");
    worker_ = std::thread([this] { run(); });
}

void LiveRunner::startOutput() {
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
    ringSource_ = new RingSource(outputRing_, format.channelCount(), this);
    ringSource_->open(QIODevice::ReadOnly);
    sink_ = new QAudioSink(device, format, this);
    sink_->setBufferSize(int(format.bytesForDuration(60000)));
    sink_->start(ringSource_);
    if (sink_->error() != QAudio::NoError) {
        outputStatus_ = tr("Could not start the audio output \"%1\": nothing is heard.").arg(device.description());
        sink_->stop();
        delete sink_;
        sink_ = nullptr;
    }
}

void LiveRunner::stop() {
    if (worker_.joinable()) {
        stopRequested_ = true;
        worker_.join();
    }
    if (sink_) {
        sink_->stop();
        delete sink_;
        sink_ = nullptr;
    }
    delete ringSource_;
    ringSource_ = nullptr;
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
    if (chain->engine().processor().inputs() != int(source_.streams.size()))
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
long long LiveRunner::underruns() const { return ringSource_ ? ringSource_->underruns() : 0; }

void LiveRunner::run() {
    using clock = std::chrono::steady_clock;
    const int inputs = int(source_.streams.size());
    const Eigen::Index length = source_.streams[0].size();
    const auto count = static_cast<std::size_t>(inputs), block = static_cast<std::size_t>(block_);
    std::vector<std::vector<float>> blocks(count, std::vector<float>(block, 0.0f));
    std::vector<const float*> in(count, nullptr);
    for (std::size_t i = 0; i < count; ++i) in[i] = blocks[i].data();
    std::vector<float> heard(block, 0.0f);
    stream::Mix mix;
    const auto blockDuration = std::chrono::duration<double>(double(block_) / source_.sampleRate);
    auto start = clock::now();
    long long k = 0;
    Eigen::Index position = 0;
    while (!stopRequested_.load()) {
        const auto due = start + std::chrono::duration_cast<clock::duration>(blockDuration * double(k));
        const auto now = clock::now();
        if (now < due) std::this_thread::sleep_until(due);
        else if (now - due > std::chrono::seconds(1)) {  // fell far behind (a debugger, a suspended machine)
            start = now;
            k = 0;
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
        for (int i = 0; i < inputs; ++i)
            for (int n = 0; n < block_; ++n) blocks[std::size_t(i)][std::size_t(n)] = source_.streams[std::size_t(i)]((position + n) % length);
        chain_->process(in.data(), heard.data(), block_, mix, source_.sampleRate);
        position = (position + block_) % length;
        const double l = chain_->lastLoad();
        load_.store(l);
        if (l > peakLoad_.load()) peakLoad_.store(l);
        if (sink_) outputRing_.write(heard.data(), std::size_t(block_));
        inputTap_.write(blocks[0].data(), std::size_t(block_));
        heardTap_.write(heard.data(), std::size_t(block_));
        streamed_.fetch_add(block_);
        ++k;
    }
}

}  // namespace phaselab
