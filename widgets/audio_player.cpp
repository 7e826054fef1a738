#include "widgets/audio_player.h"

#include <QAudioSink>
#include <QMediaDevices>
#include <algorithm>
#include <cmath>

namespace phaselab {

PlaybackSource::PlaybackSource(QObject* parent) : QIODevice(parent) { open(QIODevice::ReadOnly | QIODevice::Unbuffered); }

void PlaybackSource::setChannels(int channels) {
    std::lock_guard lock(mutex_);
    channels_ = std::clamp(channels, 1, 2);
}

int PlaybackSource::channels() const {
    std::lock_guard lock(mutex_);
    return channels_;
}

double PlaybackSource::sampleRate() const {
    std::lock_guard lock(mutex_);
    return tracks_.empty() ? 0.0 : tracks_.front().audio->sampleRate;
}

int PlaybackSource::addTrack(const Track& track) {
    if (!track.audio || track.audio->frames() == 0) throw InputError("cannot play an empty track");
    std::lock_guard lock(mutex_);
    if (!tracks_.empty() && tracks_.front().audio->sampleRate != track.audio->sampleRate)
        throw InputError("track \"" + track.name.toStdString() + "\" has a different sample rate from the tracks already loaded");
    tracks_.push_back(track);
    return int(tracks_.size()) - 1;
}

void PlaybackSource::setTrackAudio(int index, std::shared_ptr<const Audio> audio) {
    if (!audio || audio->frames() == 0) throw InputError("cannot play an empty track");
    std::lock_guard lock(mutex_);
    if (index < 0 || index >= int(tracks_.size())) throw InputError("no such track");
    if (tracks_.front().audio->sampleRate != audio->sampleRate) throw InputError("the new audio has another sample rate");
    tracks_[std::size_t(index)].audio = std::move(audio);
}

void PlaybackSource::clearTracks() {
    std::lock_guard lock(mutex_);
    tracks_.clear();
    active_ = -1;
    position_ = loopStart_ = loopEnd_ = 0;
}

int PlaybackSource::trackCount() const {
    std::lock_guard lock(mutex_);
    return int(tracks_.size());
}

PlaybackSource::Track PlaybackSource::track(int index) const {
    std::lock_guard lock(mutex_);
    return tracks_.at(std::size_t(index));
}

void PlaybackSource::setTrackGain(int index, float gain) {
    std::lock_guard lock(mutex_);
    if (index >= 0 && index < int(tracks_.size())) tracks_[std::size_t(index)].gain = gain;
}

void PlaybackSource::setTrackMuted(int index, bool muted) {
    std::lock_guard lock(mutex_);
    if (index >= 0 && index < int(tracks_.size())) tracks_[std::size_t(index)].muted = muted;
}

void PlaybackSource::setActiveTrack(int index) {
    std::lock_guard lock(mutex_);
    const int next = index < int(tracks_.size()) ? index : -1;
    if (next == active_) return;
    const double rate = tracks_.empty() ? 0.0 : tracks_.front().audio->sampleRate;
    const Eigen::Index total = Eigen::Index(std::lround(crossfade_ * rate));
    if (fadeLeft_ > 0 && next == fadeFrom_) {
        // Back to the selection being faded out: reverse the fade from where it is (continuous).
        std::swap(fadeFrom_, active_);
        fadeLeft_ = std::max<Eigen::Index>(0, total - fadeLeft_);
        return;
    }
    // A fade to a third selection starts from whichever of the two is mostly heard now.
    if (!(fadeLeft_ > 0 && 2 * fadeLeft_ > total)) fadeFrom_ = active_;
    fadeLeft_ = total;
    active_ = next;
}

void PlaybackSource::setCrossfade(double seconds) {
    std::lock_guard lock(mutex_);
    crossfade_ = std::clamp(seconds, 0.0, 1.0);
}

double PlaybackSource::crossfade() const {
    std::lock_guard lock(mutex_);
    return crossfade_;
}

int PlaybackSource::activeTrack() const {
    std::lock_guard lock(mutex_);
    return active_;
}

void PlaybackSource::setMasterGain(float gain) {
    std::lock_guard lock(mutex_);
    master_ = gain;
}

Eigen::Index PlaybackSource::length() const {
    std::lock_guard lock(mutex_);
    Eigen::Index n = 0;
    for (const auto& t : tracks_) n = std::max(n, t.audio->frames());
    return n;
}

Eigen::Index PlaybackSource::position() const {
    std::lock_guard lock(mutex_);
    return position_;
}

void PlaybackSource::setPosition(Eigen::Index frame) {
    std::lock_guard lock(mutex_);
    position_ = std::max<Eigen::Index>(0, frame);
}

void PlaybackSource::setLoop(Eigen::Index start, Eigen::Index end) {
    std::lock_guard lock(mutex_);
    loopStart_ = std::max<Eigen::Index>(0, start);
    loopEnd_ = std::max(loopStart_, end);
}

bool PlaybackSource::looping() const {
    std::lock_guard lock(mutex_);
    return loopEnd_ > loopStart_;
}

void PlaybackSource::resetDelivered() {
    std::lock_guard lock(mutex_);
    delivered_ = 0;
    history_.clear();
}

qint64 PlaybackSource::delivered() const {
    std::lock_guard lock(mutex_);
    return delivered_;
}

Eigen::Index PlaybackSource::fileFrameAtDelivered(qint64 count) const {
    std::lock_guard lock(mutex_);
    if (history_.empty()) return position_;
    for (auto it = history_.rbegin(); it != history_.rend(); ++it)
        if (count >= it->delivered) return it->fileFrame + std::min(count - it->delivered, it->count);
    return history_.front().fileFrame;
}

bool PlaybackSource::finished() const {
    std::lock_guard lock(mutex_);
    Eigen::Index n = 0;
    for (const auto& t : tracks_) n = std::max(n, t.audio->frames());
    return loopEnd_ <= loopStart_ && position_ >= n;
}

qint64 PlaybackSource::bytesAvailable() const {
    // Pull mode: the source always produces data (silence after the end).
    return (qint64(1) << 20) + QIODevice::bytesAvailable();
}

void PlaybackSource::mix(float* out, Eigen::Index fileFrame, Eigen::Index count) {
    std::fill_n(out, count * channels_, 0.0f);
    Eigen::Index done = 0;
    if (fadeLeft_ > 0) {
        const double total = std::max(1.0, std::round(crossfade_ * (tracks_.empty() ? 0.0 : tracks_.front().audio->sampleRate)));
        const Eigen::Index n = std::min(count, fadeLeft_);
        const float a0 = float(1.0 - double(fadeLeft_) / total), a1 = float(1.0 - double(fadeLeft_ - n) / total);
        addSelection(out, active_, fileFrame, n, a0, a1);
        addSelection(out, fadeFrom_, fileFrame, n, 1.0f - a0, 1.0f - a1);
        fadeLeft_ -= n;
        done = n;
    }
    if (done < count) addSelection(out + done * channels_, active_, fileFrame + done, count - done, 1.0f, 1.0f);
}

void PlaybackSource::addSelection(float* out, int active, Eigen::Index fileFrame, Eigen::Index count, float g0, float g1) const {
    for (int k = 0; k < int(tracks_.size()); ++k) {
        const Track& t = tracks_[std::size_t(k)];
        if (active >= 0 ? k != active : t.muted) continue;
        const Audio& a = *t.audio;
        const Eigen::Index n = std::min(count, a.frames() - fileFrame);
        const float g = t.gain * master_;
        const float step = count > 0 ? (g1 - g0) / float(count) : 0.0f;
        const int c = a.channels();
        for (Eigen::Index i = 0; i < n; ++i) {
            float* o = out + i * channels_;
            const Eigen::Index s = fileFrame + i;
            const float gi = g * (g0 + step * float(i));
            if (c == 1 || (channels_ == 1 && c == 2) || c > 2) {
                const float v = (c == 1 ? a.data(s, 0) : a.data.row(s).mean()) * gi;
                for (int ch = 0; ch < channels_; ++ch) o[ch] += v;
            } else {
                o[0] += a.data(s, 0) * gi;
                o[1] += a.data(s, 1) * gi;
            }
        }
    }
}

qint64 PlaybackSource::readData(char* data, qint64 maxSize) {
    std::lock_guard lock(mutex_);
    const qint64 frameBytes = qint64(channels_) * qint64(sizeof(float));
    Eigen::Index want = maxSize / frameBytes, done = 0;
    Eigen::Index length = 0;
    for (const auto& t : tracks_) length = std::max(length, t.audio->frames());
    float* out = reinterpret_cast<float*>(data);
    const bool loop = loopEnd_ > loopStart_;
    while (done < want) {
        Eigen::Index end = loop ? std::min(loopEnd_, length) : length;
        if (loop && (position_ >= end || position_ < loopStart_)) position_ = loopStart_;
        if (position_ >= end) {
            // After the end: silence, so the sink keeps running until the tail has been heard.
            std::fill_n(out + done * channels_, (want - done) * channels_, 0.0f);
            delivered_ += want - done;
            done = want;
            break;
        }
        const Eigen::Index n = std::min(want - done, end - position_);
        mix(out + done * channels_, position_, n);
        history_.push_back({delivered_, position_, n});
        if (history_.size() > 512) history_.pop_front();
        delivered_ += n;
        position_ += n;
        done += n;
    }
    return done * frameBytes;
}

AudioPlayer::AudioPlayer(QObject* parent) : QObject(parent), source_(new PlaybackSource(this)), timer_(new QTimer(this)) {
    device_ = QMediaDevices::defaultAudioOutput();
    timer_->setInterval(33);
    connect(timer_, &QTimer::timeout, this, [this] {
        if (!playing_) return;
        emit positionChanged(position());
        // Stop once everything up to the end has been heard (or, failing that, 2 s after the end).
        if (!source_->finished()) {
            endReached_.invalidate();
            return;
        }
        if (!endReached_.isValid()) endReached_.start();
        const Eigen::Index length = source_->length();
        const qint64 heard = qint64(double(processedUSecs()) * source_->sampleRate() / 1e6);
        if (source_->fileFrameAtDelivered(heard) >= length || endReached_.elapsed() > 2000) {
            halt(double(length) / source_->sampleRate());
            emit finished();
        }
    });
}

AudioPlayer::~AudioPlayer() {
    if (sink_) sink_->stop();
}

QList<QAudioDevice> AudioPlayer::outputDevices() { return QMediaDevices::audioOutputs(); }

void AudioPlayer::setDevice(const QAudioDevice& device) {
    const bool wasPlaying = playing_;
    if (wasPlaying) pause();
    device_ = device;
    delete sink_;
    sink_ = nullptr;
    if (wasPlaying) play();
}

bool AudioPlayer::available() const { return !QMediaDevices::audioOutputs().isEmpty(); }

void AudioPlayer::fail(const QString& message) {
    error_ = message;
    emit error(message);
}

bool AudioPlayer::play() {
    if (playing_) return true;
    if (source_->trackCount() == 0) {
        fail(tr("Nothing to play: open an audio file first."));
        return false;
    }
    if (device_.isNull()) device_ = QMediaDevices::defaultAudioOutput();
    if (device_.isNull()) {
        fail(tr("No audio output device found: playback is unavailable (is a sound server running?)."));
        return false;
    }
    QAudioFormat format;
    format.setSampleRate(int(std::lround(source_->sampleRate())));
    format.setChannelCount(std::min(2, std::max(1, device_.maximumChannelCount())));
    format.setSampleFormat(QAudioFormat::Float);
    if (!device_.isFormatSupported(format)) {
        fail(tr("The output device \"%1\" does not accept %2 Hz float audio.").arg(device_.description()).arg(format.sampleRate()));
        return false;
    }
    source_->setChannels(format.channelCount());
    if (!sink_ || sink_->format() != format) {
        delete sink_;
        sink_ = new QAudioSink(device_, format, this);
        sink_->setBufferSize(int(format.bytesForDuration(100000)));
        connect(sink_, &QAudioSink::stateChanged, this, [this](QAudio::State s) {
            if (s == QAudio::StoppedState && sink_->error() != QAudio::NoError && playing_) {
                const QAudio::Error e = sink_->error();
                halt(position());
                fail(e == QAudio::OpenError ? tr("Could not open the audio output device.")
                                            : tr("Audio output stopped with an error (%1).").arg(int(e)));
            }
        });
    }
    if (source_->finished()) source_->setPosition(0);
    startFrame_ = source_->position();
    source_->resetDelivered();
    sink_->start(source_);
    if (sink_->error() != QAudio::NoError) {
        sink_->stop();
        fail(tr("Could not start playback on \"%1\".").arg(device_.description()));
        return false;
    }
    error_.clear();
    playing_ = true;
    timer_->start();
    emit playingChanged(true);
    return true;
}

void AudioPlayer::halt(double keepPosition) {
    if (sink_) sink_->stop();
    timer_->stop();
    source_->setPosition(Eigen::Index(std::lround(keepPosition * source_->sampleRate())));
    if (playing_) {
        playing_ = false;
        emit playingChanged(false);
    }
    emit positionChanged(keepPosition);
}

void AudioPlayer::pause() {
    if (playing_) halt(position());
}

void AudioPlayer::stop() {
    if (source_->sampleRate() > 0) halt(double(startFrame_) / source_->sampleRate());
}

bool AudioPlayer::togglePlayPause() {
    if (playing_) {
        pause();
        return true;
    }
    return play();
}

void AudioPlayer::seek(double seconds) {
    const double rate = source_->sampleRate();
    if (rate <= 0) return;
    const Eigen::Index frame = Eigen::Index(std::lround(std::max(0.0, seconds) * rate));
    if (playing_) {
        halt(seconds);
        source_->setPosition(frame);
        play();
    } else {
        source_->setPosition(frame);
        startFrame_ = frame;
    }
}

qint64 AudioPlayer::processedUSecs() const { return sink_ && playing_ ? sink_->processedUSecs() : 0; }

double AudioPlayer::position() const {
    const double rate = source_->sampleRate();
    if (rate <= 0) return 0;
    if (!playing_) return double(source_->position()) / rate;
    const qint64 heard = qint64(double(processedUSecs()) * rate / 1e6);
    return double(source_->fileFrameAtDelivered(heard)) / rate;
}

}  // namespace phaselab
