#include "core/separation/anisotropic_wiener.h"

#include <cmath>
#include <complex>
#include <numbers>

#include "core/common/error.h"
#include "core/phase/sinusoidal.h"
#include "core/phase/von_mises.h"

namespace phaselab::separation {

using cd = std::complex<double>;

const AlgorithmDescription& awDescription() {
    static const AlgorithmDescription d{
        "aw", "Anisotropic Wiener", "separation",
        "Posterior mean under an anisotropic Gaussian model whose phase follows the sinusoidal model "
        "(von Mises concentration kappa); kappa = 0 is the Wiener filter.",
        {realSpec("kappa", "Kappa", 1.0, 0.0, 1000.0, "",
                    "Von Mises concentration of the phase around its sinusoidal prediction (0 = Wiener).", true),
         choiceSpec("kappa-mode", "Kappa per source", {"shared", "estimated"},
                      "shared: one kappa for all sources; estimated: per-source ML kappa from the isolated "
                      "sources (AW-var; needs the references).")}};
    return d;
}

AwParams awParams(const ParamValues& values, const SeparationInput& in) {
    const auto& d = awDescription();
    validateParams(d, values);
    AwParams p;
    p.kappa = numberParam(d, values, "kappa");
    if (choiceParam(d, values, "kappa-mode") == "estimated") {
        if (int(in.isolated.size()) != in.sources())
            throw InputError("AW with estimated kappas needs one isolated source (reference) per source");
        Stft stft(in.config, in.threads);
        for (const auto& s : in.isolated)
            p.sourceKappas.push_back(estimateSourceKappa(stft.analyse(s), in.config.hop, in.config.fft()));
    }
    return p;
}

void anisotropicPosteriorMean(const cd* m, const double* gamma, const cd* c, int J, cd x, cd* out) {
    cd mX = 0, cX = 0;
    double gX = 0;
    for (int j = 0; j < J; ++j) {
        mX += m[j];
        gX += gamma[j];
        cX += c[j];
    }
    const cd e = x - mX;
    const double D = gX * gX - std::norm(cX);
    if (!(D > 1e-300 * std::max(1.0, gX * gX))) {
        for (int j = 0; j < J; ++j) out[j] = m[j] + e / double(J);
        return;
    }
    const cd ce = std::conj(e), ccX = std::conj(cX);
    for (int j = 0; j < J; ++j)
        out[j] = m[j] + ((gamma[j] * gX - c[j] * ccX) * e + (c[j] * gX - gamma[j] * cX) * ce) / D;
}

double estimateSourceKappa(const Spectrogram& S, int hop, int fftSize, double kappaMax) {
    const Magnitudes psi = sinusoidal::centredPhase(S, hop, fftSize);
    const Magnitudes a = S.abs2().sqrt();
    vonmises::Mask mask = vonmises::Mask::Constant(S.rows(), S.cols(), false);
    for (Eigen::Index t = 1; t < S.cols(); ++t)
        for (const auto& p : sinusoidal::findPeaks(a.col(t)))
            for (int d = -1; d <= 1; ++d)
                if (p.bin + d >= 0 && p.bin + d < S.rows()) mask(p.bin + d, t) = true;
    return vonmises::kappaFromMeanResultant(vonmises::meanResultant(psi, mask), kappaMax);
}

SeparationResult runAnisotropicWiener(const SeparationInput& in, const AwParams& params, const RunControl& control) {
    validateInput(in, 1);
    const int J = in.sources();
    std::vector<double> kappas = params.sourceKappas;
    if (kappas.empty()) kappas.assign(std::size_t(J), params.kappa);
    if (int(kappas.size()) != J)
        throw InputError("AW: " + std::to_string(kappas.size()) + " kappas given for " + std::to_string(J) + " sources");
    std::vector<vonmises::AgMoments> mom;
    for (double k : kappas) {
        if (!(k >= 0) || !std::isfinite(k)) throw InputError("AW: kappa must be finite and >= 0");
        mom.push_back(vonmises::agMoments(k));
    }
    const Eigen::Index F = in.mixtureStft.rows(), T = in.mixtureStft.cols();
    const double advance = 2 * std::numbers::pi * in.config.hop / in.config.fft();

    SeparationResult r;
    r.stfts.assign(std::size_t(J), Spectrogram(F, T));
    Eigen::ArrayXf k(F);
    std::vector<Eigen::ArrayXd> mu(std::size_t(J), Eigen::ArrayXd::Zero(F));
    std::vector<cd> m(J), c(J), out(J);
    std::vector<double> g(J);
    const Eigen::Index every = std::max<Eigen::Index>(1, T / 100);
    for (Eigen::Index t = 0; t < T; ++t) {
        if (t % every == 0) {
            control.checkCancel();
            control.report(double(t) / T, "frame " + std::to_string(t) + " / " + std::to_string(T));
        }
        for (int j = 0; j < J; ++j) {
            if (t == 0) {
                for (Eigen::Index f = 0; f < F; ++f) mu[j][f] = std::arg(cd(in.mixtureStft(f, 0)));
            } else {
                sinusoidal::binFrequencies(in.magnitudes[j].col(t), k);
                for (Eigen::Index f = 0; f < F; ++f) mu[j][f] = std::arg(cd(r.stfts[j](f, t - 1))) + advance * k[f];
            }
        }
        for (Eigen::Index f = 0; f < F; ++f) {
            for (int j = 0; j < J; ++j) {
                const double v = in.magnitudes[j](f, t);
                const cd u = std::polar(1.0, mu[j][f]);
                m[j] = mom[j].lambda * v * u;
                g[j] = (1 - mom[j].lambda * mom[j].lambda) * v * v;
                c[j] = mom[j].rho * v * v * u * u;
            }
            anisotropicPosteriorMean(m.data(), g.data(), c.data(), J, cd(in.mixtureStft(f, t)), out.data());
            for (int j = 0; j < J; ++j) r.stfts[j](f, t) = std::complex<float>(out[j]);
        }
    }
    control.report(1.0, "synthesis");
    synthesiseAll(in, r);
    return r;
}

}  // namespace phaselab::separation
