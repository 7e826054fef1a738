#include "core/io/audio.h"

#include <samplerate.h>
#include <unistd.h>
#include <sndfile.h>

#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <sstream>
#include <vector>

#include "core/common/error.h"
#include "core/common/memory.h"
#include "core/io/output_policy.h"

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

bool uncompressed(int format) {
    switch (format & SF_FORMAT_SUBMASK) {
        case SF_FORMAT_PCM_S8: case SF_FORMAT_PCM_U8: case SF_FORMAT_PCM_16: case SF_FORMAT_PCM_24:
        case SF_FORMAT_PCM_32: case SF_FORMAT_FLOAT: case SF_FORMAT_DOUBLE: case SF_FORMAT_ULAW: case SF_FORMAT_ALAW:
            return (format & SF_FORMAT_TYPEMASK) != SF_FORMAT_FLAC && (format & SF_FORMAT_TYPEMASK) != SF_FORMAT_OGG;
        default: return false;
    }
}

// The header's frame count; -1 when it has none (a streamed FLAC). libsndfile clamps a WAV whose
// data chunk claims more bytes than the file holds to what is there, and says so only in its log
// ("data : 64000 (should be 32000)"): the claim is scaled back up from that line.
std::int64_t claimedFrames(SNDFILE* f, const SF_INFO& info) {
    if (!(info.frames > 0 && info.channels > 0 && info.frames < SF_COUNT_MAX / 4)) return -1;
    char log[4096] = {};
    sf_command(f, SFC_GET_LOG_INFO, log, sizeof(log) - 1);
    const char* line = std::strstr(log, "\ndata : ");
    long long said = 0, real = 0;
    // 0xFFFFFFFF (and 0x7FFFFFFF) are what streaming writers put there: a length left open, not a claim.
    if (line && std::sscanf(line, "\ndata : %lld (should be %lld)", &said, &real) == 2 && real > 0 && said > real &&
        said != 0xFFFFFFFFll && said != 0x7FFFFFFFll && said != 0xFFFFFFFFll - 1)
        return std::int64_t(double(info.frames) * double(said) / double(real) + 0.5);
    return std::int64_t(info.frames);
}

// The header's frame count when the file's size can hold it; -1 when the header has none or
// claims more than any encoding of this file could decode to.
std::int64_t trustedFrames(const SF_INFO& info, const std::string& path) {
    if (!(info.frames > 0 && info.channels > 0 && info.frames < SF_COUNT_MAX / 4)) return -1;
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) return -1;
    // Uncompressed: at least one byte per sample. Compressed (FLAC's constant blocks are the
    // densest case): a few bytes per block of at most 65535 samples.
    const double perByte = uncompressed(info.format) ? 1.0 : 4096.0;
    return double(info.frames) * info.channels <= double(size) * perByte ? std::int64_t(info.frames) : -1;
}

std::string seconds(std::int64_t frames, int rate) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.2f s", rate > 0 ? double(frames) / rate : 0.0);
    return text;
}

// Decodes up to `count` frames (all when count < 0) in blocks into the returned storage, never
// allocating beyond `reserve` (a length the file's size can hold, or -1) unless frames decode
// there, and then at most 1.5 times what decoded plus one block (or maxBytes). `expected`
// is how many frames this read must give (-1: unknown). A decoder error or a
// short read against the expected length is an InputError unless `allowTruncated`, in which case
// `report` says what happened.
Audio readFrames(SNDFILE* f, const SF_INFO& info, std::int64_t count, std::int64_t reserve, std::int64_t expected,
                 const std::string& path, std::int64_t maxBytes, bool allowTruncated, ReadReport* report) {
    const int ch = info.channels;
    constexpr std::int64_t kBlock = 1 << 16;
    // Frames go straight into their final (column-major) storage: a mono block is decoded in
    // place, a multichannel one through a one-block buffer. Capacity starts at what the file's
    // size can hold and grows by half only when a stream decodes beyond it.
    Audio a;
    a.sampleRate = info.samplerate;
    std::int64_t capacity = reserve > 0 ? std::min<std::int64_t>(reserve, maxBytes / 4 / ch + 1) : kBlock;
    if (count >= 0) capacity = std::min(capacity, count);
    resizeLarge(a.data, capacity, ch);
    std::vector<float> block;
    std::int64_t got = 0;
    while (count < 0 || got < count) {
        std::int64_t n = count < 0 ? kBlock : std::min(kBlock, count - got);
        if ((got + n) * ch * std::int64_t(sizeof(float)) > maxBytes + kBlock * ch * std::int64_t(sizeof(float))) {
            std::ostringstream s;
            s << quoted(path) << " is too large to load: it decodes to more than " << maxBytes / (1 << 20)
              << " MB of samples";
            throw InputError(s.str());
        }
        const std::int64_t room = capacity - got;
        if (room > 0) n = std::min(n, room);  // fill what is reserved; beyond it, grow only for frames that decode
        const bool inPlace = ch == 1 && room > 0;
        if (!inPlace) block.resize(std::size_t(n) * std::size_t(ch));
        const sf_count_t r = sf_readf_float(f, inPlace ? a.data.data() + got : block.data(), n);
        if (r <= 0) break;
        if (got + r > capacity) {
            capacity = std::max(got + r, std::min(capacity + capacity / 2, maxBytes / 4 / ch + kBlock));
            a.data.conservativeResize(capacity, ch);
        }
        if (!inPlace)
            for (int c = 0; c < ch; ++c)
                for (sf_count_t i = 0; i < r; ++i) a.data(got + i, c) = block[std::size_t(i) * std::size_t(ch) + std::size_t(c)];
        got += r;
        if (r < n) break;
    }
    if (got != capacity) a.data.conservativeResize(got, ch);
    if (got * ch * std::int64_t(sizeof(float)) > maxBytes) {
        std::ostringstream s;
        s << quoted(path) << " is too large to load: it would need " << got * ch * 4 / (1 << 20)
          << " MB of memory (limit " << maxBytes / (1 << 20) << " MB)";
        throw InputError(s.str());
    }
    const int error = sf_error(f);
    const std::int64_t target = expected;
    const bool shortRead = target > 0 && got < target;
    if (error != SF_ERR_NO_ERROR || shortRead) {
        std::string what = quoted(path) + " is truncated or damaged: decoded " + seconds(got, info.samplerate);
        if (target > 0) what += " of " + seconds(target, info.samplerate);
        if (error != SF_ERR_NO_ERROR) what += std::string(" (") + sf_error_number(error) + ")";
        if (!allowTruncated || got == 0) throw TruncatedAudioError(what + "; allow truncated files to use the decoded part");
        if (report) {
            report->truncated = true;
            report->warning = what + "; using the decoded part";
        }
    }
    return a;
}

}  // namespace

Eigen::ArrayXf Audio::mono() const {
    Eigen::ArrayXf m;
    resizeLarge(m, frames(), 1);
    if (channels() == 1) m = data.col(0);
    else m = data.rowwise().mean();
    return m;
}

Eigen::ArrayXXf Audio::withChannels(int count) const {
    if (count < 1) throw InputError("a signal needs at least one channel");
    Eigen::ArrayXXf out;
    resizeLarge(out, frames(), count);
    for (int c = 0; c < count; ++c) out.col(c) = channelOrOnly(count == 1 ? -1 : c);
    return out;
}

Eigen::ArrayXf Audio::channel(int c) const {
    if (c < 0 || c >= channels())
        throw InputError("channel " + std::to_string(c + 1) + " requested but the audio has " +
                         std::to_string(channels()) + " channel(s)");
    Eigen::ArrayXf x;
    resizeLarge(x, frames(), 1);
    x = data.col(c);
    return x;
}

Audio Audio::fromMono(Eigen::ArrayXf samples, double sampleRate) {
    Audio a;
    a.sampleRate = sampleRate;
    a.data = std::move(samples);
    return a;
}

Eigen::ArrayXf channelView(const Audio& audio, const std::string& view) {
    if (view == "mono") return audio.mono();
    const bool pair = view == "mid" || view == "side";
    if (pair || view == "left" || view == "right") {
        if (audio.channels() != 2)
            throw InputError("the " + view + " view needs a stereo signal, this one has " + std::to_string(audio.channels()) +
                             " channel(s)" + (audio.channels() > 2 ? ": pick a channel by its number" : ""));
        if (view == "left") return audio.data.col(0);
        if (view == "right") return audio.data.col(1);
        return view == "mid" ? Eigen::ArrayXf(0.5f * (audio.data.col(0) + audio.data.col(1)))
                             : Eigen::ArrayXf(0.5f * (audio.data.col(0) - audio.data.col(1)));
    }
    char* end = nullptr;
    const long c = std::strtol(view.c_str(), &end, 10);
    if (view.empty() || *end != '\0')
        throw InputError("unknown channel view '" + view + "' (use mono, left, right, mid, side or a channel number)");
    if (c < 1 || c > audio.channels())
        throw InputError("channel " + view + " requested but the audio has " + std::to_string(audio.channels()) + " channel(s)");
    return audio.data.col(c - 1);
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
    r.frames = trustedFrames(info, path);
    return r;
}

void checkFinite(const Audio& audio, const std::string& what) {
    if (audio.data.allFinite() && (audio.data.size() == 0 || audio.data.abs().maxCoeff() <= kMaxSampleMagnitude)) return;
    for (Eigen::Index i = 0; i < audio.frames(); ++i)
        for (int c = 0; c < audio.channels(); ++c)
            if (!std::isfinite(audio.data(i, c))) {
                std::ostringstream s;
                s << what << " contains " << (std::isnan(audio.data(i, c)) ? "NaN" : "infinite")
                  << " samples (first at " << (audio.sampleRate > 0 ? i / audio.sampleRate : 0.0)
                  << " s, channel " << c + 1 << ")";
                throw InputError(s.str());
            }
    for (Eigen::Index i = 0; i < audio.frames(); ++i)
        for (int c = 0; c < audio.channels(); ++c)
            if (std::abs(audio.data(i, c)) > kMaxSampleMagnitude) {
                std::ostringstream s;
                s << what << " has a sample of magnitude " << std::abs(audio.data(i, c)) << " (at "
                  << (audio.sampleRate > 0 ? i / audio.sampleRate : 0.0) << " s, channel " << c + 1
                  << "): beyond 1e6 (120 dB above full scale) the computations would overflow; rescale it first";
                throw InputError(s.str());
            }
}

Audio readAudio(const std::string& path, const ReadOptions& options, ReadReport* report) {
    SF_INFO info;
    SndFilePtr f = openForRead(path, info);
    if (info.channels <= 0) throw InputError(quoted(path) + " contains no audio (no channels)");
    if (info.samplerate <= 0) throw InputError(quoted(path) + " has an invalid sample rate");
    const std::int64_t expected = trustedFrames(info, path);
    if (expected > 0 && expected * info.channels * std::int64_t(sizeof(float)) > options.maxBytes) {
        std::ostringstream s;
        s << quoted(path) << " is too large to load: it would need " << expected * info.channels * 4 / (1 << 20)
          << " MB of memory (limit " << options.maxBytes / (1 << 20) << " MB)";
        throw InputError(s.str());
    }
    if (report) *report = ReadReport{};
    const std::int64_t claimed = claimedFrames(f.get(), info);
    Audio a = readFrames(f.get(), info, -1, expected, claimed, path, options.maxBytes, options.allowTruncated, report);
    if (a.frames() == 0) throw InputError(quoted(path) + " contains no audio (zero length)");
    if (report) report->headerFrames = claimed;
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
    if (info.channels <= 0 || info.samplerate <= 0) throw InputError(quoted(path) + " has no usable audio");
    const std::int64_t known = trustedFrames(info, path);
    if (known >= 0) {
        if (start >= known) count = 0;
        else count = std::min<std::int64_t>(count, known - start);
    }
    Audio a;
    a.sampleRate = info.samplerate;
    a.data.resize(0, info.channels);
    if (count == 0) return a;
    if (sf_seek(f.get(), start, SEEK_SET) < 0) {
        if (known >= 0) throw InputError("cannot seek in " + quoted(path) + ": " + sf_strerror(f.get()));
        return a;
    }
    a = readFrames(f.get(), info, count, known >= 0 ? count : -1, known >= 0 ? count : -1, path, ReadOptions{}.maxBytes,
                   false, nullptr);
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

    const TemporaryFile tmp = createTemporaryBeside(path);
    {
        SNDFILE* raw = sf_open_fd(tmp.fd, SFM_WRITE, &info, SF_TRUE);
        if (!raw) {
            ::close(tmp.fd);
            std::error_code ec;
            fs::remove(tmp.path, ec);
            throw InputError("cannot write " + quoted(path) + ": " + sf_strerror(nullptr));
        }
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
            fs::remove(tmp.path, ec);
            throw InputError("cannot write " + quoted(path) + ": " + why);
        }
    }
    commitTemporary(tmp.path, path);
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
