#include "core/phase/von_mises.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

namespace phaselab::vonmises {
namespace {

// I_{nu+1}(x) / I_nu(x) for nu = 0 and 1 by Miller's backward recurrence on the ratios,
// r_n = 1 / (2 (n + 1) / x + r_{n+1}), which is stable and never overflows.
void besselRatios(double x, double& r0, double& r1) {
    if (x <= 0) {
        r0 = r1 = 0;
        return;
    }
    const int start = int(std::min(2e6, x + 60.0 + 10.0 * std::sqrt(x)));
    double r = 0;
    for (int n = start; n >= 1; --n) r = 1.0 / (2.0 * (n + 1) / x + r);
    r1 = r;
    r0 = 1.0 / (2.0 / x + r1);
}

}  // namespace

double meanResultantLength(double kappa) {
    double r0, r1;
    besselRatios(kappa, r0, r1);
    return r0;
}

double secondMomentRatio(double kappa) {
    double r0, r1;
    besselRatios(kappa, r0, r1);
    return r0 * r1;
}

double scaledBesselI0(double kappa) {
    kappa = std::abs(kappa);
    if (kappa < 500) return std::cyl_bessel_i(0.0, kappa) * std::exp(-kappa);
    const double k = 1.0 / kappa;
    return (1 + k / 8 + 9 * k * k / 128 + 225 * k * k * k / 3072) / std::sqrt(2 * std::numbers::pi * kappa);
}

AgMoments agMoments(double kappa) {
    double r0, r1;
    besselRatios(kappa, r0, r1);
    return AgMoments{r0, r0 * r1 - r0 * r0};
}

double meanResultant(const Eigen::ArrayXXf& psi, const Mask& mask) {
    double sum = 0;
    std::int64_t n = 0;
    for (Eigen::Index i = 0; i < psi.size(); ++i)
        if (mask(i)) {
            sum += std::cos(double(psi(i)));
            ++n;
        }
    return n ? sum / double(n) : 0.0;
}

double kappaFromMeanResultant(double r, double kappaMax) {
    if (!(r > 0)) return 0;
    if (r >= 1 - 1e-9) return kappaMax;
    double k;
    if (r < 0.53) k = 2 * r + r * r * r + 5 * std::pow(r, 5) / 6;
    else if (r < 0.85) k = -0.4 + 1.39 * r + 0.43 / (1 - r);
    else k = 1 / (r * r * r - 4 * r * r + 3 * r);
    for (int i = 0; i < 50; ++i) {
        const double a = meanResultantLength(k);
        const double derivative = 1 - a * a - a / k;
        if (!(derivative > 0)) break;
        const double next = std::max(k - (a - r) / derivative, 0.5 * k);
        const bool done = std::abs(next - k) <= 1e-12 * k;
        k = next;
        if (done) break;
    }
    return std::min(k, kappaMax);
}

double density(double theta, double mu, double kappa) {
    return std::exp(kappa * (std::cos(theta - mu) - 1)) / (2 * std::numbers::pi * scaledBesselI0(kappa));
}

Fit fitFromSums(double sumCos, double sumSin, double weight, std::int64_t n) {
    Fit f;
    f.n = n;
    if (weight <= 0) return f;
    f.meanResultantLength = std::hypot(sumCos, sumSin) / weight;
    f.mu = std::atan2(sumSin, sumCos);
    f.kappa = kappaFromMeanResultant(f.meanResultantLength);
    return f;
}

Fit fitCentredFromSums(double sumCos, double weight, std::int64_t n) {
    Fit f;
    f.n = n;
    if (weight <= 0) return f;
    f.meanResultantLength = sumCos / weight;
    f.kappa = kappaFromMeanResultant(f.meanResultantLength);
    return f;
}

Fit fit(const std::vector<float>& theta, const std::vector<float>& weights) {
    double c = 0, s = 0, w = 0;
    for (std::size_t i = 0; i < theta.size(); ++i) {
        const double wi = weights.empty() ? 1.0 : weights[i];
        c += wi * std::cos(theta[i]);
        s += wi * std::sin(theta[i]);
        w += wi;
    }
    return fitFromSums(c, s, w, std::int64_t(theta.size()));
}

Fit fitCentred(const std::vector<float>& psi, const std::vector<float>& weights) {
    double c = 0, w = 0;
    for (std::size_t i = 0; i < psi.size(); ++i) {
        const double wi = weights.empty() ? 1.0 : weights[i];
        c += wi * std::cos(psi[i]);
        w += wi;
    }
    return fitCentredFromSums(c, w, std::int64_t(psi.size()));
}

std::vector<float> sample(double mu, double kappa, std::size_t n, std::uint32_t seed) {
    std::mt19937 g(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<float> out;
    out.reserve(n);
    const double pi = std::numbers::pi;
    if (kappa < 1e-8) {
        for (std::size_t i = 0; i < n; ++i) out.push_back(float(u(g) * 2 * pi - pi));
        return out;
    }
    const double tau = 1 + std::sqrt(1 + 4 * kappa * kappa);
    const double rho = (tau - std::sqrt(2 * tau)) / (2 * kappa);
    const double r = (1 + rho * rho) / (2 * rho);
    while (out.size() < n) {
        const double z = std::cos(pi * u(g));
        const double f = (1 + r * z) / (r + z);
        const double c = kappa * (r - f);
        const double u2 = u(g);
        if (c * (2 - c) - u2 > 0 || std::log(c / u2) + 1 - c >= 0) {
            double theta = (u(g) > 0.5 ? 1 : -1) * std::acos(std::clamp(f, -1.0, 1.0)) + mu;
            theta = std::remainder(theta, 2 * pi);
            out.push_back(float(theta));
        }
    }
    return out;
}

}  // namespace phaselab::vonmises
