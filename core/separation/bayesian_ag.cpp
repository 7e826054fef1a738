#include "core/separation/bayesian_ag.h"

#include <cmath>
#include <complex>
#include <numbers>

#include "core/common/error.h"
#include "core/phase/sinusoidal.h"
#include "core/phase/von_mises.h"

namespace phaselab::separation {

using cd = std::complex<double>;
using nmf::Matrix;

AnisotropicGaussianEm::AnisotropicGaussianEm(const Spectrogram& X, int sources, double kappa, double tau, double advance)
    : X_(X), kappa_(kappa), tau_(tau), advance_(advance), mu_(std::size_t(sources), X.arg()) {
    const vonmises::AgMoments m = vonmises::agMoments(kappa);
    lambda_ = std::sqrt(std::numbers::pi) / 2 * m.lambda;
    const double secondMoment = m.rho + m.lambda * m.lambda;  // I2/I0
    a_ = 1 - lambda_ * lambda_;
    b_ = secondMoment - lambda_ * lambda_;
    delta_ = a_ * a_ - b_ * b_;
    updateDirections();
}

void AnisotropicGaussianEm::updateDirections() {
    cosMu_.resize(mu_.size());
    sinMu_.resize(mu_.size());
    for (std::size_t j = 0; j < mu_.size(); ++j) {
        cosMu_[j] = mu_[j].cos();
        sinMu_[j] = mu_[j].sin();
    }
}

double AnisotropicGaussianEm::eStep(const std::vector<Matrix>& v, std::vector<Spectrogram>& S, std::vector<Matrix>* p,
                                    std::vector<Matrix>* q) const {
    const int J = int(mu_.size()), F = int(X_.rows()), T = int(X_.cols());
    S.resize(std::size_t(J));
    for (auto& s : S) s.resize(F, T);
    const bool statistics = p && q;
    if (statistics) {
        p->resize(std::size_t(J));
        q->resize(std::size_t(J));
        for (int j = 0; j < J; ++j) {
            (*p)[j].resize(F, T);
            (*q)[j].resize(F, T);
        }
    }
    double nll = 0;
    std::vector<cd> m(J), c(J), u(J);
    std::vector<double> g(J);
    for (int t = 0; t < T; ++t)
        for (int f = 0; f < F; ++f) {
            cd mX = 0, cX = 0;
            double gX = 0;
            for (int j = 0; j < J; ++j) {
                const double vj = v[j](f, t);
                u[j] = cd(cosMu_[j](f, t), sinMu_[j](f, t));
                m[j] = lambda_ * std::sqrt(vj) * u[j];
                g[j] = a_ * vj;
                c[j] = b_ * vj * u[j] * u[j];
                mX += m[j];
                gX += g[j];
                cX += c[j];
            }
            const cd e = cd(X_(f, t)) - mX;
            const double D = std::max(gX * gX - std::norm(cX), 1e-300);
            nll += 0.5 * std::log(D) + (gX * std::norm(e) - std::real(std::conj(cX) * e * e)) / D;
            for (int j = 0; j < J; ++j) {
                const cd s = m[j] + ((g[j] * gX - c[j] * std::conj(cX)) * e + (c[j] * gX - g[j] * cX) * std::conj(e)) / D;
                S[j](f, t) = std::complex<float>(s);
                if (!statistics) continue;
                const double gp = g[j] - (gX * (g[j] * g[j] + std::norm(c[j])) - 2 * g[j] * std::real(c[j] * std::conj(cX))) / D;
                const cd cp = c[j] - (2 * g[j] * gX * c[j] - g[j] * g[j] * cX - c[j] * c[j] * std::conj(cX)) / D;
                const cd u2c = std::conj(u[j] * u[j]);
                (*p)[j](f, t) = float(std::max(0.0, (a_ * (gp + std::norm(s)) - b_ * std::real(u2c * (cp + s * s))) / delta_));
                (*q)[j](f, t) = float(2 * lambda_ * (b_ - a_) * std::real(s * std::conj(u[j])) / delta_);
            }
        }
    return nll;
}

void AnisotropicGaussianEm::phaseStep(const std::vector<Matrix>& v, const std::vector<Spectrogram>& S, bool variancesChanged) {
    if (kappa_ <= 0) return;
    const int F = int(X_.rows()), T = int(X_.cols());
    if (variancesChanged || nu_.size() != mu_.size()) {
        nu_.resize(mu_.size());
        for (std::size_t j = 0; j < mu_.size(); ++j) nu_[j] = sinusoidal::binFrequencies(v[j].array());
    }
    const float coefScale = float(2 * lambda_ * (a_ - b_) / delta_);
    Eigen::ArrayXf back(F), ahead(F), cosSum(F), sinSum(F), re(F), im(F);  // per-frame work, allocated once
    for (std::size_t j = 0; j < mu_.size(); ++j) {
        const Eigen::ArrayXXf& nu = nu_[j];
        Eigen::ArrayXXf& mu = mu_[j];
        for (int t = 1; t + 1 < T; ++t) {
            back = mu.col(t - 1) + float(advance_) * nu.col(t);
            ahead = mu.col(t + 1) - float(advance_) * nu.col(t + 1);
            cosSum = back.cos() + ahead.cos();  // kept apart from the strided real/imag views, so Eigen vectorises it
            sinSum = back.sin() + ahead.sin();
            const auto coef = coefScale * v[j].col(t).array().rsqrt();
            re = coef * S[j].col(t).real() + float(tau_) * cosSum;
            im = coef * S[j].col(t).imag() + float(tau_) * sinSum;
            for (int f = 0; f < F; ++f) mu(f, t) = std::atan2(im[f], re[f]);
        }
    }
    updateDirections();
}

float closedFormVariance(float p, float q) {
    const double s = (double(q) + std::sqrt(double(q) * q + 16.0 * std::max(0.0f, p))) / 4;
    return float(s * s);
}

const AlgorithmDescription& bagDescription() {
    static const AlgorithmDescription d{
        "bag", "Bayesian anisotropic Gaussian", "separation",
        "Rayleigh magnitudes with von Mises phases around locations that follow a sinusoidal Markov prior; EM on the "
        "given magnitudes (Magron, Le Roux & Virtanen 2018).",
        {realSpec("kappa", "Kappa", 5.0, 0.0, 1000.0, "", "Von Mises concentration of the phases (0 = Wiener filter).", true),
         realSpec("tau", "Tau", 0.5, 0.0, 1000.0, "", "Weight of the sinusoidal Markov prior on the phase locations."),
         integerSpec("iterations", "EM iterations", 150, 0, 100000, "", "Number of EM iterations."),
         flagSpec("update-variances", "Update variances", false,
                  "Re-estimate the source variances in closed form each iteration instead of keeping the given magnitudes.")}};
    return d;
}

BagParams bagParams(const ParamValues& values) {
    const auto& d = bagDescription();
    validateParams(d, values);
    BagParams p;
    p.kappa = numberParam(d, values, "kappa");
    p.tau = numberParam(d, values, "tau");
    p.iterations = int(numberParam(d, values, "iterations"));
    p.updateVariances = numberParam(d, values, "update-variances") != 0;
    return p;
}

SeparationResult runBayesianAg(const SeparationInput& in, const BagParams& params, const RunControl& control) {
    validateInput(in, 2);
    if (!(params.kappa >= 0) || !std::isfinite(params.kappa) || !(params.tau >= 0) || !std::isfinite(params.tau) ||
        params.iterations < 0)
        throw InputError("BAG: kappa and tau must be finite and >= 0, iterations >= 0");
    const int J = in.sources();
    const double advance = 2 * std::numbers::pi * in.config.hop / in.config.fft();
    std::vector<Matrix> v(static_cast<std::size_t>(J));
    for (int j = 0; j < J; ++j) v[j] = in.magnitudes[j].square().matrix().cwiseMax(1e-30f);

    AnisotropicGaussianEm em(in.mixtureStft, J, params.kappa, params.tau, advance);
    SeparationResult r;
    std::vector<Matrix> p, q;
    IterationLog log(control, r.trace, params.iterations);
    for (int it = 1; it <= params.iterations; ++it) {
        log.check();
        const double nll = em.eStep(v, r.stfts, params.updateVariances ? &p : nullptr, params.updateVariances ? &q : nullptr);
        if (params.updateVariances)
            for (int j = 0; j < J; ++j)
                v[j] = p[j].binaryExpr(q[j], [](float pp, float qq) { return closedFormVariance(pp, qq); }).cwiseMax(1e-30f);
        em.phaseStep(v, r.stfts, params.updateVariances);
        log.record(it, {{"neg_log_likelihood", nll}});
    }
    em.eStep(v, r.stfts);
    synthesiseAll(in, r);
    return r;
}

}  // namespace phaselab::separation
