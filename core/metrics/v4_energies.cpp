#include "core/metrics/v4_energies.h"

#include <algorithm>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "core/common/simd.h"

namespace phaselab::metrics {
namespace {

using Cplx = std::complex<double>;
using MapC = Eigen::Map<const Eigen::ArrayXcd>;

void addPortable(const WindowSpectra& in, bool withInterference, WindowEnergies& e) {
    constexpr Eigen::Index chunk = 256;
    Eigen::ArrayXcd P(chunk), Pj(chunk);
    for (Eigen::Index b0 = 0; b0 < in.bins; b0 += chunk) {
        const Eigen::Index n = std::min(chunk, in.bins - b0);
        auto p = P.head(n), pj = Pj.head(n);
        p = MapC(in.fa[0] + b0, n) * MapC(in.r[0] + b0, n);
        for (int k = 1; k < in.K; ++k) p += MapC(in.fa[k] + b0, n) * MapC(in.r[k] + b0, n);
        pj = MapC(in.faj[0] + b0, n) * MapC(in.rj[0] + b0, n);
        for (int c = 1; c < in.C; ++c) pj += MapC(in.faj[c] + b0, n) * MapC(in.rj[c] + b0, n);
        const Eigen::Map<const Eigen::ArrayXd> w(in.weight + b0, n);
        const MapC s(in.s + b0, n), est(in.est + b0, n);
        e.spat += (w * (pj - s).abs2()).sum();
        e.own += (w * pj.abs2()).sum();
        if (withInterference) e.interf += (w * (p - pj).abs2()).sum();
        e.proj += (w * p.abs2()).sum();
        e.artif += (w * (est - p).abs2()).sum();
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
// Two complex doubles per register, [re0 im0 re1 im1].
__attribute__((target("avx2,fma"))) inline __m256d complexMultiplyAdd(__m256d acc, __m256d a, __m256d b) {
    const __m256d aRe = _mm256_movedup_pd(a), aIm = _mm256_permute_pd(a, 0xF);
    const __m256d bSwapped = _mm256_permute_pd(b, 0x5);
    return _mm256_add_pd(acc, _mm256_fmaddsub_pd(aRe, b, _mm256_mul_pd(aIm, bSwapped)));
}

__attribute__((target("avx2,fma"))) inline __m256d weightedSquare(__m256d acc, __m256d w, __m256d d) {
    return _mm256_fmadd_pd(w, _mm256_mul_pd(d, d), acc);
}

__attribute__((target("avx2,fma"))) double horizontalSum(__m256d v) {
    const __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

__attribute__((target("avx2,fma"))) void addAvx2(const WindowSpectra& in, bool withInterference, WindowEnergies& e) {
    const auto* fa = reinterpret_cast<const double* const*>(in.fa);
    const auto* r = reinterpret_cast<const double* const*>(in.r);
    const auto* faj = reinterpret_cast<const double* const*>(in.faj);
    const auto* rj = reinterpret_cast<const double* const*>(in.rj);
    const auto* s = reinterpret_cast<const double*>(in.s);
    const auto* est = reinterpret_cast<const double*>(in.est);
    __m256d spat = _mm256_setzero_pd(), own = spat, interf = spat, proj = spat, artif = spat;
    Eigen::Index b = 0;
    for (; b + 2 <= in.bins; b += 2) {
        const Eigen::Index o = 2 * b;
        __m256d p = _mm256_setzero_pd(), pj = p;
        for (int k = 0; k < in.K; ++k) p = complexMultiplyAdd(p, _mm256_loadu_pd(fa[k] + o), _mm256_loadu_pd(r[k] + o));
        for (int c = 0; c < in.C; ++c) pj = complexMultiplyAdd(pj, _mm256_loadu_pd(faj[c] + o), _mm256_loadu_pd(rj[c] + o));
        const __m128d w2 = _mm_loadu_pd(in.weight + b);
        const __m256d w = _mm256_permute4x64_pd(_mm256_castpd128_pd256(w2), 0x50);  // [w0 w0 w1 w1]
        spat = weightedSquare(spat, w, _mm256_sub_pd(pj, _mm256_loadu_pd(s + o)));
        own = weightedSquare(own, w, pj);
        interf = weightedSquare(interf, w, _mm256_sub_pd(p, pj));
        proj = weightedSquare(proj, w, p);
        artif = weightedSquare(artif, w, _mm256_sub_pd(_mm256_loadu_pd(est + o), p));
    }
    e.spat += horizontalSum(spat);
    e.own += horizontalSum(own);
    if (withInterference) e.interf += horizontalSum(interf);
    e.proj += horizontalSum(proj);
    e.artif += horizontalSum(artif);
    if (b < in.bins) {
        WindowSpectra tail = in;
        const Cplx* fat[64];
        const Cplx* rt[64];
        const Cplx* fajt[64];
        const Cplx* rjt[64];
        for (int k = 0; k < in.K; ++k) fat[k] = in.fa[k] + b, rt[k] = in.r[k] + b;
        for (int c = 0; c < in.C; ++c) fajt[c] = in.faj[c] + b, rjt[c] = in.rj[c] + b;
        tail.fa = fat, tail.r = rt, tail.faj = fajt, tail.rj = rjt;
        tail.s = in.s + b, tail.est = in.est + b, tail.weight = in.weight + b, tail.bins = in.bins - b;
        addPortable(tail, withInterference, e);
    }
}
#endif

}  // namespace

void addWindowEnergies(const WindowSpectra& in, bool withInterference, WindowEnergies& e) {
#if defined(__x86_64__) && defined(__GNUC__)
    if (usingAvx2() && in.K <= 64 && in.C <= 64) return addAvx2(in, withInterference, e);
#endif
    addPortable(in, withInterference, e);
}

}  // namespace phaselab::metrics
