// One STFT + iSTFT pass over 30 s at 44.1 kHz (Hann 2048 / hop 512) with phaselab::Stft, against a
// bare FFTW loop doing the same FFTs (window, r2c into a spectrogram; c2r, window, overlap-add,
// envelope normalisation) in the same process. The ratio counter is time / bare-loop time.
#include <benchmark/benchmark.h>

#include "bare_fftw_loop.h"
#include "ratio_reporter.h"

#include "core/io/audio.h"
#include "core/tf/stft.h"

namespace {

using namespace phaselab;

const Eigen::ArrayXf& music() {
    static const Eigen::ArrayXf x = readAudio(PHASELAB_SHARED_DIR "/testaudio/music_pbd_44k_mix.wav",
                                              ReadOptions{Channels::Mono}).data.col(0);
    return x;
}


void BM_BareFftwLoop(benchmark::State& state) {
    const Eigen::ArrayXf& x = music();
    bench::BareFftwLoop bare(x.size());
    Eigen::ArrayXf y;
    for (auto _ : state) {
        bare.pass(x, y);
        benchmark::DoNotOptimize(y.data());
    }
}

void BM_StftPass(benchmark::State& state) {
    const Eigen::ArrayXf& x = music();
    StftConfig c;  // hann 2048 / 512
    Stft stft(c, int(state.range(0)));
    Spectrogram S;
    Eigen::ArrayXf y;
    for (auto _ : state) {
        stft.analyse(x, S);
        stft.synthesise(S, x.size(), y);
        benchmark::DoNotOptimize(y.data());
    }
}

}  // namespace

BENCHMARK(BM_BareFftwLoop)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_StftPass)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->MinTime(2.0)->ArgName("threads");

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    phaselab::bench::RatioReporter reporter("BareFftwLoop");
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return 0;
}
