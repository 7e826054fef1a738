#include "core/separation/consistent_anisotropic_wiener.h"

#include <cmath>

#include "core/common/error.h"
#include "core/phase/von_mises.h"
#include "core/separation/pcg.h"

namespace phaselab::separation {

const AlgorithmDescription& cawDescription() {
    static const AlgorithmDescription d{
        "caw", "Consistent anisotropic Wiener", "separation",
        "Anisotropic Wiener estimate refined with an STFT-consistency penalty (preconditioned conjugate gradient).",
        {awDescription().params[0], awDescription().params[1],
         realSpec("weight", "Consistency weight", 1.0, 0.0, 1e6, "",
                    "Weight delta of the inconsistency penalty (Magron's units; 0 = AW).", true),
         integerSpec("iterations", "Maximum iterations", 60, 1, 100000, "",
                       "Cap on conjugate-gradient iterations per source."),
         realSpec("tolerance", "Tolerance", 1e-6, 1e-12, 1.0, "", "Relative step size at which the solver stops.", true)}};
    return d;
}

CawParams cawParams(const ParamValues& values, const SeparationInput& in) {
    const auto& d = cawDescription();
    validateParams(d, values);
    CawParams p;
    ParamValues awValues;
    for (const char* id : {"kappa", "kappa-mode"})
        if (values.count(id)) awValues[id] = values.at(id);
    p.aw = awParams(awValues, in);
    p.delta = numberParam(d, values, "weight");
    p.maxIterations = int(numberParam(d, values, "iterations"));
    p.tolerance = numberParam(d, values, "tolerance");
    return p;
}

SeparationResult runConsistentAnisotropicWiener(const SeparationInput& in, const CawParams& params,
                                                const RunControl& control) {
    validateInput(in, 2);
    if (!(params.delta >= 0) || params.maxIterations < 1 || !(params.tolerance > 0))
        throw InputError("CAW: the weight must be >= 0, the iterations >= 1 and the tolerance > 0");
    const int J = in.sources();
    const Eigen::Index L = in.length(), F = in.mixtureStft.rows(), T = in.mixtureStft.cols();
    SeparationResult init = runAnisotropicWiener(in, params.aw, control);
    if (params.delta == 0) return init;

    std::vector<double> kappas = params.aw.sourceKappas;
    if (kappas.empty()) kappas.assign(std::size_t(J), params.aw.kappa);
    const float delta = float(params.delta / in.config.fft());
    const float diagFc = float(in.config.windowLength - in.config.hop) / float(in.config.windowLength);
    double vmax = 0;
    for (const auto& V : in.magnitudes) vmax = std::max(vmax, double(V.maxCoeff()));
    const double eps = std::max(1e-12 * vmax * vmax, 1e-30);

    Stft stft(in.config, in.threads);
    SeparationResult r;
    r.stfts.resize(J);
    Spectrogram tmp, rest = Spectrogram::Zero(F, T);
    for (int k = 1; k < J; ++k) rest += init.stfts[k];
    Eigen::ArrayXXd v2 = Eigen::ArrayXXd::Zero(F, T);
    for (int k = 1; k < J; ++k) v2 += in.magnitudes[k].cast<double>().square();
    auto fc = [&](const Spectrogram& P, Spectrogram& out) {
        tmp = P;
        stft.project(tmp, L);
        out = P - tmp;
    };
    Spectrogram sum = Spectrogram::Zero(F, T);
    int total = 0;
    for (int j = 0; j < J - 1; ++j) {
        // Pair moments: source j (1) against the later sources (2), shared VM constants of source j / the rest.
        const auto m1 = vonmises::agMoments(kappas[j]);
        double kRest = 0;
        for (int k = j + 1; k < J; ++k) kRest += kappas[k] / (J - 1 - j);
        const auto m2 = vonmises::agMoments(kRest);
        Magnitudes gp(F, T), dp(F, T);
        Spectrogram cp(F, T);
        for (Eigen::Index t = 0; t < T; ++t)
            for (Eigen::Index f = 0; f < F; ++f) {
                using cd = std::complex<double>;
                const double a = double(in.magnitudes[j](f, t)) * in.magnitudes[j](f, t) + eps, b = v2(f, t) + eps;
                const cd u1 = std::polar(1.0, std::arg(cd(init.stfts[j](f, t))));
                const cd u2 = std::polar(1.0, std::arg(cd(rest(f, t))));
                const double g1 = (1 - m1.lambda * m1.lambda) * a, g2 = (1 - m2.lambda * m2.lambda) * b;
                const cd c1 = m1.rho * a * u1 * u1, c2 = m2.rho * b * u2 * u2;
                const double gX = g1 + g2;
                const cd cX = c1 + c2;
                const double D = gX * gX - std::norm(cX) + eps * eps;
                const double g = std::abs(g1 - (gX * (g1 * g1 + std::norm(c1)) - 2 * g1 * std::real(c1 * std::conj(cX))) / D);
                const cd c = c1 - (2 * g1 * gX * c1 - g1 * g1 * cX - c1 * c1 * std::conj(cX)) / D;
                const double d = std::max(g * g - std::norm(c), 1e-12 * g * g + 1e-300);
                gp(f, t) = float(g / d);
                cp(f, t) = std::complex<float>(c / d);
                dp(f, t) = float(d);
            }
        // A(P) = gp P - cp conj(P) + delta Fc(P); preconditioner: inverse of the pointwise part + delta*diagFc.
        const Magnitudes pg = gp + delta * diagFc;
        const Magnitudes det = (pg.square() - cp.abs2()).max(1e-30f);
        Spectrogram& S = r.stfts[j];
        S = init.stfts[j];
        Spectrogram res;
        fc(S, res);
        res *= -delta;
        auto applyA = [&](const Spectrogram& P, Spectrogram& out) {
            fc(P, out);
            out = gp * P - cp * P.conjugate() + delta * out;
        };
        auto precondition = [&](const Spectrogram& R, Spectrogram& out) {
            out = (pg * R + cp * R.conjugate()) / det;
        };
        auto onIteration = [&](int, double rel) {
            ++total;
            ProgressReport rep;
            rep.iteration = total;
            rep.fraction = double(j) / (J - 1);
            rep.message = "source " + std::to_string(j + 1) + ", iteration " + std::to_string(total);
            rep.figures = {{"relative_residual", rel}, {"source", double(j)}};
            r.trace.push_back(rep);
            control.report(rep);
            control.checkCancel();
        };
        conjugateGradient(S, res, applyA, precondition, params.maxIterations, params.tolerance, onIteration);
        sum += S;
        if (j + 1 < J) {
            rest -= init.stfts[j + 1];
            v2 -= in.magnitudes[j + 1].cast<double>().square();
            v2 = v2.max(0.0);
        }
    }
    r.stfts[J - 1] = in.mixtureStft - sum;
    synthesiseAll(in, r);
    return r;
}

}  // namespace phaselab::separation
