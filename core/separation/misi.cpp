#include "core/separation/misi.h"

#include <algorithm>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif
#include <cmath>

#include "core/common/error.h"
#include "core/common/memory.h"
#include "core/common/simd.h"
#include "core/separation/source_start.h"

namespace phaselab::separation {

const AlgorithmDescription& misiDescription() {
    static const AlgorithmDescription d{
        "misi", "MISI", "separation",
        "Multiple input spectrogram inversion: iterate magnitude projection and redistribution of the mixing error.",
        {integerSpec("iterations", "Iterations", 5, 0, 10000, "",
                       "Number of MISI iterations (each costs one STFT and one inverse STFT per source)."),
         choiceSpec("order", "Update order", {"magnitude-first", "mix-first"},
                      "magnitude-first: majorisation-minimisation order, exact sum and non-increasing objective; "
                      "mix-first: the original order."),
         choiceSpec("init", "Initialisation", {"amplitude-mask", "equal-split", "pghi", "pghi-masked"},
                      "amplitude-mask: magnitudes with the mixture phase; equal-split: each source starts as x / J; "
                      "pghi: each source's phase by PGHI from its own magnitude; pghi-masked: the same, keeping the "
                      "mixture phase where the source dominates.")}};
    return d;
}

MisiParams misiParams(const ParamValues& values) {
    const auto& d = misiDescription();
    validateParams(d, values);
    MisiParams p;
    p.iterations = int(numberParam(d, values, "iterations"));
    p.order = choiceParam(d, values, "order") == "mix-first" ? MisiParams::Order::MixFirst
                                                             : MisiParams::Order::MagnitudeFirst;
    const std::string init = choiceParam(d, values, "init");
    p.init = init == "equal-split"   ? MisiParams::Init::EqualSplit
             : init == "pghi"        ? MisiParams::Init::Pghi
             : init == "pghi-masked" ? MisiParams::Init::PghiMasked
                                     : MisiParams::Init::AmplitudeMask;
    return p;
}

namespace {

// Y <- V ⊙ Y / |Y| in place (0 where Y is 0).
void setMagnitude(Spectrogram& Y, const Magnitudes& V) { Y *= V / (Y.abs2().sqrt() + kTiny); }

#if defined(__x86_64__) && defined(__GNUC__)
// AVX2 version of lossAndProject (Eigen only uses SSE2 in this build and evaluates the mixed
// complex-real product scalar by scalar).
__attribute__((target("avx2,fma"))) double lossAndProjectAvx2(std::complex<float>* yData, const float* v, Eigen::Index n,
                                                                bool apply) {
    float* y = reinterpret_cast<float*>(yData);
    const __m256i low = _mm256_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3), high = _mm256_setr_epi32(4, 4, 5, 5, 6, 6, 7, 7);
    const __m256 tiny = _mm256_set1_ps(kTiny);
    double total = 0;
    Eigen::Index i = 0;
    while (i + 8 <= n) {
        const Eigen::Index end = std::min(n / 8 * 8, i + 4096);
        __m256 acc = _mm256_setzero_ps();
        for (; i < end; i += 8) {
            __m256 a = _mm256_loadu_ps(y + 2 * i), b = _mm256_loadu_ps(y + 2 * i + 8);
            const __m256 h = _mm256_hadd_ps(_mm256_mul_ps(a, a), _mm256_mul_ps(b, b));
            const __m256 m2 = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(h), 0xD8));
            const __m256 m = _mm256_sqrt_ps(m2);
            const __m256 vv = _mm256_loadu_ps(v + i);
            const __m256 d = _mm256_sub_ps(vv, m);
            acc = _mm256_fmadd_ps(d, d, acc);
            if (apply) {
                const __m256 g = _mm256_div_ps(vv, _mm256_add_ps(m, tiny));
                a = _mm256_mul_ps(a, _mm256_permutevar8x32_ps(g, low));
                b = _mm256_mul_ps(b, _mm256_permutevar8x32_ps(g, high));
                _mm256_storeu_ps(y + 2 * i, a);
                _mm256_storeu_ps(y + 2 * i + 8, b);
            }
        }
        alignas(32) float part[8];
        _mm256_store_ps(part, acc);
        for (float x : part) total += x;
    }
    for (; i < n; ++i) {
        const float m = std::abs(yData[i]), d = v[i] - m;
        total += double(d) * d;
        if (apply) yData[i] *= v[i] / (m + kTiny);
    }
    return total;
}

#endif

// One pass: returns sum (v - |y|)^2 over n values and, if apply, sets y <- v y / |y|.
double lossAndProject(std::complex<float>* yData, const float* vData, Eigen::Index n, bool apply, Eigen::ArrayXf& scratch) {
#if defined(__x86_64__) && defined(__GNUC__)
    if (usingAvx2()) return lossAndProjectAvx2(yData, vData, n, apply);
#endif
    constexpr Eigen::Index block = 4096;
    scratch.resize(block);
    double total = 0;
    for (Eigen::Index b = 0; b < n; b += block) {
        const Eigen::Index len = std::min(block, n - b);
        Eigen::Map<Eigen::ArrayXcf> y(yData + b, len);
        Eigen::Map<const Eigen::ArrayXf> v(vData + b, len);
        auto m = scratch.head(len);
        m = y.abs2().sqrt();
        total += double((v - m).square().sum());
        if (apply) y *= v / (m + kTiny);
    }
    return total;
}

}  // namespace

SeparationResult runMisi(const SeparationInput& in, const MisiParams& params, const RunControl& control) {
    validateInput(in, 2);
    if (params.iterations < 0) throw InputError("MISI: the number of iterations must be >= 0");
    const int J = in.sources();
    const Eigen::Index L = in.length();
    const float invJ = 1.0f / float(J);
    Stft stft(in.config, in.threads);

    double energy = 0;
    for (const auto& V : in.magnitudes) energy += double(V.matrix().squaredNorm());
    energy = std::max(energy, 1e-300);

    SeparationResult r;
    r.waveforms.resize(J);
    r.stfts.resize(J);
    if (params.init == MisiParams::Init::EqualSplit) {
        for (int j = 0; j < J; ++j) r.waveforms[j] = in.mixture * invJ;
    } else if (params.init == MisiParams::Init::Pghi || params.init == MisiParams::Init::PghiMasked) {
        const auto phases = sourceStartPhases(in, params.init == MisiParams::Init::Pghi ? SourceStart::Pghi : SourceStart::PghiMasked);
        for (int j = 0; j < J; ++j) stft.synthesise(polar(in.magnitudes[j], phases[j]), L, r.waveforms[j]);
    } else {
        Eigen::ArrayXf scratch;
        for (int j = 0; j < J; ++j) {  // r.stfts[j] serves as the scratch for V_j e^{i∠X}
            resizeLarge(r.stfts[j], in.mixtureStft.rows(), in.mixtureStft.cols());
            r.stfts[j] = in.mixtureStft;
            lossAndProject(r.stfts[j].data(), in.magnitudes[j].data(), r.stfts[j].size(), true, scratch);
            stft.synthesise(r.stfts[j], L, r.waveforms[j]);
        }
    }

    IterationLog log(control, r.trace, params.iterations);
    auto record = [&](int it, double loss) {
        log.record(it, {{"objective", loss}, {"spectral_convergence_db", 10 * std::log10(std::max(loss, 1e-300) / energy)}});
    };
    Eigen::ArrayXf residual(L), scratch;
    const Eigen::Index T = in.mixtureStft.cols(), F = in.mixtureStft.rows();
    // STFT of source j in blocks of frames; each block, still in cache, gives its share of the loss
    // and (if project) is replaced by its magnitude projection V ⊙ S / |S| (the next iteration's first step).
    auto analyseSource = [&](int j, bool project) {
        constexpr Eigen::Index blockFrames = 32;
        double loss = 0;
        for (Eigen::Index first = 0; first < T; first += blockFrames) {
            const Eigen::Index count = std::min(blockFrames, T - first);
            auto frames = r.stfts[j].middleCols(first, count);
            stft.analyseFrames(r.waveforms[j], 0, first, count, frames);
            loss += lossAndProject(frames.data(), in.magnitudes[j].data() + first * F, F * count, project, scratch);
        }
        return loss;
    };
    auto analyseAllSources = [&](bool project) {
        double loss = 0;
        for (int j = 0; j < J; ++j) {
            resizeLarge(r.stfts[j], F, T);
            loss += analyseSource(j, project);
        }
        return loss;
    };

    if (params.order == MisiParams::Order::MagnitudeFirst) {
        // r.stfts holds the projected Y_j between iterations and A(s_j) at the end.
        analyseAllSources(params.iterations > 0);
        for (int it = 1; it <= params.iterations; ++it) {
            log.check();
            residual = in.mixture;
            for (int j = 0; j < J; ++j) {
                stft.synthesise(r.stfts[j], L, r.waveforms[j]);
                residual -= r.waveforms[j];
            }
            residual *= invJ;
            for (int j = 0; j < J; ++j) r.waveforms[j] += residual;
            record(it, analyseAllSources(it < params.iterations));
        }
    } else {
        analyseAllSources(false);
        Spectrogram E;
        for (int it = 1; it <= params.iterations; ++it) {
            log.check();
            E = in.mixtureStft;
            for (int j = 0; j < J; ++j) E -= r.stfts[j];
            E *= invJ;
            for (int j = 0; j < J; ++j) {
                r.stfts[j] += E;
                setMagnitude(r.stfts[j], in.magnitudes[j]);
                stft.synthesise(r.stfts[j], L, r.waveforms[j]);
            }
            record(it, analyseAllSources(false));
        }
    }
    return r;
}

}  // namespace phaselab::separation
