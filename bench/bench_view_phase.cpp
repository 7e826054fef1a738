// The phase pane on a long file (issue 6 target: a redraw while scrolling a 10-minute file under
// 16 ms at 1920x1080):
//  - repaint of the pane while scrolling (paintEvent: the last image stretched to the new view,
//    overlays and legend), for the centred-phase view of 20 s of a 10-minute 44.1 kHz file;
//  - the background job a scroll step starts (STFT of the visible frames + centred phase or kappa +
//    render), measured until the pane is up to date;
//  baseline: QImage fill + QPainter blit of the same size, in the same run.
// Prints ratio counters; asserts nothing.
#include <benchmark/benchmark.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QPainter>
#include <QThread>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>

#include "widgets/phase_map_pane.h"
#include "widgets/view_manager.h"

namespace {

using namespace phaselab;

const double kRate = 44100;
std::map<std::string, double> msPerIteration;

struct Fixture {
    ViewManager view;
    PhaseMapPane pane{&view};
    Fixture() {
        const Eigen::Index n = Eigen::Index(600 * kRate);
        auto x = std::make_shared<Eigen::ArrayXf>(n);
        std::mt19937 g(1);
        std::normal_distribution<float> noise(0.0f, 0.01f);
        for (Eigen::Index i = 0; i < n; ++i)
            (*x)(i) = noise(g) + float(0.2 * std::sin(2 * M_PI * 220.0 * double(i) / kRate) +
                                       0.1 * std::sin(2 * M_PI * 661.0 * double(i) / kRate));
        view.reset(600, kRate / 2);
        view.setVisibleRange(100, 120);
        pane.resize(1920, 1080);
        pane.show();
        pane.setStftConfig(StftConfig{WindowType::Hann, 2048, 512});
        pane.setKind(PhaseMapPane::Kind::Centred);
        pane.setSignal(x, kRate);
        waitUpToDate();
    }
    void waitUpToDate() {
        while (!pane.isUpToDate()) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
            QThread::usleep(100);
        }
    }
};
std::unique_ptr<Fixture> fixture;
Fixture& f() {
    if (!fixture) fixture = std::make_unique<Fixture>();
    return *fixture;
}

void BM_PhasePaneRepaintWhileScrolling(benchmark::State& state) {
    QImage target(f().pane.size(), QImage::Format_RGB32);
    double total = 0;
    int step = 0;
    for (auto _ : state) {
        f().view.scrollBy((step++ % 2 ? -1 : 1) * 0.25);  // the job restarts; paint stretches the last image
        QElapsedTimer timer;
        timer.start();
        f().pane.render(&target);
        total += double(timer.nsecsElapsed()) * 1e-6;
    }
    msPerIteration["repaint"] = total / double(state.iterations());
    f().waitUpToDate();
}

void scrollJob(benchmark::State& state, PhaseMapPane::Kind kind, const char* name) {
    f().pane.setKind(kind);
    f().waitUpToDate();
    double total = 0;
    int step = 0;
    for (auto _ : state) {
        QElapsedTimer timer;
        timer.start();
        f().view.scrollBy((step++ % 2 ? -1 : 1) * 1.0);
        f().waitUpToDate();
        total += double(timer.nsecsElapsed()) * 1e-6;
    }
    msPerIteration[name] = total / double(state.iterations());
}
void BM_ScrollStepCentredPhaseJob(benchmark::State& state) { scrollJob(state, PhaseMapPane::Kind::Centred, "job_centred"); }
void BM_ScrollStepKappaJob(benchmark::State& state) { scrollJob(state, PhaseMapPane::Kind::Kappa, "job_kappa"); }

void BM_BaselineFillAndBlit(benchmark::State& state) {
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
        total += double(timer.nsecsElapsed()) * 1e-6;
    }
    msPerIteration["blit"] = total / double(state.iterations());
}

}  // namespace

BENCHMARK(BM_BaselineFillAndBlit)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_PhasePaneRepaintWhileScrolling)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ScrollStepCentredPhaseJob)->Iterations(10)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ScrollStepKappaJob)->Iterations(10)->Unit(benchmark::kMillisecond)->UseRealTime();

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    fixture.reset();
    auto ms = [](const char* k) { return msPerIteration.count(k) ? msPerIteration[k] : NAN; };
    std::printf("\nSummary (10 min, 44.1 kHz; 20 s visible; STFT hann 2048 / 512; pane 1920x1080)\n");
    std::printf("  phase pane repaint while scrolling %7.2f ms = %5.2f x QImage fill+blit (%.2f ms)   target < 16 ms\n",
                ms("repaint"), ms("repaint") / ms("blit"), ms("blit"));
    std::printf("  background job per scroll step: centred phase %7.1f ms, kappa %7.1f ms (off the GUI thread)\n",
                ms("job_centred"), ms("job_kappa"));
    return 0;
}
