#include "core/separation/complex_nmf.h"

#include <cmath>
#include <numbers>

#include "core/common/error.h"
#include "core/nmf/beta_nmf.h"
#include "core/nmf/gemm_kernels.h"
#include "core/phase/sinusoidal.h"

namespace phaselab::separation {

using nmf::Matrix;
using cf = std::complex<float>;

const AlgorithmDescription& complexNmfDescription() {
    static const AlgorithmDescription d{
        "cnmf", "Complex NMF (phase-constrained)", "separation",
        "Complex NMF with one phase field per source and a sinusoidal phase-unwrapping penalty; dictionaries "
        "learned on the isolated sources.",
        {realSpec("sigma", "Unwrapping weight", 0.01, 0.0, 1e3, "", "Weight of the phase-unwrapping penalty (0 = plain CNMF)."),
         integerSpec("iterations", "Iterations", 100, 0, 100000, "", "Complex NMF iterations."),
         integerSpec("components", "Components per source", 10, 1, 1000, "", "Dictionary atoms per source."),
         integerSpec("nmf-iterations", "Dictionary iterations", 200, 1, 100000, "",
                       "Euclidean NMF iterations to learn each dictionary on its isolated source."),
         integerSpec("seed", "Seed", 0, 0, 4294967295.0, "", "Seed of the NMF initialisation.")}};
    return d;
}

ComplexNmfParams complexNmfParams(const ParamValues& values) {
    const auto& d = complexNmfDescription();
    validateParams(d, values);
    ComplexNmfParams p;
    p.sigma = numberParam(d, values, "sigma");
    p.iterations = int(numberParam(d, values, "iterations"));
    p.components = int(numberParam(d, values, "components"));
    p.learnIterations = int(numberParam(d, values, "nmf-iterations"));
    p.seed = unsigned(numberParam(d, values, "seed"));
    return p;
}

SeparationResult runComplexNmf(const SeparationInput& in, const ComplexNmfParams& params, const RunControl& control) {
    const RunControl cancelOnly{{}, control.cancel};  // the inner NMF fits stop on cancel; progress is this method's
    validateInput(in, 2);
    const int J = in.sources();
    if (int(in.isolated.size()) != J)
        throw InputError("complex NMF learns one dictionary per source: it needs the isolated sources (references)");
    if (!(params.sigma >= 0) || params.iterations < 0 || params.components < 1)
        throw InputError("complex NMF: sigma must be >= 0, iterations >= 0, components >= 1");
    const int F = int(in.mixtureStft.rows()), T = int(in.mixtureStft.cols()), K = params.components;
    const float advance = float(2 * std::numbers::pi * in.config.hop / in.config.fft());
    const Spectrogram& X = in.mixtureStft;
    const Magnitudes X2 = X.abs2();

    Stft stft(in.config, in.threads);
    std::vector<Matrix> W(J), H(J);
    {
        Matrix Wall(F, K * J);
        for (int j = 0; j < J; ++j) {
            control.checkCancel();
            nmf::BetaNmfParams b;
            b.components = K;
            b.iterations = params.learnIterations;
            b.beta = 2;
            b.seed = params.seed + 2 * unsigned(j);
            b.trackObjective = false;
            W[j] = nmf::betaNmf(stft.analyse(in.isolated[j]).abs2().sqrt().matrix(), b, cancelOnly).W;
            Wall.middleCols(j * K, K) = W[j];
        }
        nmf::BetaNmfParams b;
        b.components = K * J;
        b.iterations = params.initIterations;
        b.beta = 2;
        b.updateW = false;
        b.seed = params.seed + 1000;
        b.trackObjective = false;
        const Matrix Hall = nmf::betaNmf(X.abs2().sqrt().matrix(), b, cancelOnly, &Wall).H;
        for (int j = 0; j < J; ++j) H[j] = Hall.middleRows(j * K, K);
    }

    std::vector<Magnitudes> V(J, Magnitudes(F, T)), G(J);
    std::vector<Spectrogram> unit(J), B(J);
    const Magnitudes a = X.abs2().sqrt();
    for (int j = 0; j < J; ++j) unit[j] = (a > 0).select(X / a, cf(1, 0));
    auto model = [&] {
        Magnitudes total = Magnitudes::Zero(F, T);
        for (int j = 0; j < J; ++j) {
            nmf::kernels::gemmNN(W[j].data(), H[j].data(), V[j].data(), F, K, T);
            V[j] = V[j].max(0.0f);
            total += V[j];
        }
        for (int j = 0; j < J; ++j) G[j] = (total > 0).select(V[j] / total, 1.0f / float(J));
    };
    // B_j = X̂_j + G_j (X - X̂); returns ||X - X̂||^2.
    auto auxiliary = [&] {
        Spectrogram E = X;
        for (int j = 0; j < J; ++j) {
            B[j] = V[j] * unit[j];
            E -= B[j];
        }
        for (int j = 0; j < J; ++j) B[j] += G[j] * E;
        return double(E.abs2().sum());
    };
    const double energy = std::max(1e-300, double(X2.sum()));

    SeparationResult r;
    IterationLog log(control, r.trace, params.iterations);
    model();
    Eigen::ArrayXXf nu;
    for (int it = 1; it <= params.iterations; ++it) {
        log.check();
        auxiliary();
        double penalty = 0;
        for (int j = 0; j < J; ++j) {
            nu = sinusoidal::binFrequencies(V[j]);
            const Magnitudes gInv = (G[j] > 1e-12f).select(V[j] / G[j], 0.0f);
            for (int t = 1; t + 1 < T; ++t) {
                Eigen::ArrayXcf z = gInv.col(t) * B[j].col(t);
                if (params.sigma > 0) {
                    Eigen::ArrayXcf mu0(F), mu1(F);
                    mu0.real() = (advance * nu.col(t)).cos();
                    mu0.imag() = (advance * nu.col(t)).sin();
                    mu1.real() = (advance * nu.col(t + 1)).cos();
                    mu1.imag() = (advance * nu.col(t + 1)).sin();
                    z += float(params.sigma) * (X2.col(t) * mu0 * unit[j].col(t - 1) +
                                                X2.col(t + 1) * mu1.conjugate() * unit[j].col(t + 1));
                }
                const Eigen::ArrayXf m = z.abs2().sqrt();
                unit[j].col(t) = (m > 0).select(z / m, unit[j].col(t));
            }
            if (params.sigma > 0)
                for (int t = 1; t < T; ++t) {
                    Eigen::ArrayXcf mu(F);
                    mu.real() = (advance * nu.col(t)).cos();
                    mu.imag() = (advance * nu.col(t)).sin();
                    penalty += double((X2.col(t) * (unit[j].col(t) - mu * unit[j].col(t - 1)).abs2()).sum());
                }
        }
        auxiliary();
        for (int j = 0; j < J; ++j) {
            const Magnitudes g = G[j].max(1e-12f);
            const Matrix numer = ((B[j] * unit[j].conjugate()).real() / g).matrix();
            const Matrix denom = (V[j] / g).matrix();
            Matrix num(K, T), den(K, T);
            nmf::kernels::gemmTN(W[j].data(), numer.data(), num.data(), F, K, T);
            nmf::kernels::gemmTN(W[j].data(), denom.data(), den.data(), F, K, T);
            H[j].array() *= num.array().max(0.0f) / (den.array() + 1e-30f);
            H[j] = H[j].cwiseMax(1e-30f);
        }
        model();
        const double data = auxiliary();
        log.record(it, {{"objective", (data + params.sigma * penalty) / energy}});
    }
    if (params.iterations == 0) auxiliary();
    r.stfts = B;
    synthesiseAll(in, r);
    return r;
}

}  // namespace phaselab::separation
