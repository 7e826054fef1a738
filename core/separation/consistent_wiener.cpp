#include "core/separation/consistent_wiener.h"

#include <cmath>

#include "core/common/error.h"
#include "core/separation/pcg.h"

namespace phaselab::separation {

const AlgorithmDescription& cwDescription() {
    static const AlgorithmDescription d{
        "cw", "Consistent Wiener", "separation",
        "Wiener filter with a penalty on STFT inconsistency, solved by preconditioned conjugate gradient.",
        {realSpec("weight", "Consistency weight", 4.0, 0.0, 1e6, "",
                    "Weight of the inconsistency penalty (Magron's units; 0 = Wiener).", true),
         integerSpec("iterations", "Maximum iterations", 100, 1, 100000, "",
                       "Cap on conjugate-gradient iterations per source."),
         realSpec("tolerance", "Tolerance", 1e-6, 1e-12, 1.0, "", "Relative step size at which the solver stops.", true)}};
    return d;
}

CwParams cwParams(const ParamValues& values) {
    const auto& d = cwDescription();
    validateParams(d, values);
    CwParams p;
    p.gamma = numberParam(d, values, "weight");
    p.maxIterations = int(numberParam(d, values, "iterations"));
    p.tolerance = numberParam(d, values, "tolerance");
    return p;
}

SeparationResult runConsistentWiener(const SeparationInput& in, const CwParams& params, const RunControl& control) {
    validateInput(in, 2);
    if (!(params.gamma >= 0) || params.maxIterations < 1 || !(params.tolerance > 0))
        throw InputError("CW: the weight must be >= 0, the iterations >= 1 and the tolerance > 0");
    const int J = in.sources();
    const Eigen::Index L = in.length();
    const float gamma = float(params.gamma / in.config.fft());
    const float diagFc = float(in.config.windowLength - in.config.hop) / float(in.config.windowLength);
    float vmax = 0;
    for (const auto& V : in.magnitudes) vmax = std::max(vmax, V.maxCoeff());
    const float eps = std::max(1e-12f * vmax * vmax, 1e-30f);

    Stft stft(in.config, in.threads);
    SeparationResult r;
    r.stfts.resize(J);
    Spectrogram residualMix = in.mixtureStft, tmp;
    Magnitudes vN = Magnitudes::Zero(in.mixtureStft.rows(), in.mixtureStft.cols());
    for (int k = 1; k < J; ++k) vN += in.magnitudes[k].square();
    auto fc = [&](const Spectrogram& P, Spectrogram& out) {
        tmp = P;
        stft.project(tmp, L);
        out = P - tmp;
    };
    int total = 0;
    for (int j = 0; j < J - 1; ++j) {
        const Magnitudes vS = in.magnitudes[j].square() + eps, vn = vN + eps;
        const Magnitudes lambda = vS.inverse() + vn.inverse();
        const Magnitudes precond = (lambda + gamma * diagFc).inverse();
        Spectrogram& S = r.stfts[j];
        S = (vS / (vS + vn)) * residualMix;
        Spectrogram res;
        fc(S, res);
        res *= -gamma;
        auto applyA = [&](const Spectrogram& P, Spectrogram& out) {
            fc(P, out);
            out = lambda * P + gamma * out;
        };
        auto precondition = [&](const Spectrogram& R, Spectrogram& out) { out = precond * R; };
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
        if (gamma > 0) conjugateGradient(S, res, applyA, precondition, params.maxIterations, params.tolerance, onIteration);
        residualMix -= S;
        if (j + 1 < J) vN -= in.magnitudes[j + 1].square();
        vN = vN.max(0.0f);
    }
    r.stfts[J - 1] = residualMix;
    synthesiseAll(in, r);
    return r;
}

}  // namespace phaselab::separation
