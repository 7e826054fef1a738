#include "core/separation/pcg.h"

#include <cmath>

namespace phaselab::separation {

double weightedInner(const Spectrogram& P, const Spectrogram& Q) {
    const Eigen::Index F = P.rows();
    double sum = 0;
    for (Eigen::Index t = 0; t < P.cols(); ++t) {
        const auto p = P.col(t), q = Q.col(t);
        double col = 2 * (p.real() * q.real() + p.imag() * q.imag()).cast<double>().sum();
        col -= double(p(0).real() * q(0).real() + p(0).imag() * q(0).imag());
        if (F > 1) col -= double(p(F - 1).real() * q(F - 1).real() + p(F - 1).imag() * q(F - 1).imag());
        sum += col;
    }
    return sum;
}

PcgOutcome conjugateGradient(Spectrogram& S, Spectrogram& r, const std::function<void(const Spectrogram&, Spectrogram&)>& applyA,
                             const std::function<void(const Spectrogram&, Spectrogram&)>& precondition,
                             int maxIterations, double tolerance, const std::function<void(int, double)>& onIteration) {
    PcgOutcome out;
    Spectrogram z, P, AP;
    precondition(r, z);
    P = z;
    double rho = weightedInner(r, z);
    const double r0 = std::sqrt(std::max(weightedInner(r, r), 1e-300));
    if (rho <= 0) {
        out.converged = true;
        return out;
    }
    for (int k = 1; k <= maxIterations; ++k) {
        applyA(P, AP);
        const double pAp = weightedInner(P, AP);
        if (!(pAp > 0)) {
            out.converged = true;
            break;
        }
        const double alpha = rho / pAp;
        S += float(alpha) * P;
        r -= float(alpha) * AP;
        const double rel = std::sqrt(std::max(weightedInner(r, r), 0.0)) / r0;
        out.residuals.push_back(rel);
        out.iterations = k;
        if (onIteration) onIteration(k, rel);
        if (alpha * alpha * P.abs2().cast<double>().sum() < tolerance * S.abs2().cast<double>().sum()) {
            out.converged = true;
            break;
        }
        precondition(r, z);
        const double rhoNew = weightedInner(r, z);
        P = z + float(rhoNew / rho) * P;
        rho = rhoNew;
    }
    return out;
}

}  // namespace phaselab::separation
