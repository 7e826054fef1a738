#include "core/io/audio.h"

#include <samplerate.h>
#include <sndfile.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>
#include <vector>

#include "core/common/error.h"

namespace phaselab {
namespace {

namespace fs = std::filesystem;

struct SndFileCloser {
    void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndFilePtr = std::unique_ptr<SNDFILE, SndFileCloser>;

std::string quoted(const std::string& path) { return "'" + path + "'"; }

SndFilePtr openForRead(const std::string& path, SF_INFO& info) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw InputError("cannot open " + quoted(path) + ": no such file");
    if (fs::is_directory(path, ec)) throw InputError(quoted(path) + " is a folder, not an audio file");
    info = SF_INFO{};
    SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
    if (!f)
        throw InputError("cannot read " + quoted(path) + ": " + sf_strerror(nullptr) +
                         " (readable formats: WAV, FLAC, OGG/Vorbis, AIFF, AU, CAF and others)");
    return SndFilePtr(f);
}

std::string formatName(int format) {
    SF_FORMAT_INFO fi{};
    fi.format = format & SF_FORMAT_TYPEMASK;
    if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &fi, sizeof(fi)) == 0 && fi.extension)
        return [](std::string s) { for (auto& c : s) c = char(std::toupper(c)); return s; }(fi.extension);
    return "unknown";
}

std::string encodingName(int format) {
    switch (format & SF_FORMAT_SUBMASK) {
        case SF_FORMAT_PCM_S8: return "PCM_S8";
        case SF_FORMAT_PCM_U8: return "PCM_U8";
        case SF_FORMAT_PCM_16: return "PCM_16";
        case SF_FORMAT_PCM_24: return "PCM_24";
        case SF_FORMAT_PCM_32: return "PCM_32";
        case SF_FORMAT_FLOAT: return "FLOAT";
        case SF_FORMAT_DOUBLE: return "DOUBLE";
        case SF_FORMAT_ULAW: return "ULAW";
        case SF_FORMAT_ALAW: return "ALAW";
        case SF_FORMAT_VORBIS: return "VORBIS";
        case SF_FORMAT_OPUS: return "OPUS";
        default: return "other";
    }
}

Audio readFrames(SNDFILE* f, const SF_INFO& info, std::int64_t count, const std::string& path) {
    Audio a;
    a.sampleRate = info.samplerate;
    std::vector<float> interleaved(std::size_t(count) * std::size_t(info.channels));
    sf_count_t got = sf_readf_float(f, interleaved.data(), count);
    if (got < 0) throw InputError("error while reading " + quoted(path) + ": " + sf_strerror(f));
    a.data.resize(got, info.channels);
    for (sf_count_t i = 0; i < got; ++i)
        for (int c = 0; c < info.channels; ++c) a.data(i, c) = interleaved[std::size_t(i) * info.channels + c];
    return a;
}

}  // namespace

Eigen::ArrayXf Audio::mono() const {
    if (channels() == 1) return data.col(0);
    return data.rowwise().mean();
}

Eigen::ArrayXf Audio::channel(int c) const {
    if (c < 0 || c >= channels())
        throw InputError("channel " + std::to_string(c + 1) + " requested but the audio has " +
                         std::to_string(channels()) + " channel(s)");
    return data.col(c);
}

Audio Audio::fromMono(Eigen::ArrayXf samples, double sampleRate) {
    Audio a;
    a.sampleRate = sampleRate;
    a.data = std::move(samples);
    return a;
}

double AudioStats::peakDb() const { return 20.0 * std::log10(peak); }
double AudioStats::rmsDb() const { return 20.0 * std::log10(rms); }

AudioInfo probeAudio(const std::string& path) {
    SF_INFO info;
    SndFilePtr f = openForRead(path, info);
    AudioInfo r;
    r.path = path;
    r.format = formatName(info.format);
    r.encoding = encodingName(info.format);
    r.sampleRate = info.samplerate;
    r.channels = info.channels;
    r.frames = info.frames;
    return r;
}

void checkFinite(const Audio& audio, const std::string& what) {
    if (audio.data.allFinite()) return;
    for (Eigen::Index i = 0; i < audio.frames(); ++i)
        for (int c = 0; c < audio.channels(); ++c)
            if (!std::isfinite(audio.data(i, c))) {
                std::ostringstream s;
                s << what << " contains " << (std::isnan(audio.data(i, c)) ? "NaN" : "infinite")
                  << " samples (first at " << (audio.sampleRate > 0 ? i / audio.sampleRate : 0.0)
                  << " s, channel " << c + 1 << ")";
                throw InputError(s.str());
            }
}

Audio readAudio(const std::string& path, const ReadOptions& options) {
    SF_INFO info;
    SndFilePtr f = openForRead(path, info);
    if (info.frames <= 0 || info.channels <= 0) throw InputError(quoted(path) + " contains no audio (zero length)");
    if (info.samplerate <= 0) throw InputError(quoted(path) + " has an invalid sample rate");
    const std::int64_t bytes = std::int64_t(info.frames) * info.channels * std::int64_t(sizeof(float));
    if (bytes > options.maxBytes) {
        std::ostringstream s;
        s << quoted(path) << " is too large to load: it would need " << bytes / (1 << 20)
          << " MB of memory (limit " << options.maxBytes / (1 << 20) << " MB)";
        throw InputError(s.str());
    }
    Audio a = readFrames(f.get(), info, info.frames, path);
    if (a.frames() == 0) throw InputError(quoted(path) + " contains no audio (zero length)");
    checkFinite(a, quoted(path));
    if (options.pickChannel >= 0) {
        a.data = Eigen::ArrayXXf(a.channel(options.pickChannel));
    } else if (options.channels == Channels::Mono && a.channels() > 1) {
        a.data = Eigen::ArrayXXf(a.mono());
    }
    if (options.targetRate > 0 && options.targetRate != a.sampleRate) a = resample(a, options.targetRate);
    return a;
}

Audio readAudioRange(const std::string& path, std::int64_t start, std::int64_t count) {
    SF_INFO info;
    SndFilePtr f = openForRead(path, info);
    if (start < 0 || count < 0) throw InputError("invalid frame range for " + quoted(path));
    if (start >= info.frames) {
        Audio a;
        a.sampleRate = info.samplerate;
        a.data.resize(0, info.channels);
        return a;
    }
    count = std::min<std::int64_t>(count, info.frames - start);
    if (sf_seek(f.get(), start, SEEK_SET) < 0)
        throw InputError("cannot seek in " + quoted(path) + ": " + sf_strerror(f.get()));
    Audio a = readFrames(f.get(), info, count, path);
    checkFinite(a, quoted(path));
    return a;
}

void writeAudio(const std::string& path, const Audio& audio, FileFormat format, SampleFormat sampleFormat) {
    if (audio.frames() == 0 || audio.channels() == 0) throw InputError("nothing to write to " + quoted(path) + ": the audio is empty");
    if (audio.sampleRate <= 0) throw InputError("cannot write " + quoted(path) + ": invalid sample rate");
    checkFinite(audio, "the audio to write to " + quoted(path));
    int major = format == FileFormat::Flac ? SF_FORMAT_FLAC : SF_FORMAT_WAV;
    int sub = SF_FORMAT_FLOAT;
    if (sampleFormat == SampleFormat::Pcm16) sub = SF_FORMAT_PCM_16;
    if (sampleFormat == SampleFormat::Pcm24) sub = SF_FORMAT_PCM_24;
    if (format == FileFormat::Flac && sub == SF_FORMAT_FLOAT)
        throw InputError("FLAC stores integer samples only: choose 16 or 24 bit for " + quoted(path));

    SF_INFO info{};
    info.samplerate = int(std::lround(audio.sampleRate));
    info.channels = audio.channels();
    info.format = major | sub;
    if (!sf_format_check(&info)) throw InputError("unsupported output format for " + quoted(path));

    const fs::path target(path);
    fs::path tmp = target;
    tmp += ".part";
    {
        SNDFILE* raw = sf_open(tmp.c_str(), SFM_WRITE, &info);
        if (!raw) throw InputError("cannot write " + quoted(path) + ": " + sf_strerror(nullptr));
        SndFilePtr f(raw);
        if (sub != SF_FORMAT_FLOAT) sf_command(f.get(), SFC_SET_CLIPPING, nullptr, SF_TRUE);
        const Eigen::Index n = audio.frames();
        const int ch = audio.channels();
        std::vector<float> interleaved(std::size_t(n) * ch);
        for (Eigen::Index i = 0; i < n; ++i)
            for (int c = 0; c < ch; ++c) interleaved[std::size_t(i) * ch + c] = audio.data(i, c);
        if (sf_writef_float(f.get(), interleaved.data(), n) != n) {
            std::string why = sf_strerror(f.get());
            f.reset();
            std::error_code ec;
            fs::remove(tmp, ec);
            throw InputError("cannot write " + quoted(path) + ": " + why);
        }
    }
    std::error_code ec;
    fs::rename(tmp, target, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw InputError("cannot write " + quoted(path) + ": " + ec.message());
    }
}

void writeAudio(const std::string& path, const Audio& audio, SampleFormat sampleFormat) {
    std::string ext = fs::path(path).extension().string();
    for (auto& c : ext) c = char(std::tolower(c));
    if (ext == ".flac")
        writeAudio(path, audio, FileFormat::Flac, sampleFormat == SampleFormat::Float32 ? SampleFormat::Pcm24 : sampleFormat);
    else if (ext == ".wav")
        writeAudio(path, audio, FileFormat::Wav, sampleFormat);
    else
        throw InputError("cannot write " + quoted(path) + ": use a .wav or .flac file name");
}

Audio resample(const Audio& audio, double newRate) {
    if (newRate <= 0 || audio.sampleRate <= 0) throw InputError("invalid sample rate for resampling");
    if (newRate == audio.sampleRate) return audio;
    const double ratio = newRate / audio.sampleRate;
    const int ch = audio.channels();
    const long inFrames = long(audio.frames());
    const long outFrames = long(std::ceil(inFrames * ratio)) + 16;
    std::vector<float> in(std::size_t(inFrames) * ch), out(std::size_t(outFrames) * ch);
    for (long i = 0; i < inFrames; ++i)
        for (int c = 0; c < ch; ++c) in[std::size_t(i) * ch + c] = audio.data(i, c);
    SRC_DATA d{};
    d.data_in = in.data();
    d.input_frames = inFrames;
    d.data_out = out.data();
    d.output_frames = outFrames;
    d.src_ratio = ratio;
    d.end_of_input = 1;
    if (int err = src_simple(&d, SRC_SINC_BEST_QUALITY, ch))
        throw InputError(std::string("resampling failed: ") + src_strerror(err));
    Audio r;
    r.sampleRate = newRate;
    r.data.resize(d.output_frames_gen, ch);
    for (long i = 0; i < d.output_frames_gen; ++i)
        for (int c = 0; c < ch; ++c) r.data(i, c) = out[std::size_t(i) * ch + c];
    return r;
}

AudioStats audioStats(const Audio& audio) {
    AudioStats s;
    if (audio.data.size() == 0) return s;
    s.peak = audio.data.abs().maxCoeff();
    s.rms = std::sqrt(audio.data.cast<double>().square().mean());
    return s;
}

}  // namespace phaselab
