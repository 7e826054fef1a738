// BSS Eval speed on the case: bss_eval_sources with permutation search, 30 s, 3 sources,
// 44.1 kHz (music_pbd_44k; estimates 0.8 s_j + 0.2 s_{j+1} + dither, given in reverse order).
// Baseline in the same run: a straightforward port of mir_eval's algorithm (per estimate and per
// permutation candidate: Gram rebuilt from full-length FFTs, LU solve, projections synthesised by
// FFT convolution). Counters: speedup = baseline seconds / this benchmark's seconds.
// (Measured elsewhere on this machine, per the issue: mir_eval 13.1 s, fast_bss_eval 2.6 s.)

#include <benchmark/benchmark.h>

#include <Eigen/LU>
#include <chrono>
#include <cmath>
#include <complex>

#include "core/io/audio.h"
#include "core/metrics/bss_eval.h"
#include "core/metrics/correlation.h"

using namespace phaselab;
using namespace phaselab::metrics;

namespace {

struct Case {
    std::vector<Signal> refs, ests;
};

const Case& data() {
    static const Case c = [] {
        Case k;
        for (const char* part : {"piano", "bass", "drums"}) {
            const Audio a = readAudio(std::string(PHASELAB_SHARED_DIR) + "/testaudio/music_pbd_44k_" + part + ".wav");
            k.refs.push_back(a.data.col(0).cast<double>());
        }
        const int J = int(k.refs.size());
        for (int j = J - 1; j >= 0; --j) {
            Signal e(k.refs[0].rows(), 1);
            for (Eigen::Index n = 0; n < e.rows(); ++n)
                e(n, 0) = 0.8 * k.refs[j](n, 0) + 0.2 * k.refs[(j + 1) % J](n, 0) +
                          0.01 * (double((n * 7919 + 31 * j) % 101) / 101 - 0.5);
            k.ests.push_back(e);
        }
        return k;
    }();
    return c;
}

// --- straightforward implementation (mir_eval's algorithm, no reuse) ---
Eigen::ArrayXd project(const std::vector<const Signal*>& refs, const Signal& est, int L) {
    const Eigen::Index N = est.rows();
    const int K = int(refs.size());
    const RealFftD fft(nextPow2(N + L - 1));
    const int M = fft.size(), bins = fft.bins();
    Eigen::ArrayXXcd sf(bins, K);
    Eigen::ArrayXcd sef(bins), spec(bins);
    Eigen::ArrayXd buf(M);
    for (int k = 0; k < K; ++k) {
        buf.setZero();
        buf.head(N) = refs[std::size_t(k)]->col(0);
        fft.forward(buf.data(), sf.col(k).data());
    }
    buf.setZero();
    buf.head(N) = est.col(0);
    fft.forward(buf.data(), sef.data());
    Eigen::MatrixXd G(K * L, K * L);
    Eigen::VectorXd D(K * L);
    for (int i = 0; i < K; ++i) {
        for (int j = 0; j < K; ++j) {
            spec = sf.col(i) * sf.col(j).conjugate();
            fft.inverse(spec.data(), buf.data());
            buf /= M;
            for (int a = 0; a < L; ++a)
                for (int b = 0; b < L; ++b) G(i * L + a, j * L + b) = b >= a ? buf(b - a) : buf(M - (a - b));
        }
        spec = sf.col(i) * sef.conjugate();
        fft.inverse(spec.data(), buf.data());
        buf /= M;
        for (int t = 0; t < L; ++t) D(i * L + t) = t == 0 ? buf(0) : buf(M - t);
    }
    const Eigen::VectorXd C = G.partialPivLu().solve(D);
    Eigen::ArrayXcd acc = Eigen::ArrayXcd::Zero(bins);
    for (int k = 0; k < K; ++k) {
        buf.setZero();
        buf.head(L) = C.segment(k * L, L).array();
        fft.forward(buf.data(), spec.data());
        acc += spec * sf.col(k);
    }
    fft.inverse(acc.data(), buf.data());
    return buf.head(N + L - 1) / double(M);
}

double db(double n, double d) { return d == 0 ? INFINITY : 10 * std::log10(n / d); }

std::vector<int> naiveSources(const std::vector<Signal>& refs, const std::vector<Signal>& ests, Eigen::ArrayXd& sdrOut) {
    const int J = int(refs.size()), L = 512;
    const Eigen::Index N = refs[0].rows();
    std::vector<const Signal*> all;
    for (const auto& r : refs) all.push_back(&r);
    Eigen::ArrayXXd sdr(J, J), sir(J, J);
    for (int e = 0; e < J; ++e)
        for (int j = 0; j < J; ++j) {
            const Eigen::ArrayXd pj = project({&refs[std::size_t(j)]}, ests[std::size_t(e)], L);
            const Eigen::ArrayXd p = project(all, ests[std::size_t(e)], L);
            Eigen::ArrayXd est = Eigen::ArrayXd::Zero(N + L - 1);
            est.head(N) = ests[std::size_t(e)].col(0);
            sdr(e, j) = db(pj.square().sum(), (est - pj).square().sum());
            sir(e, j) = db(pj.square().sum(), (p - pj).square().sum());
        }
    const std::vector<int> perm = bestPermutation(sir);
    sdrOut.resize(J);
    for (int j = 0; j < J; ++j) sdrOut(j) = sdr(perm[std::size_t(j)], j);
    return perm;
}

double gNaiveSeconds = 0;
Eigen::ArrayXd gNaiveSdr;

void BM_SourcesPermutation_Straightforward(benchmark::State& state) {
    const Case& c = data();
    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        benchmark::DoNotOptimize(naiveSources(c.refs, c.ests, gNaiveSdr));
        gNaiveSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    state.counters["seconds"] = gNaiveSeconds;
}

void BM_SourcesPermutation(benchmark::State& state) {
    const Case& c = data();
    BssParams p;
    p.threads = int(state.range(0));
    BssResult r;
    double best = 1e30;
    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        r = bssEvalSources(c.refs, c.ests, p);
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    state.counters["seconds_best"] = best;
    if (gNaiveSeconds > 0) {
        state.counters["speedup_vs_straightforward"] = gNaiveSeconds / best;
        state.counters["max_abs_sdr_diff_db"] = (r.sdr - gNaiveSdr).abs().maxCoeff();
    }
}

void BM_Framewise(benchmark::State& state) {
    const Case& c = data();
    BssParams p;
    p.permutation = false;
    std::vector<Signal> ests(c.ests.rbegin(), c.ests.rend());
    for (auto _ : state)
        benchmark::DoNotOptimize(bssEvalFramewise(c.refs, ests, 44100 * 5, 44100 * 5 / 2, FramewiseKind::Sources, p));
}

void BM_V4(benchmark::State& state) {
    const Case& c = data();
    std::vector<Signal> ests(c.ests.rbegin(), c.ests.rend());
    for (auto _ : state) benchmark::DoNotOptimize(bssEvalV4(c.refs, ests, 44100, 44100));
}

}  // namespace

BENCHMARK(BM_SourcesPermutation_Straightforward)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SourcesPermutation)->Arg(2)->Arg(1)->Iterations(5)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Framewise)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_V4)->Iterations(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_MAIN();
