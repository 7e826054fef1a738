#pragma once
// Audio buffers and file I/O (libsndfile) and sample-rate conversion (libsamplerate).
//
// Samples are float, nominally in [-1, 1]. An Audio holds `frames()` rows and `channels()`
// columns, column-major: each channel is contiguous (data.col(c)).
// Thread-safety: all functions are re-entrant; distinct files may be read concurrently.
// Errors: phaselab::InputError with a message that names the file and the problem.

#include <Eigen/Core>
#include <cstdint>
#include <string>

#include "core/common/error.h"

namespace phaselab {

struct Audio {
    double sampleRate = 0;           // Hz
    Eigen::ArrayXXf data;            // frames x channels

    Eigen::Index frames() const { return data.rows(); }
    int channels() const { return static_cast<int>(data.cols()); }
    double duration() const { return sampleRate > 0 ? double(frames()) / sampleRate : 0.0; }
    // Mean of all channels (the explicit mono downmix).
    Eigen::ArrayXf mono() const;
    // One channel, 0-based; InputError if out of range.
    Eigen::ArrayXf channel(int c) const;
    // What serves as channel c of a multichannel signal: channel c, or the only channel of a mono
    // one (a mono source or reference serves every channel of a stereo mixture); c < 0: the downmix.
    Eigen::ArrayXf channelOrOnly(int c) const { return c < 0 ? mono() : channel(channels() == 1 ? 0 : c); }
    // The signal as `count` channels: channelOrOnly(c) for each, or the downmix when count == 1.
    Eigen::ArrayXXf withChannels(int count) const;
    static Audio fromMono(Eigen::ArrayXf samples, double sampleRate);
};

struct AudioInfo {
    std::string path;
    std::string format;     // "WAV", "FLAC", "OGG", ...
    std::string encoding;   // "PCM_16", "FLOAT", "VORBIS", ...
    double sampleRate = 0;  // Hz
    int channels = 0;
    std::int64_t frames = 0;  // from the header; -1 when unknown (streamed) or beyond what the file can hold
    double duration() const { return sampleRate > 0 ? double(frames) / sampleRate : 0.0; }
};

struct AudioStats {
    double peak = 0;     // max |sample| over all channels (linear)
    double rms = 0;      // root mean square over all channels (linear)
    double peakDb() const;  // dBFS; -inf for silence
    double rmsDb() const;
};

enum class Channels { Keep, Mono };

struct ReadOptions {
    Channels channels = Channels::Keep;
    int pickChannel = -1;          // >= 0: keep only this channel (0-based)
    double targetRate = 0;         // > 0: resample to this rate after reading
    // Files whose decoded float size would exceed this are refused before reading.
    std::int64_t maxBytes = std::int64_t(4) << 30;
    // A decoder error or a file shorter than its header says is an InputError ("truncated or
    // damaged: decoded 0.77 s of 2.00 s") unless this is set: then the decoded part is returned
    // and ReadReport says what happened.
    bool allowTruncated = false;
};

// The file decodes to less than its header says, or its decoder reported an error: the message
// says how much decoded ("truncated or damaged: decoded 0.77 s of 2.00 s").
class TruncatedAudioError : public InputError {
public:
    using InputError::InputError;
};

// What readAudio() found beyond the samples.
struct ReadReport {
    std::int64_t headerFrames = -1;  // the header's claim; -1 when it has none
    bool truncated = false;          // fewer frames than the header claimed, or a decoder error
    std::string warning;             // for the user when truncated
};

// Samples beyond this magnitude (120 dB above full scale) are refused: squares and sums of them
// would overflow float arithmetic.
inline constexpr float kMaxSampleMagnitude = 1e6f;

// The one signal a view of `audio` shows: "mono" (the mean of all channels), "left" / "right"
// (channels 1 / 2), "mid" ((L + R) / 2), "side" ((L - R) / 2), or a 1-based channel number
// ("2"). InputError naming what is missing (a mono file has no "side").
Eigen::ArrayXf channelView(const Audio& audio, const std::string& view);

// Header only: format, rate, channels, length (-1 when the header does not say it or claims more
// than the file's size can hold). Cheap.
AudioInfo probeAudio(const std::string& path);

// Whole file, decoded in blocks until the end of the stream: the memory taken follows what is
// decoded, never a header's claim, so files of unknown length (streamed FLAC) read too.
// Throws InputError for: missing file, unreadable/unsupported format, zero-length audio, NaN/Inf
// or implausibly large samples, memory above ReadOptions::maxBytes, truncated or damaged data
// (see ReadOptions::allowTruncated), bad channel index.
Audio readAudio(const std::string& path, const ReadOptions& options = {}, ReadReport* report = nullptr);

// Frames [start, start + count) of the file, all channels, without reading the rest.
// count is clipped at the end of the file.
Audio readAudioRange(const std::string& path, std::int64_t start, std::int64_t count);

enum class SampleFormat { Pcm16, Pcm24, Float32 };
enum class FileFormat { Wav, Flac };

// Writes `audio`. Flac supports Pcm16 and Pcm24 only (InputError for Float32).
// Samples outside [-1, 1] are clipped for PCM formats. The file is written to a temporary
// name beside `path` and renamed into place, so a failed write never leaves half a file.
void writeAudio(const std::string& path, const Audio& audio, FileFormat format = FileFormat::Wav,
                SampleFormat sampleFormat = SampleFormat::Float32);
// Format from the extension (.wav -> Wav float32 unless sampleFormat given, .flac -> Flac PCM24).
void writeAudio(const std::string& path, const Audio& audio, SampleFormat sampleFormat);

// Band-limited sample-rate conversion with libsamplerate (SRC_SINC_BEST_QUALITY).
Audio resample(const Audio& audio, double newRate);

AudioStats audioStats(const Audio& audio);

// Checks for NaN/Inf and samples beyond kMaxSampleMagnitude; throws InputError naming `what` and
// the first bad sample's time.
void checkFinite(const Audio& audio, const std::string& what);

}  // namespace phaselab
