// Separation speed on the 30 s 44.1 kHz piano/bass/drums set (Hann 2048 / 512).
// - MISI (3 sources) against the bare cost it cannot avoid, measured in the same run: the same number
//   of STFT + inverse STFT passes (counter misi_over_bare; target <= 1.3).
// - Beta-NMF multiplicative-update iterations (W and H updated) at K = 30 on the mixture magnitude,
//   single-threaded: ms per iteration, the ratio to one W*H product measured in the same run, and the
//   speed-up over scikit-learn's 34 ms (KL) / 53 ms (IS) per iteration quoted in the issue.
#include <benchmark/benchmark.h>

#include <chrono>

#include "core/io/audio.h"
#include "core/nmf/beta_nmf.h"
#include "core/separation/magnitudes.h"
#include "core/separation/misi.h"

using namespace phaselab;
using namespace phaselab::separation;

namespace {

struct Data {
    SeparationInput input;
};

const Data& data() {
    static const Data d = [] {
        const std::string dir = std::string(PHASELAB_SHARED_DIR) + "/testaudio/music_pbd_44k_";
        std::vector<Eigen::ArrayXf> refs;
        for (const char* n : {"piano", "bass", "drums"}) refs.push_back(readAudio(dir + n + ".wav").mono());
        const Eigen::ArrayXf mix = readAudio(dir + "mix.wav").mono();
        StftConfig c;
        c.windowLength = 2048;
        c.hop = 512;
        return Data{makeInput(mix, c, oracleMagnitudes(refs, mix.size(), c))};
    }();
    return d;
}

double seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

void BM_MisiVsBarePasses(benchmark::State& state) {
    const SeparationInput& in = data().input;
    const int iterations = int(state.range(0));
    const int J = in.sources();
    MisiParams p;
    p.iterations = iterations;
    Stft stft(in.config);
    Spectrogram S;
    Eigen::ArrayXf y;
    double misi = 0, bare = 0;
    for (auto _ : state) {
        auto t0 = std::chrono::steady_clock::now();
        // MISI does (iterations + 1) rounds of J STFT + J iSTFT (the first round is the initialisation).
        for (int k = 0; k < (iterations + 1) * J; ++k) {
            stft.synthesise(in.mixtureStft, in.length(), y);
            stft.analyse(y, S);
        }
        benchmark::DoNotOptimize(S.data());
        auto t1 = std::chrono::steady_clock::now();
        const SeparationResult r = runMisi(in, p);
        benchmark::DoNotOptimize(r.waveforms[0].data());
        auto t2 = std::chrono::steady_clock::now();
        bare += seconds(t0, t1);
        misi += seconds(t1, t2);
        state.SetIterationTime(seconds(t1, t2));
    }
    state.counters["misi_over_bare"] = misi / bare;
    state.counters["ms_per_misi_iteration"] = 1e3 * misi / double(state.iterations()) / (iterations + 1);
}
BENCHMARK(BM_MisiVsBarePasses)->Arg(5)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_NmfIteration(benchmark::State& state) {
    const double beta = double(state.range(0));
    const nmf::Matrix V = data().input.mixtureStft.abs().matrix();
    nmf::BetaNmfParams p;
    p.components = 30;
    p.beta = beta;
    p.trackObjective = false;
    p.iterations = 0;
    const nmf::NmfResult start = nmf::betaNmf(V, p);
    p.iterations = 5;
    nmf::Matrix WH(V.rows(), V.cols());
    double nmfTime = 0, gemm = 0;
    for (auto _ : state) {
        auto t0 = std::chrono::steady_clock::now();
        WH.noalias() = start.W * start.H;
        benchmark::DoNotOptimize(WH.data());
        auto t1 = std::chrono::steady_clock::now();
        const nmf::NmfResult r = nmf::betaNmf(V, p, {}, &start.W, &start.H);
        benchmark::DoNotOptimize(r.H.data());
        auto t2 = std::chrono::steady_clock::now();
        gemm += seconds(t0, t1);
        nmfTime += seconds(t1, t2) / p.iterations;
        state.SetIterationTime(seconds(t1, t2) / p.iterations);
    }
    const double msPerIteration = 1e3 * nmfTime / double(state.iterations());
    state.counters["ms_per_iteration"] = msPerIteration;
    state.counters["iteration_over_one_WH"] = nmfTime / gemm;
    state.counters["speedup_vs_sklearn"] = (beta == 1 ? 34.0 : 53.0) / msPerIteration;
}
BENCHMARK(BM_NmfIteration)->Arg(1)->Arg(0)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
