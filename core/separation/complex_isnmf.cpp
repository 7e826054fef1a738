#include "core/separation/complex_isnmf.h"

#include <cmath>
#include <numbers>

#include "core/common/error.h"
#include "core/nmf/gemm_kernels.h"
#include "core/separation/bayesian_ag.h"

namespace phaselab::separation {

using nmf::Matrix;

const AlgorithmDescription& complexIsNmfDescription() {
    static const AlgorithmDescription d{
        "cisnmf", "Complex ISNMF", "separation",
        "Anisotropic Gaussian sources with IS-NMF variances (dictionaries learned on the isolated sources) and a "
        "sinusoidal Markov prior on the phase; EM.",
        {realSpec("kappa", "Kappa", 0.1, 0.0, 1000.0, "", "Von Mises concentration of the phases (0 = IS-NMF + Wiener).", true),
         realSpec("tau", "Tau", 1.0, 0.0, 1000.0, "", "Weight of the sinusoidal Markov prior on the phase locations."),
         integerSpec("iterations", "EM iterations", 100, 0, 100000, "", "Number of EM iterations."),
         integerSpec("components", "Components per source", 10, 1, 1000, "", "Dictionary atoms per source."),
         integerSpec("nmf-iterations", "Dictionary iterations", 200, 1, 100000, "",
                       "IS-NMF iterations to learn each dictionary on its isolated source."),
         integerSpec("seed", "Seed", 0, 0, 4294967295.0, "", "Seed of the NMF initialisation.")}};
    return d;
}

ComplexIsNmfParams complexIsNmfParams(const ParamValues& values) {
    const auto& d = complexIsNmfDescription();
    validateParams(d, values);
    ComplexIsNmfParams p;
    p.kappa = numberParam(d, values, "kappa");
    p.tau = numberParam(d, values, "tau");
    p.iterations = int(numberParam(d, values, "iterations"));
    p.components = int(numberParam(d, values, "components"));
    p.learnIterations = int(numberParam(d, values, "nmf-iterations"));
    p.seed = unsigned(numberParam(d, values, "seed"));
    return p;
}

void complexIsNmfUpdateH(const Matrix& W, Matrix& H, const Matrix& p, const Matrix& q) {
    const int F = int(W.rows()), K = int(W.cols()), T = int(H.cols());
    Matrix v(F, T), num(K, T), den(K, T);
    nmf::kernels::gemmNN(W.data(), H.data(), v.data(), F, K, T);
    v = v.cwiseMax(1e-30f);
    const Matrix a = (p.array() / v.array().square()).matrix();
    const Matrix b = (v.array().inverse() - 0.5f * q.array() * v.array().rsqrt() / v.array()).matrix();
    nmf::kernels::gemmTN(W.data(), a.data(), num.data(), F, K, T);
    nmf::kernels::gemmTN(W.data(), b.data(), den.data(), F, K, T);
    H.array() *= (num.array() / (den.array() + 1e-30f)).sqrt();
    H = H.cwiseMax(1e-30f);
}

SeparationResult runComplexIsNmf(const SeparationInput& in, const ComplexIsNmfParams& params, const RunControl& control) {
    const RunControl cancelOnly{{}, control.cancel};  // the inner NMF fits stop on cancel; progress is this method's
    validateInput(in, 2);
    const int J = in.sources();
    if (int(in.isolated.size()) != J)
        throw InputError("complex ISNMF learns one dictionary per source: it needs the isolated sources (references)");
    if (!(params.kappa >= 0) || !(params.tau >= 0) || params.iterations < 0 || params.components < 1)
        throw InputError("complex ISNMF: kappa and tau must be >= 0, iterations >= 0, components >= 1");
    const int F = int(in.mixtureStft.rows()), T = int(in.mixtureStft.cols()), K = params.components;
    const double advance = 2 * std::numbers::pi * in.config.hop / in.config.fft();

    // Dictionaries (IS-NMF on the isolated powers), then activations on the mixture power with W fixed.
    Stft stft(in.config, in.threads);
    std::vector<Matrix> W(J), H(J);
    const Matrix mixPower = in.mixtureStft.abs2().matrix();
    {
        Matrix Wall(F, K * J);
        for (int j = 0; j < J; ++j) {
            control.checkCancel();
            control.report(0.05 * j / J, "learning dictionary " + std::to_string(j + 1));
            nmf::BetaNmfParams b;
            b.components = K;
            b.iterations = params.learnIterations;
            b.beta = 0;
            b.seed = params.seed + 2 * unsigned(j);
            b.trackObjective = false;
            W[j] = nmf::betaNmf(stft.analyse(in.isolated[j]).abs2().matrix(), b, cancelOnly).W;
            Wall.middleCols(j * K, K) = W[j];
        }
        nmf::BetaNmfParams b;
        b.components = K * J;
        b.iterations = params.initIterations;
        b.beta = 0;
        b.updateW = false;
        b.seed = params.seed + 1000;
        b.trackObjective = false;
        const Matrix Hall = nmf::betaNmf(mixPower, b, cancelOnly, &Wall).H;
        for (int j = 0; j < J; ++j) H[j] = Hall.middleRows(j * K, K);
    }

    AnisotropicGaussianEm em(in.mixtureStft, J, params.kappa, params.tau, advance);
    std::vector<Matrix> v(J, Matrix(F, T)), p, q;
    SeparationResult r;
    auto variances = [&] {
        for (int j = 0; j < J; ++j) {
            nmf::kernels::gemmNN(W[j].data(), H[j].data(), v[j].data(), F, K, T);
            v[j] = v[j].cwiseMax(1e-30f);
        }
    };
    IterationLog log(control, r.trace, params.iterations);
    variances();
    for (int it = 1; it <= params.iterations; ++it) {
        log.check();
        const double nll = em.eStep(v, r.stfts, &p, &q);
        for (int j = 0; j < J; ++j) complexIsNmfUpdateH(W[j], H[j], p[j], q[j].cwiseMin(0.0f));  // clamp as the reference code
        variances();
        em.phaseStep(v, r.stfts);
        log.record(it, {{"neg_log_likelihood", nll}});
    }
    em.eStep(v, r.stfts);
    synthesiseAll(in, r);
    return r;
}

}  // namespace phaselab::separation
