#include "core/recovery/repeated_attack.h"

#include <cmath>
#include <complex>
#include <numbers>

#include "core/common/error.h"
#include "core/recovery/common.h"

namespace phaselab::recovery {
namespace {

using Complex = std::complex<double>;
using ArrayXXcd = Eigen::ArrayXXcd;

Complex unit(Complex z) {
    const double a = std::abs(z);
    return a > 0 ? z / a : Complex(1, 0);
}

}  // namespace

const AlgorithmDescription& repeatedAttackDescription() {
    static const AlgorithmDescription d{
        "repeated-attack",
        "Repeated-attack onset phase",
        "recovery",
        "Onset phases of repeated events: a reference phase plus a per-onset delay (Magron et al. 2015).",
        {
            realSpec("sigma", "Model weight", 0.2, 0, 100, "",
                     "Weight of the repeated-attack model against the mixture fit (0.2 in RePU); 0 ignores the model."),
            integerSpec("iterations", "Iterations", 50, 1, 10000, "", "Alternating updates of phases, delays and reference."),
        }};
    return d;
}

Spectrogram selectFrames(const Spectrogram& S, const std::vector<int>& frames) {
    Spectrogram out(S.rows(), Eigen::Index(frames.size()));
    for (std::size_t m = 0; m < frames.size(); ++m) {
        if (frames[m] < 0 || frames[m] >= S.cols())
            throw InputError("frame " + std::to_string(frames[m]) + " is outside the spectrogram (" + std::to_string(S.cols()) +
                             " frames)");
        out.col(Eigen::Index(m)) = S.col(frames[m]);
    }
    return out;
}

double delaySamples(double lambda, int fftSize) { return -lambda * fftSize / (2 * std::numbers::pi); }

RepeatedAttackFit fitRepeatedAttack(const Spectrogram& Yf, const std::vector<Magnitudes>& sources,
                                    const RepeatedAttackParams& params, const RunControl& control) {
    const Eigen::Index F = Yf.rows(), M = Yf.cols();
    const std::size_t K = sources.size();
    if (K == 0) throw InputError("repeated-attack model: at least one source is needed");
    if (M < 1 || F < 2) throw InputError("repeated-attack model: at least one onset frame of two bins is needed");
    if (!Yf.isFinite().all()) throw InputError("repeated-attack model: the onset frames contain NaN or infinite values");
    for (const auto& A : sources) {
        if (A.rows() != F || A.cols() != M)
            throw InputError("repeated-attack model: each source's magnitudes must be " + std::to_string(F) + " x " +
                             std::to_string(M) + " like the onset frames");
        if (!A.isFinite().all() || (A < 0).any())
            throw InputError("repeated-attack model: source magnitudes must be finite and non-negative");
    }
    if (!(params.sigma >= 0) || !std::isfinite(params.sigma))
        throw InputError("repeated-attack model: sigma must be a non-negative number");
    if (params.iterations < 1) throw InputError("repeated-attack model: the number of iterations must be at least 1");

    const ArrayXXcd Y = Yf.cast<Complex>();
    const Eigen::ArrayXd bins = Eigen::ArrayXd::LinSpaced(F, 0, double(F - 1));
    std::vector<Eigen::ArrayXXd> A(K);
    std::vector<ArrayXXcd> E(K);  // e^{i phi_k}
    std::vector<Eigen::ArrayXcd> psi(K);
    std::vector<Eigen::ArrayXd> lambda(K);
    for (std::size_t k = 0; k < K; ++k) {
        A[k] = sources[k].cast<double>();
        E[k] = Y.unaryExpr([](Complex z) { return unit(z); });
        psi[k] = E[k].col(0);
        lambda[k] = Eigen::ArrayXd::Zero(M);
    }
    auto model = [&](std::size_t k, Eigen::Index m) {  // e^{i psi} e^{i lambda f}
        return Eigen::ArrayXcd(psi[k] * (Complex(0, 1) * lambda[k][m] * bins).exp());
    };
    auto cost = [&]() {
        ArrayXXcd residual = Y;
        double c = 0;
        for (std::size_t k = 0; k < K; ++k) {
            residual -= A[k] * E[k];
            for (Eigen::Index m = 0; m < M; ++m) c += params.sigma * (A[k].col(m).square() * (E[k].col(m) - model(k, m)).abs2()).sum();
        }
        return c + residual.abs2().sum();
    };

    RepeatedAttackFit fit;
    for (int it = 1; it <= params.iterations; ++it) {
        control.checkCancel();
        ArrayXXcd total = ArrayXXcd::Zero(F, M);
        for (std::size_t k = 0; k < K; ++k) total += A[k] * E[k];
        for (std::size_t k = 0; k < K; ++k) {
            const ArrayXXcd B = Y - total + A[k] * E[k];
            for (Eigen::Index m = 0; m < M; ++m)
                E[k].col(m) = (B.col(m) + params.sigma * A[k].col(m) * model(k, m)).unaryExpr([](Complex z) { return unit(z); });
            for (Eigen::Index m = 0; m < M; ++m) {
                const Eigen::ArrayXcd b = A[k].col(m) * E[k].col(m) * psi[k].conjugate();
                lambda[k][m] = std::arg((b.head(F - 1).conjugate() * b.tail(F - 1)).sum());
            }
            const double offset = lambda[k][0];
            lambda[k] -= offset;
            Eigen::ArrayXcd sum = Eigen::ArrayXcd::Zero(F);
            for (Eigen::Index m = 0; m < M; ++m)
                sum += A[k].col(m).square() * E[k].col(m) * (Complex(0, -1) * lambda[k][m] * bins).exp();
            psi[k] = sum.unaryExpr([](Complex z) { return unit(z); });
        }
        fit.cost.push_back(cost());
        ProgressReport r;
        r.fraction = double(it) / params.iterations;
        r.iteration = it;
        r.figures = {{"objective", fit.cost.back()}};
        control.report(r);
    }
    for (std::size_t k = 0; k < K; ++k) {
        fit.phases.push_back(E[k].arg().cast<float>());
        fit.reference.push_back(psi[k].arg().cast<float>());
        fit.slope.push_back(lambda[k].cast<float>());
    }
    return fit;
}

}  // namespace phaselab::recovery
