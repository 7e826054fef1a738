#include "core/separation/pu_iter.h"

#include <cmath>
#include <numbers>

#include "core/common/error.h"
#include "core/phase/sinusoidal.h"

namespace phaselab::separation {

const AlgorithmDescription& puIterDescription() {
    static const AlgorithmDescription d{
        "pu-iter", "PU-Iter", "separation",
        "Sinusoidal phase unwrapping per source, then per-frame iterations distributing the mixing error "
        "(magnitudes kept).",
        {integerSpec("iterations", "Iterations per frame", 50, 0, 10000, "",
                       "Error-redistribution iterations in each frame."),
         choiceSpec("init", "Phase prediction", {"unwrapping", "pghi", "pghi-masked"},
                    "How each frame's starting phase advances from the previous estimate: sinusoidal unwrapping, "
                    "or the advance of each source's PGHI phase (pghi-masked: keeping the mixture phase where the "
                    "source dominates).")}};
    return d;
}

PuIterParams puIterParams(const ParamValues& values) {
    const auto& d = puIterDescription();
    validateParams(d, values);
    PuIterParams p;
    p.iterations = int(numberParam(d, values, "iterations"));
    p.start = sourceStartFromName(choiceParam(d, values, "init"));
    return p;
}

void puIterFrame(const Eigen::ArrayXcf& x, const std::vector<Eigen::ArrayXf>& V, const std::vector<Eigen::ArrayXf>& weights,
                 std::vector<Eigen::ArrayXcf>& S, int iterations, std::vector<double>* errors) {
    const std::size_t J = S.size();
    Eigen::ArrayXcf E(x.size());
    auto error = [&] {
        E = x;
        for (const auto& s : S) E -= s;
    };
    error();
    if (errors) errors->push_back(E.abs2().cast<double>().sum());
    for (int it = 0; it < iterations; ++it) {
        for (std::size_t j = 0; j < J; ++j) {
            S[j] += weights[j] * E;
            S[j] *= (V[j] / (S[j].abs2().sqrt() + kTiny));
        }
        error();
        if (errors) errors->push_back(E.abs2().cast<double>().sum());
    }
}

SeparationResult runPuIter(const SeparationInput& in, const PuIterParams& params, const RunControl& control) {
    validateInput(in, 2);
    if (params.iterations < 0) throw InputError("PU-Iter: the number of iterations must be >= 0");
    const int J = in.sources();
    const Eigen::Index F = in.mixtureStft.rows(), T = in.mixtureStft.cols();
    const float advance = float(2 * std::numbers::pi * in.config.hop / in.config.fft());

    Magnitudes total = Magnitudes::Zero(F, T);
    for (const auto& V : in.magnitudes) total += V.square();
    SeparationResult r;
    r.stfts.assign(std::size_t(J), Spectrogram(F, T));
    std::vector<Eigen::ArrayXf> V(J), w(J);
    std::vector<Eigen::ArrayXcf> S(J);
    Eigen::ArrayXf k(F);
    const std::vector<Magnitudes> pghi =
        params.start == SourceStart::Mixture ? std::vector<Magnitudes>{} : sourceStartPhases(in, params.start);
    const Eigen::ArrayXf mixPhase0 = in.mixtureStft.col(0).arg();
    double errorSum = 0, mixSum = 0;
    const Eigen::Index every = std::max<Eigen::Index>(1, T / 100);
    for (Eigen::Index t = 0; t < T; ++t) {
        for (int j = 0; j < J; ++j) {
            V[j] = in.magnitudes[j].col(t);
            w[j] = (total.col(t) > 0).select(V[j].square() / total.col(t), 1.0f / float(J));
            Eigen::ArrayXf phase;
            if (t == 0) {
                phase = mixPhase0;
            } else if (!pghi.empty()) {
                phase = r.stfts[j].col(t - 1).arg() + pghi[j].col(t) - pghi[j].col(t - 1);
            } else {
                sinusoidal::binFrequencies(V[j], k);
                phase = r.stfts[j].col(t - 1).arg() + advance * k;
            }
            S[j].resize(F);
            S[j].real() = V[j] * phase.cos();
            S[j].imag() = V[j] * phase.sin();
        }
        puIterFrame(in.mixtureStft.col(t), V, w, S, params.iterations);
        Eigen::ArrayXcf E = in.mixtureStft.col(t);
        for (int j = 0; j < J; ++j) {
            r.stfts[j].col(t) = S[j];
            E -= S[j];
        }
        errorSum += E.abs2().cast<double>().sum();
        mixSum += in.mixtureStft.col(t).abs2().cast<double>().sum();
        if ((t + 1) % every == 0 || t + 1 == T) {
            control.checkCancel();
            ProgressReport rep;
            rep.iteration = int(t + 1);
            rep.fraction = double(t + 1) / T;
            rep.message = "frame " + std::to_string(t + 1) + " / " + std::to_string(T);
            rep.figures = {{"mixing_error", errorSum / std::max(mixSum, 1e-300)}};
            r.trace.push_back(rep);
            control.report(rep);
        }
    }
    synthesiseAll(in, r);
    return r;
}

}  // namespace phaselab::separation
