#include "core/metrics/correlation.h"

#include <fftw3.h>

#include <algorithm>
#include <exception>
#include <complex>
#include <map>
#include <mutex>
#include <thread>

#include "core/common/error.h"

namespace phaselab::metrics {
namespace {

struct Plans {
    fftw_plan forward = nullptr;
    fftw_plan inverse = nullptr;
};

Plans plansFor(int n) {
    static std::mutex mutex;
    static std::map<int, Plans> cache;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = cache.find(n);
    if (it != cache.end()) return it->second;
    double* r = fftw_alloc_real(std::size_t(n));
    fftw_complex* c = fftw_alloc_complex(std::size_t(n / 2 + 1));
    Plans p;
    p.forward = fftw_plan_dft_r2c_1d(n, r, c, FFTW_ESTIMATE);
    p.inverse = fftw_plan_dft_c2r_1d(n, c, r, FFTW_ESTIMATE);
    fftw_free(r);
    fftw_free(c);
    if (!p.forward || !p.inverse) throw Error("FFTW could not plan a transform of size " + std::to_string(n));
    cache.emplace(n, p);
    return p;
}

template <typename T>
struct FftwArray {
    explicit FftwArray(std::size_t n) : p(static_cast<T*>(fftw_malloc(sizeof(T) * std::max<std::size_t>(n, 1)))) {
        if (!p) throw std::bad_alloc();
    }
    ~FftwArray() { fftw_free(p); }
    FftwArray(const FftwArray&) = delete;
    FftwArray& operator=(const FftwArray&) = delete;
    T* p;
};

using Cplx = std::complex<double>;

}  // namespace

int nextPow2(Eigen::Index n) {
    int p = 1;
    while (p < n) p <<= 1;
    return p;
}

RealFftD::RealFftD(int n) : n_(n) {
    if (n < 2 || n % 2) throw InputError("FFT size must be even and at least 2, got " + std::to_string(n));
    const Plans p = plansFor(n);
    f_ = p.forward;
    i_ = p.inverse;
}

void RealFftD::forward(double* in, std::complex<double>* out) const {
    fftw_execute_dft_r2c(static_cast<fftw_plan>(f_), in, reinterpret_cast<fftw_complex*>(out));
}

void RealFftD::inverse(std::complex<double>* in, double* out) const {
    fftw_execute_dft_c2r(static_cast<fftw_plan>(i_), reinterpret_cast<fftw_complex*>(in), out);
}

LagCorrelations lagCorrelations(const std::vector<const double*>& refs, const std::vector<const double*>& others,
                                Eigen::Index length, int filterLength, bool withRefPairs, int threads,
                                const RunControl& run) {
    const int K = int(refs.size());
    const int E = int(others.size());
    const int L = filterLength;
    if (L < 1) throw InputError("filter length must be at least 1");
    const Eigen::Index span = 2 * Eigen::Index(L) - 2;  // extra samples a segment needs around its block
    const int cap = std::max(8192, nextPow2(4 * Eigen::Index(L)));
    const int M = std::max(2, std::min(cap, nextPow2(length + span)));
    const Eigen::Index B = M - span;  // block length
    const Eigen::Index numBlocks = (length + B - 1) / B;
    const int bins = M / 2 + 1;
    const RealFftD fft(M);
    const int numPairs = withRefPairs ? K * (K + 1) / 2 : 0;
    const int numAcc = numPairs + K * E;

    threads = int(std::max<Eigen::Index>(1, std::min<Eigen::Index>(threads, numBlocks)));
    std::vector<Eigen::ArrayXXcd> acc(std::size_t(threads), Eigen::ArrayXXcd::Zero(bins, numAcc));
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(threads));

    auto work = [&](int t) {
        try {
            FftwArray<double> in{static_cast<std::size_t>(M)};
            FftwArray<Cplx> out{static_cast<std::size_t>(bins)};
            Eigen::ArrayXXcd seg(bins, K), blk(bins, (withRefPairs ? K : 0) + E);
            Eigen::ArrayXXcd& a = acc[std::size_t(t)];
            auto transform = [&](const double* x, Eigen::Index from, Eigen::Index count, Cplx* dst) {
                std::fill(in.p, in.p + M, 0.0);
                const Eigen::Index lo = std::max<Eigen::Index>(from, 0), hi = std::min(from + count, length);
                if (hi > lo) std::copy(x + lo, x + hi, in.p + (lo - from));
                fft.forward(in.p, out.p);
                std::copy(out.p, out.p + bins, dst);
            };
            for (Eigen::Index b = t; b < numBlocks; b += threads) {
                if (t == 0) {
                    run.checkCancel();
                    run.report(double(b) / double(numBlocks), "correlations");
                } else if (run.cancelled()) {
                    return;
                }
                const Eigen::Index start = b * B;
                for (int k = 0; k < K; ++k) transform(refs[k], start - (L - 1), B + span, seg.col(k).data());
                int col = 0;
                if (withRefPairs)
                    for (int k = 0; k < K; ++k) transform(refs[k], start, B, blk.col(col++).data());
                for (int e = 0; e < E; ++e) transform(others[e], start, B, blk.col(col++).data());
                int p = 0;
                if (withRefPairs)
                    for (int i = 0; i < K; ++i)
                        for (int j = i; j < K; ++j) a.col(p++) += seg.col(i) * blk.col(j).conjugate();
                const int o = withRefPairs ? K : 0;
                for (int i = 0; i < K; ++i)
                    for (int e = 0; e < E; ++e) a.col(p++) += seg.col(i) * blk.col(o + e).conjugate();
            }
        } catch (...) {
            errors[std::size_t(t)] = std::current_exception();
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
    run.checkCancel();

    for (int t = 1; t < threads; ++t) acc[0] += acc[std::size_t(t)];
    LagCorrelations r;
    r.filterLength = L;
    r.numRefs = K;
    r.numOthers = E;
    FftwArray<Cplx> spec{static_cast<std::size_t>(bins)};
    FftwArray<double> time{static_cast<std::size_t>(M)};
    auto lags = [&](int c) {
        std::copy(acc[0].col(c).data(), acc[0].col(c).data() + bins, spec.p);
        fft.inverse(spec.p, time.p);
        // corr[m'] with m' = m + (L - 1) for the lag m, since segments start L - 1 before blocks
        return Eigen::ArrayXd(Eigen::Map<Eigen::ArrayXd>(time.p, 2 * L - 1) / double(M));
    };
    for (int c = 0; c < numPairs; ++c) r.refPairs.push_back(lags(c));
    for (int c = numPairs; c < numAcc; ++c) r.cross.push_back(lags(c));
    return r;
}

}  // namespace phaselab::metrics
