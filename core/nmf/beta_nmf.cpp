#include "core/nmf/beta_nmf.h"

#include <algorithm>
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
constexpr Eigen::Index kBlock = 64;  // columns per pass block: the block's WH and ratios stay in L2

using Block = Eigen::Map<Matrix>;
using ConstBlock = Eigen::Map<const Matrix>;
using StridedBlock = Eigen::Map<Matrix, 0, Eigen::OuterStride<>>;

// F <- F ⊙ (num / den)^gamma
template <class Factor, class Num, class Den>
void applyRatio(Factor&& F, const Num& num, const Den& den, double gamma) {
    if (gamma == 1.0)
        F.array() *= num.array() / (den.array() + kTiny);
    else
        F.array() *= (num.array() / (den.array() + kTiny)).pow(float(gamma));
}

// The multiplicative updates of H and W for beta != 2, each in one pass over blocks of kBlock
// columns: a block's WH, its ratios R = V ⊙ WH^(beta-2) and Q = WH^(beta-1), and their products
// are formed while the block is in cache. KL (beta = 1) needs no Q: its denominators are W's
// column sums and H's row sums.
class MuPasses {
public:
    MuPasses(const Matrix& V, double beta) : V_(V), beta_(beta), gamma_(gammaExponent(beta)) {
        wh_.resize(V.rows(), kBlock);
        rq_.resize(2 * V.rows(), kBlock);  // [R | Q] side by side (H pass) or [R; Q] stacked (W pass)
    }

    void updateH(const Matrix& W, Matrix& H) {
        const Eigen::Index F = V_.rows(), K = W.cols(), T = V_.cols();
        const bool kl = beta_ == 1;
        num_.resize(K, 2 * kBlock);
        const Eigen::VectorXf colSum = W.colwise().sum().transpose();
        for (Eigen::Index j0 = 0; j0 < T; j0 += kBlock) {
            const Eigen::Index nb = std::min(kBlock, T - j0);
            Block h(H.data() + j0 * K, K, nb);
            kernels::gemmNN(W.data(), h.data(), wh_.data(), int(F), int(K), int(nb));
            ratios(V_.data() + j0 * F, rq_.data(), rq_.data() + F * nb, F, nb, F);
            kernels::gemmTN(W.data(), rq_.data(), num_.data(), int(F), int(K), int(kl ? nb : 2 * nb));
            if (kl)
                h.array() *= num_.leftCols(nb).array() / (colSum.array() + kTiny).replicate(1, nb);
            else
                applyRatio(h, num_.leftCols(nb), num_.middleCols(nb, nb), gamma_);
        }
    }

    void updateW(Matrix& W, const Matrix& H) {
        const Eigen::Index F = V_.rows(), K = W.cols(), T = V_.cols();
        const bool kl = beta_ == 1;
        const Eigen::Index rows = kl ? F : 2 * F;
        num_.resize(rows, K);
        for (Eigen::Index j0 = 0; j0 < T; j0 += kBlock) {
            const Eigen::Index nb = std::min(kBlock, T - j0);
            kernels::gemmNN(W.data(), H.data() + j0 * K, wh_.data(), int(F), int(K), int(nb));
            ratios(V_.data() + j0 * F, rq_.data(), rq_.data() + F, F, nb, rows);
            kernels::gemmNT(rq_.data(), H.data() + j0 * K, num_.data(), int(rows), int(nb), int(K), j0 > 0);
        }
        if (kl) {
            const Eigen::RowVectorXf rowSum = H.rowwise().sum().transpose();
            W.array() *= num_.array() / (rowSum.array() + kTiny).replicate(F, 1);
        } else {
            applyRatio(W, num_.topRows(F), num_.bottomRows(F), gamma_);
        }
    }

private:
    // R and Q of the block's nb columns (V from v, WH from wh_) into r and q, columns `stride` apart.
    void ratios(const float* v, float* r, float* q, Eigen::Index F, Eigen::Index nb, Eigen::Index stride) const {
        const bool kl = beta_ == 1;
        if (kl || beta_ == 0) {
            if (stride == F) return kernels::ratios(v, wh_.data(), r, kl ? nullptr : q, std::size_t(F * nb), kTiny);
            for (Eigen::Index j = 0; j < nb; ++j)
                kernels::ratios(v + j * F, wh_.data() + j * F, r + j * stride, kl ? nullptr : q + j * stride, std::size_t(F), kTiny);
            return;
        }
        const auto wh = wh_.leftCols(nb).array() + kTiny;
        StridedBlock rb(r, F, nb, Eigen::OuterStride<>(stride)), qb(q, F, nb, Eigen::OuterStride<>(stride));
        qb = wh.pow(float(beta_ - 1));
        rb = ConstBlock(v, F, nb).array() * qb.array() / wh;
    }

    const Matrix& V_;
    double beta_, gamma_;
    Matrix wh_, rq_, num_;
};

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

    MuPasses passes(V, beta);
    Matrix WH, num, den;
    for (int it = 1; it <= p.iterations; ++it) {
        control.checkCancel();
        if (beta == 2) {
            if (p.updateH) {
                num.resize(K, T);
                kernels::gemmTN(r.W.data(), V.data(), num.data(), int(F), int(K), int(T));
                den.noalias() = (r.W.transpose() * r.W) * r.H;
                applyRatio(r.H, num, den, gamma);
            }
            if (p.updateW) {
                num.resize(F, K);
                kernels::gemmNT(V.data(), r.H.data(), num.data(), int(F), int(T), int(K));
                den.noalias() = r.W * (r.H * r.H.transpose());
                applyRatio(r.W, num, den, gamma);
            }
        } else {
            if (p.updateH) passes.updateH(r.W, r.H);
            if (p.updateW) passes.updateW(r.W, r.H);
        }
        if (p.updateW && p.normaliseW) {
            const Eigen::RowVectorXf norms = r.W.colwise().sum().cwiseMax(1e-30f);
            r.W.array().rowwise() /= norms.array();
            r.H.array().colwise() *= norms.transpose().array();
        }
        ProgressReport rep;
        rep.iteration = it;
        rep.fraction = double(it) / p.iterations;
        if (p.trackObjective) {
            WH.resize(F, T);
            kernels::gemmNN(r.W.data(), r.H.data(), WH.data(), int(F), int(K), int(T));
            const double obj = betaDivergence(V, (WH.array() + kTiny).matrix(), beta);
            r.objective.push_back(obj);
            rep.figures = {{"objective", obj}};
        }
        control.report(rep);
    }
    return r;
}

}  // namespace phaselab::nmf
