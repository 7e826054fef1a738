#pragma once
// Short-time Fourier transform and its least-squares inverse (FFTW3, single precision).
//
// Conventions (see shared algorithms.md §1):
// - Framing is centred: frame t is centred on sample t*hop. Samples outside the signal are zero
//   (zero padding of windowLength/2 at both ends, like librosa's center=True, pad_mode="constant").
//   A signal of L samples has T = 1 + floor(L / hop) frames.
// - Windows are periodic (DFT-even): Hann w(n) = 0.5 - 0.5 cos(2 pi n / N), and sqrt-Hann,
//   Hamming, Blackman likewise. No 1/sqrt(Nfft) factor: a full-scale sinusoid of amplitude a
//   peaks near a * sum(w) / 2 (a * N / 4 for Hann).
// - Sign: X(f,t) = sum_n x(t*hop + n - N/2) w(n) exp(-2 pi i f m(n) / Nfft), the plain forward
//   DFT (FFTW r2c). With zeroPhase (the default) m(n) = n - N/2: the phase refers to the frame
//   centre, so a stationary sinusoid advances its phase by +2 pi hop nu per frame (nu in cycles
//   per sample) and an impulse at the frame centre has zero phase in every bin. Without
//   zeroPhase m(n) = n (librosa/torch convention): X_librosa(f,t) = exp(-i pi f N / Nfft) X(f,t).
// - Bins f = 0 .. Nfft/2 (F = Nfft/2 + 1), bin frequency f * sampleRate / Nfft.
// - Inverse: least-squares (canonical dual) synthesis,
//   x(s) = sum_t w(s - c_t) y_t(s - c_t) / sum_t w(s - c_t)^2, with y_t the inverse DFT of
//   frame t, so synthesise(analyse(x), L) == x for every valid configuration (hop <= N/2), and
//   G = analyse o synthesise is the orthogonal projection onto consistent spectrograms.
// Storage: Spectrogram is bins x frames, column-major (one frame per column), complex float.
//
// Thread-safety and cost: an Stft object owns scratch buffers and is NOT safe for concurrent
// calls; make one per thread (cheap: FFTW plans are cached process-wide). With threads > 1 a
// single call splits its frames over that many worker threads. One analyse or synthesise costs
// T FFTs of size Nfft and no allocation once the buffers have grown to the signal's size.

#include <Eigen/Core>
#include <memory>
#include <string>
#include <vector>

#include "core/tf/fft.h"

namespace phaselab {

using Spectrogram = Eigen::ArrayXXcf;   // bins x frames
using Magnitudes = Eigen::ArrayXXf;     // bins x frames

// Gauss: the truncated Gaussian exp(-pi (n - N/2)^2 / gamma) with end samples at 1 % of the peak,
// gamma = -pi N^2 / (4 ln 0.01) (algorithms-online.md §1.3: PGHI's and the real-time demos' window).
enum class WindowType { Hann, SqrtHann, Hamming, Blackman, Gauss };

const char* windowName(WindowType w);           // "hann", "sqrt-hann", "hamming", "blackman", "gauss"
WindowType windowFromName(const std::string&);  // InputError for an unknown name
const std::vector<WindowType>& allWindows();    // in the order above

// Periodic window of length n (sample n/2 is the centre).
Eigen::ArrayXf makeWindow(WindowType type, int n);

struct StftConfig {
    WindowType window = WindowType::Hann;
    int windowLength = 2048;  // samples
    int hop = 512;            // samples
    int fftSize = 0;          // samples; 0 means windowLength. >= windowLength (zero padding), even.
    bool zeroPhase = true;

    int fft() const { return fftSize > 0 ? fftSize : windowLength; }
    int bins() const { return fft() / 2 + 1; }
    // Throws InputError with the reason if the configuration cannot be inverted exactly.
    void validate() const;
    std::string describe() const;  // "hann 2048 / hop 512 / fft 2048"
    bool operator==(const StftConfig&) const = default;
};

class Stft {
public:
    explicit Stft(const StftConfig& config, int threads = 1);
    Stft(const Stft&) = delete;
    Stft& operator=(const Stft&) = delete;
    ~Stft();

    const StftConfig& config() const { return config_; }
    int bins() const { return config_.bins(); }
    int threads() const { return threads_; }
    Eigen::Index frameCount(Eigen::Index length) const { return 1 + length / config_.hop; }
    const Eigen::ArrayXf& window() const { return window_; }
    // Magnitude of the peak bin for a full-scale (amplitude 1) sinusoid centred on a bin:
    // sum(w) / 2. Dividing by it expresses levels in dBFS.
    float fullScaleMagnitude() const { return window_.sum() / 2.0f; }

    // Whole signal: out becomes bins x frameCount(x.size()).
    void analyse(const Eigen::Ref<const Eigen::ArrayXf>& x, Spectrogram& out);
    Spectrogram analyse(const Eigen::Ref<const Eigen::ArrayXf>& x);

    // Frames [firstFrame, firstFrame + count) of a longer signal, from a segment of it:
    // `segment` holds samples [segmentStart, segmentStart + segment.size()); samples outside are
    // taken as zero. To reproduce analyse() exactly, the segment must cover samples
    // [firstFrame*hop - N/2, (firstFrame+count-1)*hop + N/2) clipped to the signal.
    void analyseFrames(const Eigen::Ref<const Eigen::ArrayXf>& segment, Eigen::Index segmentStart,
                       Eigen::Index firstFrame, Eigen::Index count, Spectrogram& out);
    // The same into existing storage of bins() x count (e.g. S.middleCols(firstFrame, count)).
    void analyseFrames(const Eigen::Ref<const Eigen::ArrayXf>& segment, Eigen::Index segmentStart,
                       Eigen::Index firstFrame, Eigen::Index count, Eigen::Ref<Spectrogram> out);

    // |STFT| of x (std::abs), computed in blocks of frames: the complex STFT is never held whole.
    Magnitudes analyseMagnitudes(const Eigen::Ref<const Eigen::ArrayXf>& x);

    // Least-squares inverse; `length` is the original signal length (S must have
    // frameCount(length) columns and bins() rows, else InputError).
    void synthesise(const Spectrogram& S, Eigen::Index length, Eigen::ArrayXf& out);
    Eigen::ArrayXf synthesise(const Spectrogram& S, Eigen::Index length);

    // Consistency projection G(S) = analyse(synthesise(S)), in place.
    void project(Spectrogram& S, Eigen::Index length);

private:
    struct Worker;
    void checkShape(const Spectrogram& S, Eigen::Index length) const;
    // 1 / sum_t w^2 over the samples of a `length`-sample signal: samples [0, headEnd) in head,
    // [headEnd, tailStart) repeating `period` (hop values), [tailStart, length) in tail.
    struct Envelope {
        Eigen::Index length = -1, headEnd = 0, tailStart = 0;
        Eigen::ArrayXf head, period, tail;
    };
    const Envelope& inverseEnvelope(Eigen::Index length);
    void inverseEnvelopeSegment(Eigen::Index length, Eigen::Index first, Eigen::Index count, float* out) const;
    template <typename Fn>
    void forEachChunk(Eigen::Index count, Fn&& fn);

    StftConfig config_;
    int threads_;
    RealFft fft_;
    Eigen::ArrayXf window_;
    std::vector<std::unique_ptr<Worker>> workers_;
    Envelope envelope_;                // of the last synthesis length
    Eigen::ArrayXf signal_;            // project(): time-domain scratch
};

// Elementwise helpers (bins x frames).
Magnitudes magnitude(const Spectrogram& S);
Magnitudes power(const Spectrogram& S);
Magnitudes phaseOf(const Spectrogram& S);   // radians in (-pi, pi]
// 20 log10(m), floored at floorDb (e.g. -120) so silence maps to a finite value.
Magnitudes magnitudeDb(const Magnitudes& m, float floorDb = -120.0f);
// S built from magnitudes and phases.
Spectrogram polar(const Magnitudes& magnitude, const Magnitudes& phase);

// ||S - G(S)||^2 (unweighted Frobenius, summed over bins and frames, in double) and the same
// divided by ||S||^2. relative is 0 for a consistent S and at most 1.
struct Inconsistency {
    double absolute = 0;
    double relative = 0;
};
Inconsistency inconsistency(Stft& stft, const Spectrogram& S, Eigen::Index length);
// |S - G(S)| per bin (bins x frames, linear magnitude): where S departs from being the STFT of a
// signal (e.g. a masked estimate against its re-analysis).
Magnitudes inconsistencyMap(Stft& stft, const Spectrogram& S, Eigen::Index length);

// Spectral convergence in dB: 20 log10(|| |S| - V || / ||V||) (Frobenius). Lower is better.
double spectralConvergenceDb(const Spectrogram& S, const Magnitudes& target);

}  // namespace phaselab
