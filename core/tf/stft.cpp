#include "core/tf/stft.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>
#include <thread>

#include "core/common/error.h"
#include "core/common/memory.h"

namespace phaselab {

struct Stft::Worker {
    AlignedBuffer<float> real;
    AlignedBuffer<std::complex<float>> spectrum;
    Eigen::ArrayXf accumulator;  // per-thread overlap-add (threads > 1 only)
    Worker(int n) : real(std::size_t(n)), spectrum(std::size_t(n / 2 + 1)) {}
};

const char* windowName(WindowType w) {
    switch (w) {
        case WindowType::Hann: return "hann";
        case WindowType::SqrtHann: return "sqrt-hann";
        case WindowType::Hamming: return "hamming";
        case WindowType::Blackman: return "blackman";
        case WindowType::Gauss: return "gauss";
    }
    return "hann";
}

const std::vector<WindowType>& allWindows() {
    static const std::vector<WindowType> all{WindowType::Hann, WindowType::SqrtHann, WindowType::Hamming, WindowType::Blackman,
                                             WindowType::Gauss};
    return all;
}

WindowType windowFromName(const std::string& name) {
    for (auto w : allWindows())
        if (name == windowName(w)) return w;
    throw InputError("unknown window '" + name + "' (use hann, sqrt-hann, hamming, blackman or gauss)");
}

Eigen::ArrayXf makeWindow(WindowType type, int n) {
    Eigen::ArrayXd phase = Eigen::ArrayXd::LinSpaced(n, 0, n - 1) * (2.0 * std::numbers::pi / n);
    Eigen::ArrayXd w;
    switch (type) {
        case WindowType::Hann: w = 0.5 - 0.5 * phase.cos(); break;
        case WindowType::SqrtHann: w = (0.5 - 0.5 * phase.cos()).max(0.0).sqrt(); break;
        case WindowType::Hamming: w = 0.54 - 0.46 * phase.cos(); break;
        case WindowType::Blackman: w = (0.42 - 0.5 * phase.cos() + 0.08 * (2 * phase).cos()).max(0.0); break;
        case WindowType::Gauss: {
            const double gamma = -std::numbers::pi * double(n) * n / (4 * std::log(0.01));
            const Eigen::ArrayXd l = Eigen::ArrayXd::LinSpaced(n, 0, n - 1) - double(n / 2);
            w = (-std::numbers::pi * l.square() / gamma).exp();
            break;
        }
    }
    return w.cast<float>();
}

void StftConfig::validate() const {
    std::ostringstream why;
    if (windowLength < 4 || windowLength > (1 << 20))
        why << "window length must be between 4 and 1048576 samples, got " << windowLength;
    else if (fftSize != 0 && fftSize < windowLength)
        why << "FFT size " << fftSize << " is shorter than the window (" << windowLength
            << "): it must be at least the window length";
    else if (fft() % 2 || fft() > (1 << 21))
        why << "FFT size must be even and at most 2097152, got " << fft();
    else if (hop < 1)
        why << "hop must be at least 1 sample, got " << hop;
    else if (hop > windowLength / 2)
        why << "hop " << hop << " is too large for a " << windowLength
            << "-sample window: frames must overlap by at least half (hop <= " << windowLength / 2
            << ") for exact reconstruction";
    const std::string s = why.str();
    if (!s.empty()) throw InputError("invalid STFT settings: " + s);
}

std::string StftConfig::describe() const {
    std::ostringstream s;
    s << windowName(window) << " " << windowLength << " / hop " << hop << " / fft " << fft();
    return s.str();
}

Stft::Stft(const StftConfig& config, int threads)
    : config_((config.validate(), config)),
      threads_(std::clamp(threads, 1, 64)),
      fft_(config.fft()),
      window_(makeWindow(config.window, config.windowLength)) {
    for (int i = 0; i < threads_; ++i) workers_.push_back(std::make_unique<Worker>(config_.fft()));
}

Stft::~Stft() = default;

template <typename Fn>
void Stft::forEachChunk(Eigen::Index count, Fn&& fn) {
    const int n = int(std::min<Eigen::Index>(threads_, std::max<Eigen::Index>(1, count / 8)));
    if (n <= 1) {
        fn(*workers_[0], Eigen::Index(0), count);
        return;
    }
    std::vector<std::thread> pool;
    const Eigen::Index per = (count + n - 1) / n;
    for (int i = 1; i < n; ++i) {
        Eigen::Index b = i * per, e = std::min(count, b + per);
        if (b < e) pool.emplace_back([&, i, b, e] { fn(*workers_[i], b, e); });
    }
    fn(*workers_[0], 0, std::min(count, per));
    for (auto& t : pool) t.join();
}

void Stft::analyseFrames(const Eigen::Ref<const Eigen::ArrayXf>& segment, Eigen::Index segmentStart,
                         Eigen::Index firstFrame, Eigen::Index count, Spectrogram& out) {
    resizeLarge(out, config_.bins(), count);
    analyseFrames(segment, segmentStart, firstFrame, count, Eigen::Ref<Spectrogram>(out));
}

void Stft::analyseFrames(const Eigen::Ref<const Eigen::ArrayXf>& segment, Eigen::Index segmentStart,
                         Eigen::Index firstFrame, Eigen::Index count, Eigen::Ref<Spectrogram> out) {
    const int N = config_.windowLength, Nfft = config_.fft(), F = config_.bins(), half = N / 2;
    const Eigen::Index hop = config_.hop, segEnd = segmentStart + segment.size();
    if (out.rows() != F || out.cols() != count)
        throw InputError("analyseFrames: the output has " + std::to_string(out.rows()) + " x " +
                         std::to_string(out.cols()) + " cells, not " + std::to_string(F) + " x " + std::to_string(count));
    forEachChunk(count, [&](Worker& w, Eigen::Index begin, Eigen::Index end) {
        Eigen::Map<Eigen::ArrayXf> buf(w.real.data(), Nfft);
        for (Eigen::Index j = begin; j < end; ++j) {
            const Eigen::Index start = (firstFrame + j) * hop - half;  // first sample of the frame
            buf.setZero();
            const Eigen::Index lo = std::max<Eigen::Index>(0, segmentStart - start);
            const Eigen::Index hi = std::min<Eigen::Index>(N, segEnd - start);
            for (Eigen::Index n = lo; n < hi;) {
                // contiguous run up to the wrap point of the zero-phase rotation
                const Eigen::Index runEnd = config_.zeroPhase ? (n < half ? std::min<Eigen::Index>(hi, half) : hi) : hi;
                const Eigen::Index dst = config_.zeroPhase ? (n < half ? Nfft - half + n : n - half) : n;
                buf.segment(dst, runEnd - n) =
                    segment.segment(start + n - segmentStart, runEnd - n) * window_.segment(n, runEnd - n);
                n = runEnd;
            }
            fft_.forward(w.real.data(), w.spectrum.data());
            std::copy_n(w.spectrum.data(), F, out.col(j).data());
        }
    });
}

void Stft::analyse(const Eigen::Ref<const Eigen::ArrayXf>& x, Spectrogram& out) {
    analyseFrames(x, 0, 0, frameCount(x.size()), out);
}

Magnitudes Stft::analyseMagnitudes(const Eigen::Ref<const Eigen::ArrayXf>& x) {
    constexpr Eigen::Index kBlock = 256;
    const Eigen::Index T = frameCount(x.size());
    Magnitudes V;
    resizeLarge(V, bins(), T);
    Spectrogram block;
    for (Eigen::Index t0 = 0; t0 < T; t0 += kBlock) {
        const Eigen::Index n = std::min(kBlock, T - t0);
        analyseFrames(x, 0, t0, n, block);
        V.middleCols(t0, n) = block.abs();
    }
    return V;
}

Spectrogram Stft::analyse(const Eigen::Ref<const Eigen::ArrayXf>& x) {
    Spectrogram S;
    analyse(x, S);
    return S;
}

void Stft::checkShape(const Spectrogram& S, Eigen::Index length) const {
    if (length < 1) throw InputError("cannot synthesise a signal of length " + std::to_string(length));
    if (S.rows() != bins() || S.cols() != frameCount(length)) {
        std::ostringstream s;
        s << "spectrogram has " << S.rows() << " bins x " << S.cols() << " frames, but " << config_.describe()
          << " on " << length << " samples needs " << bins() << " x " << frameCount(length);
        throw InputError(s.str());
    }
}

void Stft::inverseEnvelopeSegment(Eigen::Index length, Eigen::Index first, Eigen::Index count, float* out) const {
    // 1 / sum_t w^2(n - t hop) in double, a block of samples at a time, frames added in increasing t as
    // a whole-signal sum would: the same values without a whole-signal array.
    const Eigen::Index N = config_.windowLength, half = N / 2, hop = config_.hop, T = frameCount(length);
    const Eigen::ArrayXd w2 = window_.cast<double>().square();
    constexpr Eigen::Index kBlock = Eigen::Index(1) << 14;
    Eigen::ArrayXd env(kBlock);
    for (Eigen::Index a = first; a < first + count; a += kBlock) {
        const Eigen::Index n = std::min(kBlock, first + count - a), e0 = a + half, e1 = e0 + n;  // envelope indices
        env.head(n).setZero();
        for (Eigen::Index t = std::max<Eigen::Index>(0, (e0 - N) / hop); t < T && t * hop < e1; ++t) {
            const Eigen::Index from = std::max(t * hop, e0), to = std::min(t * hop + N, e1);
            if (to > from) env.segment(from - e0, to - from) += w2.segment(from - t * hop, to - from);
        }
        Eigen::Map<Eigen::ArrayXf>(out + (a - first), n) = (1.0 / env.head(n)).cast<float>();
    }
}

const Stft::Envelope& Stft::inverseEnvelope(Eigen::Index length) {
    if (envelope_.length == length) return envelope_;
    // Envelope index e = sample + N/2 is covered by every frame t with t hop <= e < t hop + N, all of
    // which exist for N - 1 <= e < T hop: there the sum repeats with period hop (same terms, same order).
    const Eigen::Index N = config_.windowLength, half = N / 2, hop = config_.hop, T = frameCount(length);
    Envelope& v = envelope_;
    v.length = length;
    v.headEnd = std::clamp<Eigen::Index>(N - 1 - half, 0, length);
    v.tailStart = std::clamp<Eigen::Index>(T * hop - half, v.headEnd, length);
    if (v.tailStart - v.headEnd < 2 * hop) v.tailStart = v.headEnd;  // too short to repeat: head and tail only
    v.head.resize(v.headEnd);
    v.period.resize(v.tailStart > v.headEnd ? hop : 0);
    v.tail.resize(length - v.tailStart);
    inverseEnvelopeSegment(length, 0, v.headEnd, v.head.data());
    inverseEnvelopeSegment(length, v.headEnd, v.period.size(), v.period.data());
    inverseEnvelopeSegment(length, v.tailStart, v.tail.size(), v.tail.data());
    return v;
}

void Stft::synthesise(const Spectrogram& S, Eigen::Index length, Eigen::ArrayXf& out) {
    checkShape(S, length);
    const int N = config_.windowLength, Nfft = config_.fft(), F = config_.bins(), half = N / 2;
    const Eigen::Index T = S.cols(), hop = config_.hop;
    const Envelope& envInv = inverseEnvelope(length);
    const float scale = 1.0f / float(Nfft);

    // dst[s0 + k] += src[k] win[k] for the k in [0, n) with 0 <= s0 + k < dst.size().
    auto addProduct = [](Eigen::ArrayXf& dst, Eigen::Index s0, const float* src, const float* win, Eigen::Index n) {
        const Eigen::Index k0 = std::max<Eigen::Index>(0, -s0), k1 = std::min(n, dst.size() - s0);
        if (k1 > k0)
            dst.segment(s0 + k0, k1 - k0) +=
                Eigen::Map<const Eigen::ArrayXf>(src + k0, k1 - k0) * Eigen::Map<const Eigen::ArrayXf>(win + k0, k1 - k0);
    };
    // Frames [begin, end) overlap-added into acc, whose element 0 is envelope index `origin`
    // (envelope index e holds sample e - N/2).
    auto overlapAdd = [&](Worker& w, Eigen::ArrayXf& acc, Eigen::Index origin, Eigen::Index begin, Eigen::Index end) {
        const float* frame = w.real.data();
        for (Eigen::Index t = begin; t < end; ++t) {
            std::copy_n(S.col(t).data(), F, w.spectrum.data());
            fft_.inverse(w.spectrum.data(), w.real.data());
            const Eigen::Index dst = t * hop - origin;  // acc index of window sample 0
            if (config_.zeroPhase) {
                addProduct(acc, dst, frame + Nfft - half, window_.data(), half);
                addProduct(acc, dst + half, frame, window_.data() + half, N - half);
            } else {
                addProduct(acc, dst, frame, window_.data(), N);
            }
        }
    };

    resizeLarge(out, length, 1);
    out.setZero();
    if (threads_ == 1 || T < 16) {
        overlapAdd(*workers_[0], out, half, 0, T);
    } else {
        forEachChunk(T, [&](Worker& w, Eigen::Index begin, Eigen::Index end) {
            const Eigen::Index span = (end - begin - 1) * hop + N;
            w.accumulator.setZero(span);
            overlapAdd(w, w.accumulator, begin * hop, begin, end);
        });
        const int n = int(std::min<Eigen::Index>(threads_, std::max<Eigen::Index>(1, T / 8)));
        const Eigen::Index per = (T + n - 1) / n;
        for (int i = 0; i < n; ++i) {
            Eigen::Index b = i * per, e = std::min(T, b + per);
            if (b >= e) continue;
            const Eigen::ArrayXf& a = workers_[i]->accumulator;
            const Eigen::Index s0 = b * hop - half, k0 = std::max<Eigen::Index>(0, -s0), k1 = std::min(a.size(), length - s0);
            if (k1 > k0) out.segment(s0 + k0, k1 - k0) += a.segment(k0, k1 - k0);
        }
    }
    const Eigen::Index h = envInv.headEnd, m = envInv.tailStart;
    out.head(h) = out.head(h) * envInv.head * scale;
    for (Eigen::Index p = h; p < m; p += hop) {
        const Eigen::Index n = std::min(hop, m - p);
        out.segment(p, n) = out.segment(p, n) * envInv.period.head(n) * scale;
    }
    out.tail(length - m) = out.tail(length - m) * envInv.tail * scale;
}

Eigen::ArrayXf Stft::synthesise(const Spectrogram& S, Eigen::Index length) {
    Eigen::ArrayXf x;
    synthesise(S, length, x);
    return x;
}

void Stft::project(Spectrogram& S, Eigen::Index length) {
    synthesise(S, length, signal_);
    analyse(signal_, S);
}

Magnitudes magnitude(const Spectrogram& S) { return S.abs(); }
Magnitudes power(const Spectrogram& S) { return S.abs2(); }
Magnitudes phaseOf(const Spectrogram& S) { return S.arg(); }

Magnitudes magnitudeDb(const Magnitudes& m, float floorDb) {
    const float floorLinear = std::pow(10.0f, floorDb / 20.0f);
    return 20.0f * m.max(floorLinear).log10();
}

Spectrogram polar(const Magnitudes& magnitude, const Magnitudes& phase) {
    Spectrogram S(magnitude.rows(), magnitude.cols());
    S.real() = magnitude * phase.cos();
    S.imag() = magnitude * phase.sin();
    return S;
}

Inconsistency inconsistency(Stft& stft, const Spectrogram& S, Eigen::Index length) {
    Spectrogram G = S;
    stft.project(G, length);
    Inconsistency r;
    r.absolute = (S - G).abs2().cast<double>().sum();
    const double total = S.abs2().cast<double>().sum();
    r.relative = total > 0 ? r.absolute / total : 0.0;
    return r;
}

Magnitudes inconsistencyMap(Stft& stft, const Spectrogram& S, Eigen::Index length) {
    Spectrogram G = S;
    stft.project(G, length);
    return (S - G).abs();
}

double spectralConvergenceDb(const Spectrogram& S, const Magnitudes& target) {
    const double num = (S.abs() - target).cast<double>().square().sum();
    const double den = target.cast<double>().square().sum();
    if (den <= 0) throw InputError("spectral convergence is undefined for a silent target");
    return 10.0 * std::log10(std::max(num, 1e-300) / den);
}

}  // namespace phaselab
