// The interactive view on a long file (issue 2 performance targets):
//  - open a 10-minute 44.1 kHz stereo file (synthesised here, written to /tmp) and show its
//    spectrogram at 1920x1080: read + mono + waveform summary + spectrogram levels + first render,
//    through the real AudioView, until isReady(). Baseline: a bare FFTW loop doing the forward FFTs of
//    the same STFT (2048 / 512) in this process. Peak RSS is reported after the open.
//  - a repaint of the spectrogram pane at 1920x1080 while scrolling (paintEvent: blit of the last
//    image placed at the new scroll position, plus overlays), and the worker's render of the visible
//    range at that size; baseline: QImage fill + QPainter blit of the same size.
// Prints ratio counters; asserts nothing.
#include <benchmark/benchmark.h>
#include <fftw3.h>
#include <sys/resource.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QPainter>
#include <QThread>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>

#include "core/io/audio.h"
#include "widgets/audio_view.h"

namespace {

using namespace phaselab;

const char* kPath = "/tmp/phaselab_bench_10min_stereo.wav";
const double kRate = 44100;
std::map<std::string, double> secondsPerIteration;

void record(benchmark::State& state, const std::string& name, double total) {
    secondsPerIteration[name] = total / double(state.iterations());
}

// 10 minutes of music-like stereo test signal: a slow chord of partials with vibrato plus seeded
// noise, the right channel 0.8 times the left plus its own noise.
void writeTenMinuteFile() {
    static bool done = false;
    if (done) return;
    const Eigen::Index n = Eigen::Index(600 * kRate);
    Eigen::ArrayXf x(n);
    std::mt19937 g(1);
    std::normal_distribution<float> noise(0.0f, 0.01f);
    double ph[4] = {0, 0, 0, 0};
    const double base[4] = {110, 220, 330, 523.25};
    for (Eigen::Index i = 0; i < n; ++i) {
        const double t = double(i) / kRate;
        float v = noise(g);
        for (int k = 0; k < 4; ++k) {
            ph[k] += 2 * M_PI * base[k] * (1 + 0.01 * std::sin(2 * M_PI * 0.2 * t)) / kRate;
            v += float(0.1 * std::sin(ph[k]));
        }
        x(i) = v;
    }
    Audio stereo;
    stereo.sampleRate = kRate;
    stereo.data.resize(n, 2);
    stereo.data.col(0) = x;
    for (Eigen::Index i = 0; i < n; ++i) stereo.data(i, 1) = 0.8f * x(i) + noise(g);
    writeAudio(kPath, stereo, FileFormat::Wav, SampleFormat::Pcm16);
    done = true;
}

double peakRssMb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_maxrss) / 1024.0;
}

void BM_OpenTenMinutesToFirstView(benchmark::State& state) {
    writeTenMinuteFile();
    double total = 0;
    for (auto _ : state) {
        QElapsedTimer timer;
        timer.start();
        AudioView view;
        view.resize(1920, 1080);
        view.show();
        auto audio = std::make_shared<const Audio>(readAudio(kPath));
        view.setAudio(audio);
        while (!view.isReady()) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
            QThread::usleep(200);
        }
        total += timer.nsecsElapsed() * 1e-9;
        state.counters["frames"] = double(view.spectrogram()->levels()->frames());
        state.counters["levels_MB"] = double(view.spectrogram()->levels()->bytes()) / 1e6;
    }
    record(state, "open", total);
    state.counters["peak_rss_MB"] = peakRssMb();
}

void BM_SpectrogramLevelsTenMinutes(benchmark::State& state) {
    writeTenMinuteFile();
    const Eigen::ArrayXf x = readAudio(kPath).data.col(0);
    StftConfig cfg;
    double total = 0;
    for (auto _ : state) {
        QElapsedTimer timer;
        timer.start();
        auto levels = computeSpectrogramLevels(x, kRate, cfg);
        benchmark::DoNotOptimize(levels.get());
        total += timer.nsecsElapsed() * 1e-9;
    }
    record(state, "levels", total);
}

void BM_BareFftLoopTenMinutes(benchmark::State& state) {
    writeTenMinuteFile();
    const Eigen::ArrayXf x = readAudio(kPath).data.col(0);
    const int N = 2048, hop = 512, F = N / 2 + 1, half = N / 2;
    const Eigen::Index L = x.size(), T = 1 + L / hop;
    const Eigen::ArrayXf w = makeWindow(WindowType::Hann, N);
    float* buf = fftwf_alloc_real(N);
    fftwf_complex* spec = fftwf_alloc_complex(F);
    fftwf_plan fwd = fftwf_plan_dft_r2c_1d(N, buf, spec, FFTW_MEASURE);
    Eigen::ArrayXf out(F);
    double total = 0;
    for (auto _ : state) {
        QElapsedTimer timer;
        timer.start();
        for (Eigen::Index t = 0; t < T; ++t) {
            const Eigen::Index s0 = t * hop - half;
            for (int n = 0; n < N; ++n) {
                const Eigen::Index s = s0 + n;
                buf[n] = (s >= 0 && s < L) ? x[s] * w[n] : 0.0f;
            }
            fftwf_execute(fwd);
            out = Eigen::Map<Eigen::ArrayXcf>(reinterpret_cast<std::complex<float>*>(spec), F).abs2();
            benchmark::DoNotOptimize(out.data());
        }
        total += timer.nsecsElapsed() * 1e-9;
    }
    record(state, "bare_fft", total);
    fftwf_destroy_plan(fwd);
    fftwf_free(buf);
    fftwf_free(spec);
}

// A 1920x1080 view of the 10-minute file, ready to scroll.
struct ScrollFixture {
    AudioView view;
    ScrollFixture() {
        writeTenMinuteFile();
        view.resize(1920, 1080);
        view.show();
        view.setAudio(std::make_shared<const Audio>(readAudio(kPath)));
        view.view()->setVisibleRange(100, 130);
        while (!view.isReady()) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
            QThread::usleep(200);
        }
    }
};

std::unique_ptr<ScrollFixture> scrollFixture;  // destroyed in main(), before the QApplication

ScrollFixture& fixture() {
    if (!scrollFixture) scrollFixture = std::make_unique<ScrollFixture>();
    return *scrollFixture;
}

void BM_SpectrogramPaneRepaintWhileScrolling(benchmark::State& state) {
    SpectrogramPane* pane = fixture().view.spectrogram();
    pane->resize(1920, 1080);
    QImage target(pane->size(), QImage::Format_RGB32);
    double total = 0;
    int step = 0;
    for (auto _ : state) {
        fixture().view.view()->scrollBy((step++ % 2 ? -1 : 1) * 0.25);
        QElapsedTimer timer;
        timer.start();
        pane->render(&target);
        total += timer.nsecsElapsed() * 1e-9;
    }
    record(state, "repaint", total);
    state.counters["pane_w"] = pane->width();
    state.counters["pane_h"] = pane->height();
}

void renderVisible(benchmark::State& state, double span, const std::string& name) {
    SpectrogramPane* pane = fixture().view.spectrogram();
    pane->resize(1920, 1080);
    const auto levels = pane->levels();
    const SpectrogramStyle style = pane->style();
    const QSize size = pane->plotRect().size();
    double total = 0, t0 = 0;
    for (auto _ : state) {
        QElapsedTimer timer;
        timer.start();
        QImage img = levels->render(t0, t0 + span, style, size);
        benchmark::DoNotOptimize(img.bits());
        total += timer.nsecsElapsed() * 1e-9;
        if (span < 600) t0 = std::fmod(t0 + span / 100, 600 - span);
    }
    record(state, name, total);
}

void BM_WorkerRenderVisible30s(benchmark::State& state) { renderVisible(state, 30, "render_30s"); }
void BM_WorkerRenderWholeFile(benchmark::State& state) { renderVisible(state, 600, "render_600s"); }

void BM_BaselineFillAndBlit1920x1080(benchmark::State& state) {
    QImage source(1920, 1080, QImage::Format_RGB32), target(1920, 1080, QImage::Format_RGB32);
    double total = 0;
    unsigned v = 0;
    for (auto _ : state) {
        QElapsedTimer timer;
        timer.start();
        source.fill(QColor::fromRgb(v++ & 0xffffff));
        QPainter p(&target);
        p.drawImage(0, 0, source);
        p.end();
        benchmark::DoNotOptimize(target.bits());
        total += timer.nsecsElapsed() * 1e-9;
    }
    record(state, "blit", total);
}

}  // namespace

BENCHMARK(BM_OpenTenMinutesToFirstView)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SpectrogramLevelsTenMinutes)->Iterations(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_BareFftLoopTenMinutes)->Iterations(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_BaselineFillAndBlit1920x1080)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SpectrogramPaneRepaintWhileScrolling)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_WorkerRenderVisible30s)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_WorkerRenderWholeFile)->Unit(benchmark::kMillisecond)->UseRealTime();

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    scrollFixture.reset();
    auto ms = [](const char* k) { return secondsPerIteration.count(k) ? secondsPerIteration[k] * 1e3 : NAN; };
    std::printf("\nSummary (10 min, 44.1 kHz stereo; STFT hann 2048 / 512; view 1920x1080)\n");
    std::printf("  open to first complete view  %8.1f ms  = %5.1f x bare FFT loop (%.1f ms)   target < 2000 ms\n", ms("open"),
                ms("open") / ms("bare_fft"), ms("bare_fft"));
    std::printf("  spectrogram levels (2 threads) %6.1f ms  = %5.1f x bare FFT loop (1 thread)\n", ms("levels"), ms("levels") / ms("bare_fft"));
    std::printf("  pane repaint while scrolling %8.2f ms  = %5.2f x QImage fill+blit (%.2f ms)  target < 16 ms\n", ms("repaint"),
                ms("repaint") / ms("blit"), ms("blit"));
    std::printf("  worker render, 30 s visible  %8.2f ms  = %5.2f x fill+blit\n", ms("render_30s"), ms("render_30s") / ms("blit"));
    std::printf("  worker render, whole file    %8.2f ms  = %5.2f x fill+blit\n", ms("render_600s"), ms("render_600s") / ms("blit"));
    std::printf("  peak RSS %.0f MB (target < 600 MB)\n", peakRssMb());
    std::fflush(stdout);
    return 0;
}
