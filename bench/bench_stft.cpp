// One STFT + iSTFT pass over 30 s at 44.1 kHz (Hann 2048 / hop 512) with phaselab::Stft, against a
// bare FFTW loop doing the same FFTs (window, r2c into a spectrogram; c2r, window, overlap-add,
// envelope normalisation) in the same process. The ratio counter is time / bare-loop time.
#include <benchmark/benchmark.h>

#include "ratio_reporter.h"
#include <fftw3.h>

#include <cmath>
#include <complex>

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
    const int N = 2048, hop = 512, F = N / 2 + 1, half = N / 2;
    const Eigen::Index L = x.size(), T = 1 + L / hop;
    const Eigen::ArrayXf w = makeWindow(WindowType::Hann, N);
    float* buf = fftwf_alloc_real(N);
    fftwf_complex* spec = fftwf_alloc_complex(F);
    fftwf_plan fwd = fftwf_plan_dft_r2c_1d(N, buf, spec, FFTW_MEASURE);
    fftwf_plan inv = fftwf_plan_dft_c2r_1d(N, spec, buf, FFTW_MEASURE);
    Eigen::ArrayXcf S(F, T);
    Eigen::ArrayXf acc(L + N + hop), env = Eigen::ArrayXf::Zero(L + N + hop), y(L);
    for (Eigen::Index t = 0; t < T; ++t) env.segment(t * hop, N) += w.square();
    const Eigen::ArrayXf envInv = 1.0f / (env.segment(half, L) * float(N));
    for (auto _ : state) {
        for (Eigen::Index t = 0; t < T; ++t) {
            const Eigen::Index s0 = t * hop - half;
            for (int n = 0; n < N; ++n) {
                const Eigen::Index s = s0 + n;
                buf[n] = (s >= 0 && s < L) ? x[s] * w[n] : 0.0f;
            }
            fftwf_execute(fwd);
            std::copy_n(reinterpret_cast<std::complex<float>*>(spec), F, S.col(t).data());
        }
        acc.setZero();
        for (Eigen::Index t = 0; t < T; ++t) {
            std::copy_n(S.col(t).data(), F, reinterpret_cast<std::complex<float>*>(spec));
            fftwf_execute(inv);
            for (int n = 0; n < N; ++n) acc[t * hop + n] += buf[n] * w[n];
        }
        y = acc.segment(half, L) * envInv;
        benchmark::DoNotOptimize(y.data());
    }
    fftwf_destroy_plan(fwd);
    fftwf_destroy_plan(inv);
    fftwf_free(buf);
    fftwf_free(spec);
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
