#include "core/nmf/beta_nmf.h"

#include <cmath>
#include <random>
#include <string>

#include "core/common/error.h"
#include "core/nmf/gemm_kernels.h"

namespace phaselab::nmf {


const AlgorithmDescription& betaNmfDescription() {
    static const AlgorithmDescription d{
        "beta-nmf", "Beta-divergence NMF", "magnitudes",
        "Non-negative matrix factorisation with multiplicative updates (monotone for every beta).",
        {integerSpec("components", "Components per source", 10, 1, 1000, "",
                       "Number of dictionary atoms K learned per source."),
         integerSpec("nmf-iterations", "NMF iterations", 200, 1, 100000, "",
                       "Multiplicative-update iterations, for learning the dictionaries and for the activations."),
         realSpec("beta", "Beta", 1.0, 0.0, 2.0, "", "Divergence: 0 = Itakura-Saito, 1 = Kullback-Leibler, 2 = Euclidean."),
         integerSpec("seed", "Seed", 0, 0, 4294967295.0, "", "Seed of the random initialisation.")}};
    return d;
}

double gammaExponent(double beta) {
    if (beta < 1) return 1.0 / (2.0 - beta);
    if (beta > 2) return 1.0 / (beta - 1.0);
    return 1.0;
}

double betaDivergence(const Matrix& V, const Matrix& Vhat, double beta) {
    const Eigen::ArrayXXd a = V.cast<double>().array(), b = Vhat.cast<double>().array();
    if (beta == 2) return 0.5 * (a - b).square().sum();
    if (beta == 1) return ((a > 0).select(a * (a / b).log(), 0.0) - a + b).sum();
    if (beta == 0) return (a / b - (a / b).log() - 1).sum();
    return ((a.pow(beta) + (beta - 1) * b.pow(beta) - beta * a * b.pow(beta - 1)) / (beta * (beta - 1))).sum();
}

Matrix randomFactor(Eigen::Index rows, Eigen::Index cols, double scale, unsigned seed) {
    std::mt19937 g(seed);
    std::uniform_real_distribution<float> u(0.5f, 1.5f);
    Matrix M(rows, cols);
    for (Eigen::Index i = 0; i < M.size(); ++i) M.data()[i] = float(scale) * u(g);
    return M;
}

namespace {

constexpr float kTiny = 1e-30f;

// Products through the AVX2 kernels when available (gemm_kernels.h).
void product(const Matrix& A, const Matrix& B, Matrix& C) {  // C = A B
    C.resize(A.rows(), B.cols());
    kernels::gemmNN(A.data(), B.data(), C.data(), int(A.rows()), int(A.cols()), int(B.cols()));
}
void productTN(const Matrix& A, const Matrix& B, Matrix& C) {  // C = A^T B
    C.resize(A.cols(), B.cols());
    kernels::gemmTN(A.data(), B.data(), C.data(), int(A.rows()), int(A.cols()), int(B.cols()));
}
void productNT(const Matrix& A, const Matrix& B, Matrix& C) {  // C = A B^T
    C.resize(A.rows(), B.rows());
    kernels::gemmNT(A.data(), B.data(), C.data(), int(A.rows()), int(A.cols()), int(B.rows()));
}

// Numerator and denominator of the MU for a factor: num = A^T R, den = A^T Q style products are
// formed by the caller; this applies F <- F ⊙ (num / den)^gamma.
void applyRatio(Matrix& F, const Matrix& num, const Matrix& den, double gamma) {
    if (gamma == 1.0)
        F.array() *= num.array() / (den.array() + kTiny);
    else
        F.array() *= (num.array() / (den.array() + kTiny)).pow(float(gamma));
}

// R = V ⊙ WH^(beta-2), Q = WH^(beta-1), for beta not in {1, 2}.
void ratios(const Matrix& V, const Matrix& WH, double beta, Matrix& R, Matrix& Q) {
    if (beta == 0) {
        Q = (WH.array() + kTiny).inverse().matrix();
        R = (V.array() * Q.array().square()).matrix();
    } else {
        Q = (WH.array() + kTiny).pow(float(beta - 1)).matrix();
        R = (V.array() * Q.array() / (WH.array() + kTiny)).matrix();
    }
}

}  // namespace

NmfResult betaNmf(const Matrix& V0, const BetaNmfParams& p, const RunControl& control, const Matrix* initialW,
                  const Matrix* initialH) {
    if (V0.size() == 0) throw InputError("NMF: the spectrogram is empty");
    if (!V0.allFinite()) throw InputError("NMF: the spectrogram contains NaN or infinite values");
    if ((V0.array() < 0).any()) throw InputError("NMF: the spectrogram contains negative values");
    if (p.components < 1) throw InputError("NMF: the number of components must be at least 1");
    if (p.iterations < 0) throw InputError("NMF: the number of iterations must be >= 0");
    if (!(p.beta >= 0) || !std::isfinite(p.beta)) throw InputError("NMF: beta must be >= 0");
    if (!p.updateW && !initialW) throw InputError("NMF: a fixed dictionary W must be given");
    const Eigen::Index F = V0.rows(), T = V0.cols(), K = p.components;
    const double beta = p.beta, gamma = gammaExponent(beta);

    Matrix V = V0;
    if (beta < 1) V = V.cwiseMax(std::max(1e-9f * V0.maxCoeff(), 1e-30f));
    const double scale = std::sqrt(std::max(double(V.mean()), 1e-30) / double(K));

    NmfResult r;
    if (initialW) {
        if (initialW->rows() != F || initialW->cols() != K)
            throw InputError("NMF: the dictionary has the wrong shape (" + std::to_string(initialW->rows()) + " x " +
                             std::to_string(initialW->cols()) + ", expected " + std::to_string(F) + " x " +
                             std::to_string(K) + ")");
        r.W = *initialW;
    } else {
        r.W = randomFactor(F, K, scale, p.seed);
    }
    if (initialH) {
        if (initialH->rows() != K || initialH->cols() != T) throw InputError("NMF: the activations have the wrong shape");
        r.H = *initialH;
    } else {
        r.H = randomFactor(K, T, scale, p.seed + 1);
    }
    if (!r.W.allFinite() || (r.W.array() < 0).any() || !r.H.allFinite() || (r.H.array() < 0).any())
        throw InputError("NMF: the initial factors must be finite and non-negative");

    Matrix WH(F, T), R(F, T), Q, num, den;
    Eigen::VectorXf ones;
    for (int it = 1; it <= p.iterations; ++it) {
        control.checkCancel();
        if (p.updateH) {
            product(r.W, r.H, WH);
            if (beta == 1) {
                R = (V.array() / (WH.array() + kTiny)).matrix();
                productTN(r.W, R, num);
                const Eigen::VectorXf colSum = r.W.colwise().sum().transpose();
                r.H.array() *= num.array() / (colSum.array() + kTiny).replicate(1, T);
            } else if (beta == 2) {
                productTN(r.W, V, num);
                den.noalias() = (r.W.transpose() * r.W) * r.H;
                applyRatio(r.H, num, den, gamma);
            } else {
                ratios(V, WH, beta, R, Q);
                productTN(r.W, R, num);
                productTN(r.W, Q, den);
                applyRatio(r.H, num, den, gamma);
            }
        }
        if (p.updateW) {
            product(r.W, r.H, WH);
            if (beta == 1) {
                R = (V.array() / (WH.array() + kTiny)).matrix();
                productNT(R, r.H, num);
                const Eigen::RowVectorXf rowSum = r.H.rowwise().sum().transpose();
                r.W.array() *= num.array() / (rowSum.array() + kTiny).replicate(F, 1);
            } else if (beta == 2) {
                productNT(V, r.H, num);
                den.noalias() = r.W * (r.H * r.H.transpose());
                applyRatio(r.W, num, den, gamma);
            } else {
                ratios(V, WH, beta, R, Q);
                productNT(R, r.H, num);
                productNT(Q, r.H, den);
                applyRatio(r.W, num, den, gamma);
            }
            if (p.normaliseW) {
                const Eigen::RowVectorXf norms = r.W.colwise().sum().cwiseMax(1e-30f);
                r.W.array().rowwise() /= norms.array();
                r.H.array().colwise() *= norms.transpose().array();
            }
        }
        ProgressReport rep;
        rep.iteration = it;
        rep.fraction = double(it) / p.iterations;
        if (p.trackObjective) {
            product(r.W, r.H, WH);
            const double obj = betaDivergence(V, (WH.array() + kTiny).matrix(), beta);
            r.objective.push_back(obj);
            rep.figures = {{"objective", obj}};
        }
        control.report(rep);
    }
    return r;
}

}  // namespace phaselab::nmf
