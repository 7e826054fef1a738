#include "core/nmf/gemm_kernels.h"

#include <Eigen/Core>
#include <algorithm>
#include <cstdlib>
#include <utility>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define PHASELAB_X86 1
#endif

namespace phaselab::nmf::kernels {
namespace {

using CMap = Eigen::Map<const Eigen::MatrixXf>;
using Map = Eigen::Map<Eigen::MatrixXf>;

// r = v / (wh + tiny); with q: q = 1 / (wh + tiny), r = v q^2 (the portable form and the vector tails).
void ratiosScalar(const float* v, const float* wh, float* r, float* q, std::size_t n, float tiny) {
    for (std::size_t i = 0; i < n; ++i) {
        const float b = wh[i] + tiny;
        if (q) {
            q[i] = 1.0f / b;
            r[i] = v[i] * (q[i] * q[i]);
        } else {
            r[i] = v[i] / b;
        }
    }
}

// Calls Fn<width>::run(args...) for a run-time width in 1 ... Max (the tail after the widest blocks).
template <int Max, template <int> class Fn, class... Args>
void byWidth(int width, Args... args) {
    [&]<int... W>(std::integer_sequence<int, W...>) {
        ((width == W + 1 ? Fn<W + 1>::run(args...) : void()), ...);
    }(std::make_integer_sequence<int, Max>{});
}

#ifdef PHASELAB_X86
#define AVX2 __attribute__((target("avx2,fma")))

AVX2 inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

// Register budget: AVX2 has 16 ymm registers, so every micro-kernel keeps at most 12
// accumulators plus its operands.

// C(i0:i0+16, j0:j0+NC) = A(i0:i0+16, :) B(:, j0:j0+NC)
template <int NC>
AVX2 void nnBlock(const float* A, const float* B, float* C, int m, int k, int i0, int j0) {
    __m256 acc0[NC], acc1[NC];
    #pragma GCC unroll 16
    for (int c = 0; c < NC; ++c) acc0[c] = acc1[c] = _mm256_setzero_ps();
    for (int p = 0; p < k; ++p) {
        const float* a = A + std::size_t(p) * m + i0;
        const __m256 a0 = _mm256_loadu_ps(a), a1 = _mm256_loadu_ps(a + 8);
        #pragma GCC unroll 16
        for (int c = 0; c < NC; ++c) {
            const __m256 b = _mm256_broadcast_ss(B + p + std::size_t(j0 + c) * k);
            acc0[c] = _mm256_fmadd_ps(a0, b, acc0[c]);
            acc1[c] = _mm256_fmadd_ps(a1, b, acc1[c]);
        }
    }
    #pragma GCC unroll 16
    for (int c = 0; c < NC; ++c) {
        _mm256_storeu_ps(C + std::size_t(j0 + c) * m + i0, acc0[c]);
        _mm256_storeu_ps(C + std::size_t(j0 + c) * m + i0 + 8, acc1[c]);
    }
}

template <int NC>
AVX2 void nnColumns(const float* A, const float* B, float* C, int m, int k, int j0) {
    const int mFull = m / 16 * 16;
    for (int i0 = 0; i0 < mFull; i0 += 16) nnBlock<NC>(A, B, C, m, k, i0, j0);
    for (int j = j0; j < j0 + NC; ++j)
        for (int i = mFull; i < m; ++i) {
            float s = 0;
            for (int p = 0; p < k; ++p) s += A[i + std::size_t(p) * m] * B[p + std::size_t(j) * k];
            C[i + std::size_t(j) * m] = s;
        }
}

template <int NC>
struct NnColumns {
    AVX2 static void run(const float* A, const float* B, float* C, int m, int k, int j0) { nnColumns<NC>(A, B, C, m, k, j0); }
};

AVX2 void gemmNNAvx(const float* A, const float* B, float* C, int m, int k, int n) {
    int j0 = 0;
    for (; j0 + 6 <= n; j0 += 6) nnColumns<6>(A, B, C, m, k, j0);
    if (j0 < n) byWidth<5, NnColumns>(n - j0, A, B, C, m, k, j0);
}

// C(p0:p0+NP, j0:j0+NJ) = A(:, p0:p0+NP)^T B(:, j0:j0+NJ)
template <int NP, int NJ>
AVX2 void tnBlock(const float* A, const float* B, float* C, int m, int k, int p0, int j0) {
    __m256 acc[NP][NJ];
    #pragma GCC unroll 16
    for (int p = 0; p < NP; ++p)
        #pragma GCC unroll 16
        for (int j = 0; j < NJ; ++j) acc[p][j] = _mm256_setzero_ps();
    const int mFull = m / 8 * 8;
    for (int i = 0; i < mFull; i += 8) {
        __m256 bv[NJ];
        #pragma GCC unroll 16
        for (int j = 0; j < NJ; ++j) bv[j] = _mm256_loadu_ps(B + std::size_t(j0 + j) * m + i);
        #pragma GCC unroll 16
        for (int p = 0; p < NP; ++p) {
            const __m256 a = _mm256_loadu_ps(A + std::size_t(p0 + p) * m + i);
            #pragma GCC unroll 16
            for (int j = 0; j < NJ; ++j) acc[p][j] = _mm256_fmadd_ps(a, bv[j], acc[p][j]);
        }
    }
    #pragma GCC unroll 16
    for (int p = 0; p < NP; ++p)
        #pragma GCC unroll 16
        for (int j = 0; j < NJ; ++j) {
            float s = hsum(acc[p][j]);
            const float* a = A + std::size_t(p0 + p) * m;
            const float* b = B + std::size_t(j0 + j) * m;
            for (int i = mFull; i < m; ++i) s += a[i] * b[i];
            C[p0 + p + std::size_t(j0 + j) * k] = s;
        }
}

template <int NJ>
AVX2 void tnColumns(const float* A, const float* B, float* C, int m, int k, int j0) {
    int p0 = 0;
    for (; p0 + 4 <= k; p0 += 4) tnBlock<4, NJ>(A, B, C, m, k, p0, j0);
    switch (k - p0) {
        case 3: tnBlock<3, NJ>(A, B, C, m, k, p0, j0); break;
        case 2: tnBlock<2, NJ>(A, B, C, m, k, p0, j0); break;
        case 1: tnBlock<1, NJ>(A, B, C, m, k, p0, j0); break;
        default: break;
    }
}

AVX2 void gemmTNAvx(const float* A, const float* B, float* C, int m, int k, int n) {
    int j0 = 0;
    for (; j0 + 3 <= n; j0 += 3) tnColumns<3>(A, B, C, m, k, j0);
    for (; j0 < n; ++j0) tnColumns<1>(A, B, C, m, k, j0);
}

// C(i0:i0+16, p0:p0+NP) += A(i0:i0+16, j0:j1) B(p0:p0+NP, j0:j1)^T
template <int NP>
AVX2 void ntBlock(const float* A, const float* B, float* C, int m, int k, int i0, int p0, int j0, int j1) {
    __m256 acc0[NP], acc1[NP];
    #pragma GCC unroll 16
    for (int p = 0; p < NP; ++p) {
        acc0[p] = _mm256_loadu_ps(C + std::size_t(p0 + p) * m + i0);
        acc1[p] = _mm256_loadu_ps(C + std::size_t(p0 + p) * m + i0 + 8);
    }
    for (int j = j0; j < j1; ++j) {
        const float* a = A + std::size_t(j) * m + i0;
        const __m256 a0 = _mm256_loadu_ps(a), a1 = _mm256_loadu_ps(a + 8);
        #pragma GCC unroll 16
        for (int p = 0; p < NP; ++p) {
            const __m256 b = _mm256_broadcast_ss(B + p0 + p + std::size_t(j) * k);
            acc0[p] = _mm256_fmadd_ps(a0, b, acc0[p]);
            acc1[p] = _mm256_fmadd_ps(a1, b, acc1[p]);
        }
    }
    #pragma GCC unroll 16
    for (int p = 0; p < NP; ++p) {
        _mm256_storeu_ps(C + std::size_t(p0 + p) * m + i0, acc0[p]);
        _mm256_storeu_ps(C + std::size_t(p0 + p) * m + i0 + 8, acc1[p]);
    }
}

AVX2 void gemmNTAvx(const float* A, const float* B, float* C, int m, int n, int k, bool accumulate) {
    if (!accumulate) std::fill(C, C + std::size_t(m) * k, 0.0f);
    const int mFull = m / 16 * 16;
    constexpr int panel = 64;  // columns of A kept in cache while all of C is updated
    for (int j0 = 0; j0 < n; j0 += panel) {
        const int j1 = std::min(n, j0 + panel);
        for (int i0 = 0; i0 < mFull; i0 += 16) {
            int p0 = 0;
            for (; p0 + 6 <= k; p0 += 6) ntBlock<6>(A, B, C, m, k, i0, p0, j0, j1);
            for (; p0 < k; ++p0) ntBlock<1>(A, B, C, m, k, i0, p0, j0, j1);
        }
        for (int p = 0; p < k; ++p)
            for (int i = mFull; i < m; ++i) {
                float s = 0;
                for (int j = j0; j < j1; ++j) s += A[i + std::size_t(j) * m] * B[p + std::size_t(j) * k];
                C[i + std::size_t(p) * m] += s;
            }
    }
}

// r = v / (wh + tiny); with q: q = 1 / (wh + tiny), r = v q^2
AVX2 void ratiosAvx(const float* v, const float* wh, float* r, float* q, std::size_t n, float tiny) {
    const __m256 t = _mm256_set1_ps(tiny), one = _mm256_set1_ps(1.0f);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 a = _mm256_loadu_ps(v + i), b = _mm256_add_ps(_mm256_loadu_ps(wh + i), t);
        if (q) {
            const __m256 inv = _mm256_div_ps(one, b);
            _mm256_storeu_ps(q + i, inv);
            _mm256_storeu_ps(r + i, _mm256_mul_ps(a, _mm256_mul_ps(inv, inv)));
        } else {
            _mm256_storeu_ps(r + i, _mm256_div_ps(a, b));
        }
    }
    ratiosScalar(v + i, wh + i, r + i, q ? q + i : nullptr, n - i, tiny);
}

// AVX-512 kernels (32 zmm registers: up to 24 accumulators). Row tails use masked loads/stores.
#define AVX512 __attribute__((target("avx512f")))

AVX512 inline __mmask16 tailMask(int rows) {
    return rows >= 16 ? __mmask16(0xFFFF) : rows <= 0 ? __mmask16(0) : __mmask16((1u << rows) - 1u);
}

AVX512 inline float hsum512(__m512 v) {
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, v);
    float s = 0;
    for (float x : lanes) s += x;
    return s;
}

// C(i0:i0+rows, j0:j0+NC) = A(i0:i0+rows, :) B(:, j0:j0+NC), rows <= 32
template <int NC>
AVX512 void nnBlock512(const float* A, const float* B, float* C, int m, int k, int i0, int j0, int rows) {
    const __mmask16 m0 = tailMask(rows), m1 = tailMask(rows - 16);
    __m512 acc0[NC], acc1[NC];
    #pragma GCC unroll 16
    for (int c = 0; c < NC; ++c) acc0[c] = acc1[c] = _mm512_setzero_ps();
    for (int p = 0; p < k; ++p) {
        const float* a = A + std::size_t(p) * m + i0;
        const __m512 a0 = _mm512_maskz_loadu_ps(m0, a), a1 = _mm512_maskz_loadu_ps(m1, a + 16);
        #pragma GCC unroll 16
        for (int c = 0; c < NC; ++c) {
            const __m512 b = _mm512_set1_ps(B[p + std::size_t(j0 + c) * k]);
            acc0[c] = _mm512_fmadd_ps(a0, b, acc0[c]);
            acc1[c] = _mm512_fmadd_ps(a1, b, acc1[c]);
        }
    }
    #pragma GCC unroll 16
    for (int c = 0; c < NC; ++c) {
        _mm512_mask_storeu_ps(C + std::size_t(j0 + c) * m + i0, m0, acc0[c]);
        _mm512_mask_storeu_ps(C + std::size_t(j0 + c) * m + i0 + 16, m1, acc1[c]);
    }
}

template <int NC>
AVX512 void nnColumns512(const float* A, const float* B, float* C, int m, int k, int j0) {
    for (int i0 = 0; i0 < m; i0 += 32) nnBlock512<NC>(A, B, C, m, k, i0, j0, std::min(32, m - i0));
}

template <int NC>
struct NnColumns512 {
    AVX512 static void run(const float* A, const float* B, float* C, int m, int k, int j0) { nnColumns512<NC>(A, B, C, m, k, j0); }
};

AVX512 void gemmNN512(const float* A, const float* B, float* C, int m, int k, int n) {
    int j0 = 0;
    for (; j0 + 12 <= n; j0 += 12) nnColumns512<12>(A, B, C, m, k, j0);
    if (j0 < n) byWidth<11, NnColumns512>(n - j0, A, B, C, m, k, j0);
}

// C(p0:p0+NP, j0:j0+NJ) = A(:, p0:p0+NP)^T B(:, j0:j0+NJ)
template <int NP, int NJ>
AVX512 void tnBlock512(const float* A, const float* B, float* C, int m, int k, int p0, int j0) {
    __m512 acc[NP][NJ];
    #pragma GCC unroll 16
    for (int p = 0; p < NP; ++p)
        #pragma GCC unroll 16
        for (int j = 0; j < NJ; ++j) acc[p][j] = _mm512_setzero_ps();
    for (int i = 0; i < m; i += 16) {
        const __mmask16 mk = tailMask(m - i);
        __m512 bv[NJ];
        #pragma GCC unroll 16
        for (int j = 0; j < NJ; ++j) bv[j] = _mm512_maskz_loadu_ps(mk, B + std::size_t(j0 + j) * m + i);
        #pragma GCC unroll 16
        for (int p = 0; p < NP; ++p) {
            const __m512 a = _mm512_maskz_loadu_ps(mk, A + std::size_t(p0 + p) * m + i);
            #pragma GCC unroll 16
            for (int j = 0; j < NJ; ++j) acc[p][j] = _mm512_fmadd_ps(a, bv[j], acc[p][j]);
        }
    }
    #pragma GCC unroll 16
    for (int p = 0; p < NP; ++p)
        #pragma GCC unroll 16
        for (int j = 0; j < NJ; ++j) C[p0 + p + std::size_t(j0 + j) * k] = hsum512(acc[p][j]);
}

template <int NJ>
AVX512 void tnColumns512(const float* A, const float* B, float* C, int m, int k, int j0) {
    int p0 = 0;
    for (; p0 + 6 <= k; p0 += 6) tnBlock512<6, NJ>(A, B, C, m, k, p0, j0);
    for (; p0 < k; ++p0) tnBlock512<1, NJ>(A, B, C, m, k, p0, j0);
}

AVX512 void gemmTN512(const float* A, const float* B, float* C, int m, int k, int n) {
    int j0 = 0;
    for (; j0 + 4 <= n; j0 += 4) tnColumns512<4>(A, B, C, m, k, j0);
    for (; j0 < n; ++j0) tnColumns512<1>(A, B, C, m, k, j0);
}

// C(i0:i0+rows, p0:p0+NP) += A(i0:i0+rows, j0:j1) B(p0:p0+NP, j0:j1)^T
template <int NP>
AVX512 void ntBlock512(const float* A, const float* B, float* C, int m, int k, int i0, int rows, int p0, int j0, int j1) {
    const __mmask16 m0 = tailMask(rows), m1 = tailMask(rows - 16);
    __m512 acc0[NP], acc1[NP];
    #pragma GCC unroll 16
    for (int p = 0; p < NP; ++p) {
        acc0[p] = _mm512_maskz_loadu_ps(m0, C + std::size_t(p0 + p) * m + i0);
        acc1[p] = _mm512_maskz_loadu_ps(m1, C + std::size_t(p0 + p) * m + i0 + 16);
    }
    for (int j = j0; j < j1; ++j) {
        const float* a = A + std::size_t(j) * m + i0;
        const __m512 a0 = _mm512_maskz_loadu_ps(m0, a), a1 = _mm512_maskz_loadu_ps(m1, a + 16);
        #pragma GCC unroll 16
        for (int p = 0; p < NP; ++p) {
            const __m512 b = _mm512_set1_ps(B[p0 + p + std::size_t(j) * k]);
            acc0[p] = _mm512_fmadd_ps(a0, b, acc0[p]);
            acc1[p] = _mm512_fmadd_ps(a1, b, acc1[p]);
        }
    }
    #pragma GCC unroll 16
    for (int p = 0; p < NP; ++p) {
        _mm512_mask_storeu_ps(C + std::size_t(p0 + p) * m + i0, m0, acc0[p]);
        _mm512_mask_storeu_ps(C + std::size_t(p0 + p) * m + i0 + 16, m1, acc1[p]);
    }
}

template <int NP>
struct NtBlock512 {
    AVX512 static void run(const float* A, const float* B, float* C, int m, int k, int i0, int rows, int p0, int j0, int j1) {
        ntBlock512<NP>(A, B, C, m, k, i0, rows, p0, j0, j1);
    }
};

AVX512 void gemmNT512(const float* A, const float* B, float* C, int m, int n, int k, bool accumulate) {
    if (!accumulate) std::fill(C, C + std::size_t(m) * k, 0.0f);
    constexpr int panel = 64;
    for (int j0 = 0; j0 < n; j0 += panel) {
        const int j1 = std::min(n, j0 + panel);
        for (int i0 = 0; i0 < m; i0 += 32) {
            const int rows = std::min(32, m - i0);
            int p0 = 0;
            for (; p0 + 12 <= k; p0 += 12) ntBlock512<12>(A, B, C, m, k, i0, rows, p0, j0, j1);
            if (p0 < k) byWidth<11, NtBlock512>(k - p0, A, B, C, m, k, i0, rows, p0, j0, j1);
        }
    }
}

// 1 / b from the 14-bit estimate and one Newton step (relative error ~2^-28 before rounding).
AVX512 inline __m512 reciprocal512(__m512 b) {
    const __m512 x = _mm512_maskz_rcp14_ps(__mmask16(0xFFFF), b);  // (the unmasked form warns on GCC 12)
    return _mm512_mul_ps(x, _mm512_fnmadd_ps(b, x, _mm512_set1_ps(2.0f)));
}

// r = v / (wh + tiny); with q: q = 1 / (wh + tiny), r = v q^2
AVX512 void ratios512(const float* v, const float* wh, float* r, float* q, std::size_t n, float tiny) {
    const __m512 t = _mm512_set1_ps(tiny);
    for (std::size_t i = 0; i < n; i += 16) {
        const __mmask16 mk = tailMask(int(std::min<std::size_t>(16, n - i)));
        const __m512 a = _mm512_maskz_loadu_ps(mk, v + i);
        const __m512 b = _mm512_add_ps(_mm512_maskz_loadu_ps(mk, wh + i), t);
        const __m512 inv = reciprocal512(b);
        if (q) {
            _mm512_mask_storeu_ps(q + i, mk, inv);
            _mm512_mask_storeu_ps(r + i, mk, _mm512_mul_ps(a, _mm512_mul_ps(inv, inv)));
        } else {
            const __m512 r0 = _mm512_mul_ps(a, inv);  // then one residual correction: r0 + inv (a - b r0)
            _mm512_mask_storeu_ps(r + i, mk, _mm512_fmadd_ps(inv, _mm512_fnmadd_ps(b, r0, a), r0));
        }
    }
}

#endif

}  // namespace

void gemmNN(const float* A, const float* B, float* C, int m, int k, int n) {
#ifdef PHASELAB_X86
    if (usingAvx512()) return gemmNN512(A, B, C, m, k, n);
    if (usingAvx2()) return gemmNNAvx(A, B, C, m, k, n);
#endif
    Map(C, m, n).noalias() = CMap(A, m, k) * CMap(B, k, n);
}

void gemmTN(const float* A, const float* B, float* C, int m, int k, int n) {
#ifdef PHASELAB_X86
    if (usingAvx512()) return gemmTN512(A, B, C, m, k, n);
    if (usingAvx2()) return gemmTNAvx(A, B, C, m, k, n);
#endif
    Map(C, k, n).noalias() = CMap(A, m, k).transpose() * CMap(B, m, n);
}

void gemmNT(const float* A, const float* B, float* C, int m, int n, int k, bool accumulate) {
#ifdef PHASELAB_X86
    if (usingAvx512()) return gemmNT512(A, B, C, m, n, k, accumulate);
    if (usingAvx2()) return gemmNTAvx(A, B, C, m, n, k, accumulate);
#endif
    if (accumulate)
        Map(C, m, k).noalias() += CMap(A, m, n) * CMap(B, k, n).transpose();
    else
        Map(C, m, k).noalias() = CMap(A, m, n) * CMap(B, k, n).transpose();
}

void ratios(const float* v, const float* wh, float* r, float* q, std::size_t n, float tiny) {
#ifdef PHASELAB_X86
    if (usingAvx512()) return ratios512(v, wh, r, q, n, tiny);
    if (usingAvx2()) return ratiosAvx(v, wh, r, q, n, tiny);
#endif
    ratiosScalar(v, wh, r, q, n, tiny);
}

}  // namespace phaselab::nmf::kernels
