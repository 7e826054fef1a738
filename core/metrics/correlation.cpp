#include "core/metrics/correlation.h"

#include <algorithm>
#include <exception>
#include <complex>
#include <thread>

#include "core/common/error.h"

namespace phaselab::metrics {
namespace {

using Cplx = std::complex<double>;

}  // namespace

int nextPow2(Eigen::Index n) {
    int p = 1;
    while (p < n) p <<= 1;
    return p;
}

int nextFastFftSize(Eigen::Index n) {
    for (Eigen::Index m = std::max<Eigen::Index>(2, n + (n & 1));; m += 2) {
        Eigen::Index r = m;
        for (int f : {2, 3, 5, 7})
            while (r % f == 0) r /= f;
        if (r == 1) return int(m);
    }
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
            // FFTW's r2c keeps its input: the zero tail of a block's buffer stays zero between blocks.
            AlignedBuffer<double> segIn(static_cast<std::size_t>(M)), blkIn(static_cast<std::size_t>(M));
            std::fill(blkIn.data(), blkIn.data() + M, 0.0);
            Eigen::ArrayXXcd seg(bins, K), blk(bins, (withRefPairs ? K : 0) + E);
            Eigen::ArrayXXcd& a = acc[std::size_t(t)];
            auto transformSegment = [&](const double* x, Eigen::Index from, Cplx* dst) {
                const Eigen::Index lo = std::max<Eigen::Index>(from, 0), hi = std::min<Eigen::Index>(from + M, length);
                if (lo > from || hi < from + M) std::fill(segIn.data(), segIn.data() + M, 0.0);
                if (hi > lo) std::copy(x + lo, x + hi, segIn.data() + (lo - from));
                fft.forward(segIn.data(), dst);
            };
            auto transformBlock = [&](const double* x, Eigen::Index from, Cplx* dst) {
                const Eigen::Index n = std::min(B, length - from);
                std::copy(x + from, x + from + n, blkIn.data());
                if (n < B) std::fill(blkIn.data() + n, blkIn.data() + B, 0.0);
                fft.forward(blkIn.data(), dst);
            };
            for (Eigen::Index b = t; b < numBlocks; b += threads) {
                if (t == 0) {
                    run.checkCancel();
                    run.report(double(b) / double(numBlocks), "correlations");
                } else if (run.cancelled()) {
                    return;
                }
                const Eigen::Index start = b * B;
                for (int k = 0; k < K; ++k) transformSegment(refs[k], start - (L - 1), seg.col(k).data());
                int col = 0;
                if (withRefPairs)
                    for (int k = 0; k < K; ++k) transformBlock(refs[k], start, blk.col(col++).data());
                for (int e = 0; e < E; ++e) transformBlock(others[e], start, blk.col(col++).data());
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
    AlignedBuffer<Cplx> spec(static_cast<std::size_t>(bins));
    AlignedBuffer<double> time(static_cast<std::size_t>(M));
    auto lags = [&](int c) {
        std::copy(acc[0].col(c).data(), acc[0].col(c).data() + bins, spec.data());
        fft.inverse(spec.data(), time.data());
        // corr[m'] with m' = m + (L - 1) for the lag m, since segments start L - 1 before blocks
        return Eigen::ArrayXd(Eigen::Map<Eigen::ArrayXd>(time.data(), 2 * L - 1) / double(M));
    };
    for (int c = 0; c < numPairs; ++c) r.refPairs.push_back(lags(c));
    for (int c = numPairs; c < numAcc; ++c) r.cross.push_back(lags(c));
    return r;
}

}  // namespace phaselab::metrics
