#pragma once
// Playback: one QAudioSink in pull mode fed by PlaybackSource, our own QIODevice.
//
// PlaybackSource is the mixer: a list of tracks (same sample rate), each with gain and mute,
// a master gain, an optional solo ("active") track whose switch takes effect at the next sample
// delivered (sample-accurate, no restart of the sink, so A/B switching is instant), and a loop
// range. Output is interleaved float32 with 1 or 2 channels (mono tracks go to both channels,
// more than two channels are mixed down). It records which file frame each delivered frame came
// from, so the player can turn QAudioSink::processedUSecs() into the position being heard.
// Thread-safety: all PlaybackSource methods lock one mutex; readData may run on an audio thread.
//
// AudioPlayer owns the source and the sink, lists and selects output devices (QMediaDevices)
// and reports the heard position ~30 times a second while playing. Without an output device or
// sound server play() returns false and errorString() says why; nothing blocks.

#include <QAudioDevice>
#include <QAudioFormat>
#include <QElapsedTimer>
#include <QIODevice>
#include <QPointer>
#include <QTimer>
#include <deque>
#include <memory>
#include <mutex>

#include "core/common/error.h"
#include "core/io/audio.h"

class QAudioSink;

namespace phaselab {

class PlaybackSource : public QIODevice {
    Q_OBJECT
public:
    struct Track {
        QString name;
        std::shared_ptr<const Audio> audio;
        float gain = 1.0f;   // linear
        bool muted = false;
    };

    explicit PlaybackSource(QObject* parent = nullptr);

    void setChannels(int channels);  // 1 or 2 (default 2)
    int channels() const;
    double sampleRate() const;       // of the tracks; 0 without tracks

    // InputError if the track's sample rate differs from the tracks already present.
    int addTrack(const Track& track);
    // Replaces the audio of track `index` (same sample rate), e.g. the anonymous track of a blind test.
    void setTrackAudio(int index, std::shared_ptr<const Audio> audio);
    void clearTracks();
    int trackCount() const;
    Track track(int index) const;  // std::out_of_range for an index that does not exist
    // No effect for an index that no longer exists (e.g. a mixer row of a document just replaced,
    // whose widgets are only deleted later).
    void setTrackGain(int index, float gain);
    void setTrackMuted(int index, bool muted);
    // -1: mix of all unmuted tracks; >= 0: only that track. Applies from the next frame delivered,
    // crossfading linearly from the previous selection over crossfade() seconds (no click).
    void setActiveTrack(int index);
    void setCrossfade(double seconds);  // default 0.01 s; 0 switches on the next frame outright
    double crossfade() const;
    int activeTrack() const;
    void setMasterGain(float gain);

    Eigen::Index length() const;     // frames of the longest track
    Eigen::Index position() const;   // next frame to deliver
    void setPosition(Eigen::Index frame);
    // Loop [start, end) frames; playback wraps from end to start. end <= start disables the loop.
    void setLoop(Eigen::Index start, Eigen::Index end);
    void clearLoop() { setLoop(0, 0); }
    bool looping() const;

    // Delivered-frame counter since resetDelivered(), and the file frame that was delivered at a
    // given count (the last known one for counts not yet delivered or already forgotten).
    void resetDelivered();
    qint64 delivered() const;
    Eigen::Index fileFrameAtDelivered(qint64 count) const;

    // True when not looping and every frame up to length() has been delivered. The device itself
    // never ends: after the end it delivers silence until the player stops it.
    bool finished() const;

    bool isSequential() const override { return true; }
    bool atEnd() const override { return false; }
    qint64 bytesAvailable() const override;

protected:
    qint64 readData(char* data, qint64 maxSize) override;
    qint64 writeData(const char*, qint64) override { return -1; }

private:
    void mix(float* out, Eigen::Index fileFrame, Eigen::Index count);
    // Adds the selection `active` (-1: unmuted tracks) with a gain ramping from g0 to g1 over count frames.
    void addSelection(float* out, int active, Eigen::Index fileFrame, Eigen::Index count, float g0, float g1) const;
    struct Segment { qint64 delivered; Eigen::Index fileFrame; qint64 count; };
    mutable std::mutex mutex_;
    std::vector<Track> tracks_;
    int channels_ = 2;
    int active_ = -1;
    int fadeFrom_ = -1;             // selection faded out during a crossfade
    Eigen::Index fadeLeft_ = 0;     // frames of crossfade still to deliver
    double crossfade_ = 0.01;       // s
    float master_ = 1.0f;
    Eigen::Index position_ = 0, loopStart_ = 0, loopEnd_ = 0;
    qint64 delivered_ = 0;
    std::deque<Segment> history_;
};

class AudioPlayer : public QObject {
    Q_OBJECT
public:
    explicit AudioPlayer(QObject* parent = nullptr);
    ~AudioPlayer() override;

    PlaybackSource* source() { return source_; }

    static QList<QAudioDevice> outputDevices();
    QAudioDevice device() const { return device_; }
    void setDevice(const QAudioDevice& device);  // takes effect at the next play()

    bool available() const;            // an output device exists
    bool play();                       // false (and error()) when playback cannot start
    void pause();                      // keeps the position
    void stop();                       // back to where play() started
    bool togglePlayPause();
    bool isPlaying() const { return playing_; }
    void seek(double seconds);
    double position() const;           // seconds of the file being heard now
    double sampleRate() const { return source_->sampleRate(); }
    qint64 processedUSecs() const;     // of the current sink, 0 when stopped
    QString errorString() const { return error_; }

signals:
    void positionChanged(double seconds);
    void playingChanged(bool playing);
    void error(const QString& message);
    void finished();                   // reached the end (not looping)

private:
    void fail(const QString& message);
    void halt(double keepPosition);
    PlaybackSource* source_;
    QAudioDevice device_;
    QAudioSink* sink_ = nullptr;
    QTimer* timer_;
    bool playing_ = false;
    Eigen::Index startFrame_ = 0;
    QElapsedTimer endReached_;
    QString error_;
};

}  // namespace phaselab
