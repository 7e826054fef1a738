#include "core/nmf/em_isnmf.h"

#include <cmath>

#include "core/common/error.h"
#include "core/nmf/gemm_kernels.h"

namespace phaselab::nmf {


const AlgorithmDescription& emIsNmfDescription() {
    static const AlgorithmDescription d{
        "em-isnmf", "EM for IS-NMF", "magnitudes",
        "Itakura-Saito NMF of the power spectrogram by expectation-maximisation (monotone likelihood).",
        {integerSpec("components", "Components", 10, 1, 1000, "", "Number of rank-one components K."),
         integerSpec("nmf-iterations", "Iterations", 100, 1, 100000, "", "EM iterations."),
         integerSpec("seed", "Seed", 0, 0, 4294967295.0, "", "Seed of the random initialisation.")}};
    return d;
}

NmfResult emIsNmf(const Matrix& power, const EmIsNmfParams& p, const RunControl& control, const Matrix* initialW,
                  const Matrix* initialH) {
    if (power.size() == 0 || !power.allFinite() || (power.array() < 0).any())
        throw InputError("EM-ISNMF: the power spectrogram must be non-empty, finite and >= 0");
    if (p.components < 1 || p.iterations < 0) throw InputError("EM-ISNMF: components must be >= 1 and iterations >= 0");
    if (!p.updateW && !initialW) throw InputError("EM-ISNMF: a fixed dictionary W must be given");
    const int F = int(power.rows()), T = int(power.cols()), K = p.components;
    const Matrix P = power.cwiseMax(std::max(1e-9f * power.maxCoeff(), 1e-30f));
    const double scale = std::sqrt(double(P.mean()) / K);
    NmfResult r;
    r.W = initialW ? *initialW : randomFactor(F, K, scale, p.seed);
    r.H = initialH ? *initialH : randomFactor(K, T, scale, p.seed + 1);
    if (r.W.rows() != F || r.W.cols() != K || r.H.rows() != K || r.H.cols() != T)
        throw InputError("EM-ISNMF: the initial factors have the wrong shape");

    Matrix vx(F, T), G(F, T), num;
    auto estep = [&] {  // G = (P - v_x) / v_x^2
        kernels::gemmNN(r.W.data(), r.H.data(), vx.data(), F, K, T);
        G = ((P.array() - vx.array()) / (vx.array().square() + 1e-30f)).matrix();
    };
    for (int it = 1; it <= p.iterations; ++it) {
        control.checkCancel();
        estep();
        num.resize(K, T);
        kernels::gemmTN(r.W.data(), G.data(), num.data(), F, K, T);
        r.H.array() += r.H.array().square() / float(F) * num.array();
        r.H = r.H.cwiseMax(1e-30f);
        if (p.updateW) {
            estep();
            num.resize(F, K);
            kernels::gemmNT(G.data(), r.H.data(), num.data(), F, T, K);
            r.W.array() += r.W.array().square() / float(T) * num.array();
            r.W = r.W.cwiseMax(1e-30f);
            const Eigen::RowVectorXf norms = r.W.colwise().norm().cwiseMax(1e-30f);
            r.W.array().rowwise() /= norms.array();
            r.H.array().colwise() *= norms.transpose().array();
        }
        kernels::gemmNN(r.W.data(), r.H.data(), vx.data(), F, K, T);
        const double obj = betaDivergence(P, vx, 0.0);
        r.objective.push_back(obj);
        ProgressReport rep;
        rep.iteration = it;
        rep.fraction = double(it) / p.iterations;
        rep.figures = {{"objective", obj}};
        control.report(rep);
    }
    return r;
}

}  // namespace phaselab::nmf
