#include "core/separation/bregman_misi.h"

#include <cmath>

#include "core/common/error.h"

namespace phaselab::separation {

const AlgorithmDescription& bregmanMisiDescription() {
    static const AlgorithmDescription d{
        "bregman-misi", "Bregman MISI", "separation",
        "Projected gradient on a beta-divergence between target and estimated spectrograms, with the mixing "
        "constraint; beta = 2, d = 1, step 1 is MISI.",
        {integerSpec("iterations", "Iterations", 5, 0, 10000, "", "Gradient iterations."),
         realSpec("beta", "Beta", 2.0, 0.0, 2.0, "", "Divergence: 0 = Itakura-Saito, 1 = Kullback-Leibler, 2 = quadratic."),
         integerSpec("exponent", "Exponent d", 1, 1, 2, "", "Compare magnitudes (1) or powers (2)."),
         choiceSpec("side", "Problem", {"right", "left"},
                      "right: D(target | estimate); left: D(estimate | target)."),
         realSpec("step", "Step size", 1.0, 1e-12, 1e3, "", "Gradient step mu (depends on beta, d and the level).", true),
         choiceSpec("init", "Initialisation", {"amplitude-mask", "pghi", "pghi-masked"},
                    "amplitude-mask: magnitudes with the mixture phase; pghi: each source's phase by PGHI from its "
                    "own magnitude; pghi-masked: the same, keeping the mixture phase where the source dominates.")}};
    return d;
}

BregmanMisiParams bregmanMisiParams(const ParamValues& values) {
    const auto& d = bregmanMisiDescription();
    validateParams(d, values);
    BregmanMisiParams p;
    p.iterations = int(numberParam(d, values, "iterations"));
    p.beta = numberParam(d, values, "beta");
    p.exponent = int(numberParam(d, values, "exponent"));
    p.left = choiceParam(d, values, "side") == "left";
    p.step = numberParam(d, values, "step");
    p.start = sourceStartFromName(choiceParam(d, values, "init"));
    return p;
}

namespace {

using Arr = Eigen::ArrayXXd;

// Elementwise beta-divergence d_beta(a | b), summed.
double divergence(const Arr& a, const Arr& b, double beta) {
    if (beta == 2) return 0.5 * (a - b).square().sum();
    if (beta == 1) return (a * (a / b).log() - a + b).sum();
    if (beta == 0) return (a / b - (a / b).log() - 1).sum();
    return ((a.pow(beta) + (beta - 1) * b.pow(beta) - beta * a * b.pow(beta - 1)) / (beta * (beta - 1))).sum();
}

// Derivative of the loss with respect to z (the estimate's |S|^d).
Arr gradient(const Arr& z, const Arr& r, double beta, bool left) {
    if (!left) return z.pow(beta - 2) * (z - r);
    if (beta == 1) return (z / r).log();
    if (beta == 0) return r.inverse() - z.inverse();
    return (z.pow(beta - 1) - r.pow(beta - 1)) / (beta - 1);
}

}  // namespace

SeparationResult runBregmanMisi(const SeparationInput& in, const BregmanMisiParams& p, const RunControl& control) {
    validateInput(in, 2);
    if (p.iterations < 0 || !(p.beta >= 0) || (p.exponent != 1 && p.exponent != 2) || !(p.step > 0) || !(p.eps > 0))
        throw InputError("Bregman MISI: invalid parameters (iterations >= 0, beta >= 0, d = 1 or 2, step > 0)");
    const int J = in.sources();
    const Eigen::Index L = in.length();
    const double d = p.exponent;
    Stft stft(in.config, in.threads);
    std::vector<Arr> target(J);
    for (int j = 0; j < J; ++j) target[j] = (in.magnitudes[j].cast<double>().square() + p.eps).pow(d / 2);

    SeparationResult r;
    r.waveforms.resize(J);
    r.stfts.resize(J);
    const Magnitudes a = in.mixtureStft.abs2().sqrt();
    const Spectrogram unit = (a > 0).select(in.mixtureStft / a, std::complex<float>(1, 0));
    const std::vector<Magnitudes> phases =
        p.start == SourceStart::Mixture ? std::vector<Magnitudes>{} : sourceStartPhases(in, p.start);
    for (int j = 0; j < J; ++j) {
        Spectrogram Y = phases.empty() ? Spectrogram(in.magnitudes[j] * unit) : polar(in.magnitudes[j], phases[j]);
        stft.synthesise(Y, L, r.waveforms[j]);
        stft.analyse(r.waveforms[j], r.stfts[j]);
    }
    IterationLog log(control, r.trace, p.iterations);
    Spectrogram E;
    for (int it = 1; it <= p.iterations; ++it) {
        log.check();
        E = in.mixtureStft;
        for (int j = 0; j < J; ++j) {
            const Arr power = r.stfts[j].abs2().cast<double>() + p.eps;
            const Arr z = power.pow(d / 2);
            const Arr g = gradient(z, target[j], p.beta, p.left);
            const Arr factor = 1 - p.step * d * power.pow(d / 2 - 1) * g;
            r.stfts[j] *= factor.cast<float>();
            E -= r.stfts[j];
        }
        E /= float(J);
        double objective = 0;
        for (int j = 0; j < J; ++j) {
            r.stfts[j] += E;
            stft.synthesise(r.stfts[j], L, r.waveforms[j]);
            stft.analyse(r.waveforms[j], r.stfts[j]);
            const Arr z = (r.stfts[j].abs2().cast<double>() + p.eps).pow(d / 2);
            objective += p.left ? divergence(z, target[j], p.beta) : divergence(target[j], z, p.beta);
        }
        log.record(it, {{"objective", objective}});
    }
    return r;
}

}  // namespace phaselab::separation
