#pragma once
// The von Mises distribution on the circle (shared algorithms.md §6, §7.1):
//   p(theta) = exp(kappa cos(theta - mu)) / (2 pi I0(kappa)),
// with the Bessel-function ratios it needs, evaluated without overflow for any kappa >= 0
// (plain I0 overflows double precision near kappa = 714; everything here uses ratios or
// exponentially scaled values). Angles in radians. Pure functions; thread-safe.
// Tested in tests/test_von_mises.cpp against the reference values of algorithms.md §6 and §7.1.

#include <Eigen/Core>
#include <cstdint>
#include <vector>

namespace phaselab::vonmises {

// A(kappa) = I1(kappa) / I0(kappa), the mean resultant length of VM(mu, kappa); in [0, 1).
double meanResultantLength(double kappa);
// I2(kappa) / I0(kappa).
double secondMomentRatio(double kappa);
// I0(kappa) exp(-kappa).
double scaledBesselI0(double kappa);

// Inverse of A: the maximum-likelihood kappa for a mean resultant length (or, with a known
// location, a mean cosine) r. r <= 0 gives 0; r >= 1 - 1e-9 gives kappaMax. Best-Fisher start
// followed by Newton steps to 1e-12 relative.
double kappaFromMeanResultant(double r, double kappaMax = 1e3);

// Moments of the anisotropic Gaussian matching S = V e^{i phi}, phi ~ VM(mu, kappa) (§7.1):
// mean lambda V e^{i mu}, relation rho V^2 e^{2 i mu}, lambda = A(kappa), rho = I2/I0 - lambda^2.
struct AgMoments {
    double lambda = 0;
    double rho = 0;
};
AgMoments agMoments(double kappa);

// Mean of cos(psi) over the true entries of mask (a location-known mean resultant); 0 if none.
using Mask = Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>;
double meanResultant(const Eigen::ArrayXXf& psi, const Mask& mask);

// Density at theta.
double density(double theta, double mu, double kappa);

struct Fit {
    double kappa = 0;               // ML concentration
    double mu = 0;                  // mean direction (radians, (-pi, pi]); 0 when fixed
    double meanResultantLength = 0; // R = |mean exp(i theta)| (or mean cos(theta) with a known location)
    std::int64_t n = 0;             // samples used
};

// ML fit with unknown location: mu = arg(mean exp(i theta)), kappa = A^-1(R).
// Optional weights (same length, >= 0). Empty input gives n = 0, kappa = 0.
Fit fit(const std::vector<float>& theta, const std::vector<float>& weights = {});
// ML fit with the location known to be 0 (centred phases psi): R = mean cos(psi).
Fit fitCentred(const std::vector<float>& psi, const std::vector<float>& weights = {});

// The same fits from their sufficient statistics: sum of w cos(theta), sum of w sin(theta), sum of
// w, and the sample count (for streaming over data too large to keep).
Fit fitFromSums(double sumCos, double sumSin, double weight, std::int64_t n);
Fit fitCentredFromSums(double sumCos, double weight, std::int64_t n);

// n seeded draws from VM(mu, kappa) (Best & Fisher 1979 rejection sampler), for tests and demos.
std::vector<float> sample(double mu, double kappa, std::size_t n, std::uint32_t seed);

}  // namespace phaselab::vonmises
