#include "widgets/spectrogram_levels.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>

#include "core/common/memory.h"

namespace phaselab {

std::uint16_t SpectrogramLevels::quantise(float db) {
    const float q = (db - kFloorDb) * kStepsPerDb + 0.5f;
    return std::uint16_t(std::clamp(q, 0.0f, 65535.0f));
}

std::size_t SpectrogramLevels::bytes() const {
    std::size_t n = 0;
    for (const auto& l : levels_) n += l.size() * sizeof(std::uint16_t);
    return n;
}

std::shared_ptr<SpectrogramLevels> computeSpectrogramLevels(const Eigen::Ref<const Eigen::ArrayXf>& mono,
                                                            double sampleRate, const StftConfig& config,
                                                            const RunControl& control) {
    config.validate();
    if (mono.size() == 0 || !(sampleRate > 0)) throw InputError("no audio to analyse");
    auto result = std::make_shared<SpectrogramLevels>();
    result->config = config;
    result->sampleRate = sampleRate;
    result->samples = mono.size();
    const int F = config.bins();
    const Eigen::Index T = 1 + mono.size() / config.hop;
    auto& base = result->levels_.emplace_back();
    base.reserve(std::size_t(T) * std::size_t(F));  // allocated, advised, then touched
    adviseHugePages(base.data(), base.capacity() * sizeof(std::uint16_t));
    base.resize(std::size_t(T) * std::size_t(F));
    // Two workers, each with its own Stft, take alternate chunks of frames: FFT, then
    // dB = 10 log10(|X|^2 / fs^2) (Eigen's vectorised log), then quantisation.
    constexpr int kWorkers = 2;
    constexpr Eigen::Index kChunk = 256;
    const Eigen::Index chunks = (T + kChunk - 1) / kChunk;
    std::atomic<Eigen::Index> chunksDone{0};
    std::atomic<bool> stop{false};
    std::exception_ptr failure;
    std::mutex failureMutex;
    auto work = [&](int worker) {
        try {
            Stft stft(config, 1);
            const float fs = stft.fullScaleMagnitude();
            const float invFs2 = 1.0f / (fs * fs), dbPerLn = 10.0f / std::log(10.0f);
            Spectrogram S;
            Eigen::ArrayXXf q;
            for (Eigen::Index c = worker; c < chunks && !stop; c += kWorkers) {
                control.checkCancel();
                const Eigen::Index t0 = c * kChunk, n = std::min(kChunk, T - t0);
                stft.analyseFrames(mono, 0, t0, n, S);
                q = S.abs2();  // materialised first so that the log below is vectorised
                q = ((q * invFs2 + 1e-30f).log() * dbPerLn - SpectrogramLevels::kFloorDb) * SpectrogramLevels::kStepsPerDb + 0.5f;
                q = q.max(0.0f).min(65535.0f);
                std::uint16_t* out = base.data() + t0 * F;
                const float* in = q.data();
                for (Eigen::Index i = 0, m = n * F; i < m; ++i) out[i] = std::uint16_t(in[i]);
                const Eigen::Index done = ++chunksDone;
                if (worker == 0) control.report(0.95 * double(done) / double(chunks), "spectrogram");
            }
        } catch (...) {
            stop = true;
            std::lock_guard lock(failureMutex);
            if (!failure) failure = std::current_exception();
        }
    };
    std::thread helper(work, 1);
    work(0);
    helper.join();
    if (failure) std::rethrow_exception(failure);
    // Pyramid: halve the frame count until a level fits a wide screen.
    while (Eigen::Index(result->levels_.back().size()) / F > 4096) {
        control.checkCancel();
        const auto& prev = result->levels_.back();
        const Eigen::Index pt = Eigen::Index(prev.size()) / F, nt = (pt + 1) / 2;
        std::vector<std::uint16_t> next;
        next.reserve(std::size_t(nt) * std::size_t(F));
        adviseHugePages(next.data(), next.capacity() * sizeof(std::uint16_t));
        next.resize(std::size_t(nt) * std::size_t(F));
        for (Eigen::Index t = 0; t < nt; ++t) {
            const std::uint16_t* a = prev.data() + 2 * t * F;
            const std::uint16_t* b = 2 * t + 1 < pt ? a + F : a;
            std::uint16_t* o = next.data() + t * F;
            for (int f = 0; f < F; ++f) o[f] = std::max(a[f], b[f]);
        }
        result->levels_.push_back(std::move(next));
    }
    control.report(1.0, "spectrogram");
    return result;
}

float SpectrogramLevels::levelDb(double t, double hz) const {
    const Eigen::Index T = frames();
    if (T == 0) return kFloorDb;
    const Eigen::Index k = std::clamp<Eigen::Index>(Eigen::Index(std::lround(t / frameSeconds())), 0, T - 1);
    const double b = std::clamp(hz / binHz(), 0.0, double(bins() - 1));
    const int b0 = std::min(int(b), bins() - 1), b1 = std::min(b0 + 1, bins() - 1);
    const double a = b - b0;
    const std::uint16_t* col = frame(0, k);
    return float((1 - a) * dequantise(col[b0]) + a * dequantise(col[b1]));
}

Magnitudes SpectrogramLevels::toDb() const {
    Magnitudes m(bins(), frames());
    const auto& base = levels_.front();
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = dequantise(base[std::size_t(i)]);
    return m;
}

QImage SpectrogramLevels::render(double t0, double t1, const SpectrogramStyle& style, QSize size) const {
    QImage image(size, QImage::Format_RGB32);
    const int W = size.width(), H = size.height(), F = bins();
    const Colormap& cmap = Colormap::get(style.colormap);
    if (W <= 0 || H <= 0) return image;
    if (frames() == 0 || !(t1 > t0)) {
        image.fill(cmap.at(0));
        return image;
    }
    // Colour of every quantised level for this style.
    std::vector<QRgb> lut(65536);
    const float bottom = style.topDb - style.rangeDb, scale = 1.0f / style.rangeDb;
    for (int q = 0; q < 65536; ++q) lut[std::size_t(q)] = cmap.at((dequantise(std::uint16_t(q)) - bottom) * scale);

    // Rows: either interpolate between two bins or take the maximum over a bin range.
    struct Row { int b0, b1; float a; bool range; };
    std::vector<Row> rows(static_cast<std::size_t>(H));
    const double bhz = binHz();
    for (int y = 0; y < H; ++y) {
        const double hi = style.axis.toHz(1.0 - double(y) / H) / bhz, lo = style.axis.toHz(1.0 - double(y + 1) / H) / bhz;
        Row& r = rows[std::size_t(y)];
        if (hi - lo <= 1.0) {
            const double c = std::clamp(0.5 * (lo + hi), 0.0, double(F - 1));
            r.b0 = std::min(int(c), std::max(0, F - 2));
            r.b1 = std::min(r.b0 + 1, F - 1);
            r.a = float(c - r.b0);
            r.range = false;
        } else {
            r.b0 = std::clamp(int(std::ceil(lo)), 0, F - 1);
            r.b1 = std::clamp(int(std::floor(hi)), r.b0, F - 1);
            r.a = 0;
            r.range = true;
        }
    }
    const double fps = 1.0 / frameSeconds();
    const double framesPerPixel = (t1 - t0) * fps / W;
    int level = 0;
    while (level + 1 < levelCount() && framesPerPixel >= double(1 << (level + 1))) ++level;
    const double levelScale = 1.0 / double(1 << level);
    const Eigen::Index T = frames(level);
    std::vector<std::uint16_t> column(static_cast<std::size_t>(F));
    for (int x = 0; x < W; ++x) {
        // Level-0 frames whose centres fall in this pixel column, mapped to the chosen level.
        const double fa = (t0 + (t1 - t0) * x / W) * fps, fb = (t0 + (t1 - t0) * (x + 1) / W) * fps;
        Eigen::Index k0 = Eigen::Index(std::floor(fa * levelScale + 0.5 * levelScale));
        Eigen::Index k1 = Eigen::Index(std::floor(fb * levelScale + 0.5 * levelScale));
        k0 = std::clamp<Eigen::Index>(k0, 0, T - 1);
        k1 = std::clamp<Eigen::Index>(k1, k0 + 1, T);
        const std::uint16_t* src = frame(level, k0);
        const double fc = 0.5 * (fa + fb);
        if (framesPerPixel < 0.5 && fc > 0 && fc < double(T - 1)) {
            // Zoomed in beyond the hop: interpolate in time between the two nearest frames.
            const Eigen::Index k = Eigen::Index(fc);
            const float a = float(fc - double(k));
            const std::uint16_t *p0 = frame(0, k), *p1 = frame(0, k + 1);
            for (int f = 0; f < F; ++f) column[std::size_t(f)] = std::uint16_t(p0[f] + a * (float(p1[f]) - float(p0[f])) + 0.5f);
            src = column.data();
        } else if (k1 - k0 > 1) {
            std::copy_n(src, F, column.begin());
            for (Eigen::Index k = k0 + 1; k < k1; ++k) {
                const std::uint16_t* c = frame(level, k);
                for (int f = 0; f < F; ++f) column[std::size_t(f)] = std::max(column[std::size_t(f)], c[f]);
            }
            src = column.data();
        }
        for (int y = 0; y < H; ++y) {
            const Row& r = rows[std::size_t(y)];
            std::uint16_t v;
            if (r.range) v = *std::max_element(src + r.b0, src + r.b1 + 1);
            else v = std::uint16_t(src[r.b0] + r.a * (float(src[r.b1]) - float(src[r.b0])) + 0.5f);
            reinterpret_cast<QRgb*>(image.scanLine(y))[x] = lut[v];
        }
    }
    return image;
}

}  // namespace phaselab
