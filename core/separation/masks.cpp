#include "core/separation/masks.h"

#include "core/common/error.h"
#include "core/common/memory.h"
#include "core/common/simd.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace phaselab::separation {

const AlgorithmDescription& idealBinaryDescription() {
    static const AlgorithmDescription d{"ideal-binary", "Binary mask", "separation",
                                        "Each time-frequency bin goes entirely to the source with the largest magnitude; "
                                        "mixture phase.",
                                        {}};
    return d;
}

const AlgorithmDescription& idealRatioDescription() {
    static const AlgorithmDescription d{
        "ideal-ratio", "Ratio mask", "separation",
        "Mask V_j^p / sum_k V_k^p applied to the mixture (p = 1: magnitude ratio); mixture phase.",
        {realSpec("exponent", "Exponent p", 1.0, 0.1, 4.0, "",
                    "Power applied to the magnitudes before normalising: 1 = magnitude ratio, 2 = Wiener.")}};
    return d;
}

const AlgorithmDescription& wienerDescription() {
    static const AlgorithmDescription d{"wiener", "Wiener filter", "separation",
                                        "Power-ratio mask V_j^2 / sum_k V_k^2 applied to the mixture; mixture phase.",
                                        {}};
    return d;
}

const AlgorithmDescription& mixturePhaseDescription() {
    static const AlgorithmDescription d{"mixture-phase", "Magnitudes with mixture phase", "separation",
                                        "Each source keeps its magnitude V_j and takes the mixture's phase "
                                        "(amplitude mask; the sources do not add up to the mixture).",
                                        {}};
    return d;
}

namespace {

// out = v^p (same shape), p = 1 and 2 exactly.
template <typename Out, typename In>
void assignPower(Out&& out, const In& v, float p) {
    if (p == 1.0f) out = v;
    else if (p == 2.0f) out = v.square();
    else out = v.pow(p);
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2"))) inline __m256 powerAvx2(const float* v, bool square) {
    const __m256 a = _mm256_loadu_ps(v);
    return square ? _mm256_mul_ps(a, a) : a;
}

// out_j = (s > 0 ? v_j^p / s : equal) x with s = sum_k v_k^p (p = 1, or 2 when square), over n bins in
// one streaming pass; the same float operations in the same order as the portable path below, so the
// results are bit-identical. Returns false when some v is negative, NaN or infinite (the outputs are
// then meaningless): the input check rides on the same pass instead of reading the magnitudes again.
__attribute__((target("avx2"))) bool ratioMaskAvx2(const std::vector<const float*>& v, bool square,
                                                   const std::complex<float>* x, const std::vector<std::complex<float>*>& out,
                                                   Eigen::Index n, float equal) {
    const std::size_t J = v.size();
    const __m256i low = _mm256_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3), high = _mm256_setr_epi32(4, 4, 5, 5, 6, 6, 7, 7);
    const __m256 zero = _mm256_setzero_ps(), same = _mm256_set1_ps(equal);
    __m256 nanIfNotFinite = zero, smallest = zero;
    Eigen::Index i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 sum = zero;
        for (std::size_t j = 0; j < J; ++j) {
            const __m256 a = _mm256_loadu_ps(v[j] + i);
            nanIfNotFinite = _mm256_add_ps(nanIfNotFinite, _mm256_mul_ps(a, zero));
            smallest = _mm256_min_ps(smallest, a);
            sum = _mm256_add_ps(sum, square ? _mm256_mul_ps(a, a) : a);
        }
        const __m256 positive = _mm256_cmp_ps(sum, zero, _CMP_GT_OQ);
        const __m256 xa = _mm256_loadu_ps(reinterpret_cast<const float*>(x + i));
        const __m256 xb = _mm256_loadu_ps(reinterpret_cast<const float*>(x + i + 4));
        for (std::size_t j = 0; j < J; ++j) {
            const __m256 m = _mm256_blendv_ps(same, _mm256_div_ps(powerAvx2(v[j] + i, square), sum), positive);
            float* o = reinterpret_cast<float*>(out[j] + i);
            _mm256_storeu_ps(o, _mm256_mul_ps(xa, _mm256_permutevar8x32_ps(m, low)));
            _mm256_storeu_ps(o + 8, _mm256_mul_ps(xb, _mm256_permutevar8x32_ps(m, high)));
        }
    }
    bool valid = _mm256_movemask_ps(_mm256_or_ps(_mm256_cmp_ps(nanIfNotFinite, nanIfNotFinite, _CMP_UNORD_Q),
                                                 _mm256_cmp_ps(smallest, zero, _CMP_LT_OQ))) == 0;
    for (; i < n; ++i) {
        float sum = 0;
        for (std::size_t j = 0; j < J; ++j) {
            valid = valid && std::isfinite(v[j][i]) && v[j][i] >= 0;
            sum += square ? v[j][i] * v[j][i] : v[j][i];
        }
        for (std::size_t j = 0; j < J; ++j) {
            const float p = square ? v[j][i] * v[j][i] : v[j][i];
            out[j][i] = (sum > 0 ? p / sum : equal) * x[i];
        }
    }
    return valid;
}
#endif

}  // namespace

std::vector<Magnitudes> ratioMasks(const std::vector<Magnitudes>& V, double exponent) {
    const std::size_t J = V.size();
    std::vector<Magnitudes> M(J);
    if (J == 0) return M;
    Magnitudes total = Magnitudes::Zero(V[0].rows(), V[0].cols());
    for (std::size_t j = 0; j < J; ++j) {
        resizeLarge(M[j], V[j].rows(), V[j].cols());
        assignPower(M[j], V[j], float(exponent));
        total += M[j];
    }
    const float equal = 1.0f / float(J);
    for (auto& m : M) m = (total > 0).select(m / total, equal);
    return M;
}

std::vector<Magnitudes> binaryMasks(const std::vector<Magnitudes>& V) {
    const std::size_t J = V.size();
    std::vector<Magnitudes> M(J);
    if (J == 0) return M;
    Magnitudes best = V[0];
    Eigen::ArrayXXi which = Eigen::ArrayXXi::Zero(V[0].rows(), V[0].cols());
    for (std::size_t j = 1; j < J; ++j) {
        which = (V[j] > best).select(int(j), which);
        best = best.max(V[j]);
    }
    for (std::size_t j = 0; j < J; ++j) M[j] = (which == int(j)).cast<float>();
    return M;
}

std::vector<Spectrogram> maskedStfts(const SeparationInput& in, const MaskParams& params) {
    std::vector<Spectrogram> out;
    maskedStfts(in, params, out);
    return out;
}

void maskedStfts(const SeparationInput& in, const MaskParams& params, std::vector<Spectrogram>& out) {
    if (params.type == MaskType::Ratio && !(params.exponent > 0))
        throw InputError("ratio mask: the exponent must be positive");
    const int J = in.sources();
    const Eigen::Index F = in.mixtureStft.rows(), T = in.mixtureStft.cols();
    const float p = float(params.exponent), equal = 1.0f / float(J);
#if defined(__x86_64__) && defined(__GNUC__)
    if (params.type == MaskType::Ratio && usingAvx2() && (p == 1.0f || p == 2.0f)) {
        validateShapes(in);
        out.resize(std::size_t(J));
        std::vector<const float*> v;
        std::vector<std::complex<float>*> o;
        for (int j = 0; j < J; ++j) {
            resizeLarge(out[std::size_t(j)], F, T);
            v.push_back(in.magnitudes[std::size_t(j)].data());
            o.push_back(out[std::size_t(j)].data());
        }
        if (!ratioMaskAvx2(v, p == 2.0f, in.mixtureStft.data(), o, F * T, equal)) validateInput(in);
        return;
    }
#endif
    validateInput(in);
    out.resize(std::size_t(J));
    if (params.type == MaskType::MixturePhase) {
        const Magnitudes a = in.mixtureStft.abs2().sqrt();
        const Spectrogram unit = (a > 0).select(in.mixtureStft / a, std::complex<float>(1, 0));
        for (int j = 0; j < J; ++j) out[std::size_t(j)] = in.magnitudes[std::size_t(j)] * unit;
        return;
    }
    if (params.type == MaskType::Binary) {
        const auto masks = binaryMasks(in.magnitudes);
        for (int j = 0; j < J; ++j) out[std::size_t(j)] = masks[std::size_t(j)] * in.mixtureStft;
        return;
    }
    // ratioMasks() fused with their application, a few frames at a time so that the powers and their
    // sum stay in cache: each magnitude is read from memory once and each output written once.
    for (auto& s : out) resizeLarge(s, F, T);
    constexpr Eigen::Index blockFrames = 8;
    std::vector<Magnitudes> power(std::size_t(J), Magnitudes(F, blockFrames));
    Magnitudes total(F, blockFrames);
    for (Eigen::Index first = 0; first < T; first += blockFrames) {
        const Eigen::Index n = std::min(blockFrames, T - first);
        auto sum = total.leftCols(n);
        sum.setZero();
        for (int j = 0; j < J; ++j) {
            auto pw = power[std::size_t(j)].leftCols(n);
            assignPower(pw, in.magnitudes[std::size_t(j)].middleCols(first, n), p);
            sum += pw;
        }
        const auto x = in.mixtureStft.middleCols(first, n);
        for (int j = 0; j < J; ++j)
            out[std::size_t(j)].middleCols(first, n) =
                (sum > 0).select(power[std::size_t(j)].leftCols(n) / sum, equal) * x;
    }
}

SeparationResult runMask(const SeparationInput& in, const MaskParams& params, const RunControl& control) {
    control.checkCancel();
    SeparationResult r;
    r.stfts = maskedStfts(in, params);
    control.report(0.5, "synthesis");
    synthesiseAll(in, r);
    control.report(1.0);
    return r;
}

}  // namespace phaselab::separation
