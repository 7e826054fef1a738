#include "core/separation/misi.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"
#include "core/separation/param_specs.h"

namespace phaselab::separation {

const AlgorithmDescription& misiDescription() {
    static const AlgorithmDescription d{
        "misi", "MISI", "separation",
        "Multiple input spectrogram inversion: iterate magnitude projection and redistribution of the mixing error.",
        {spec::integer("iterations", "Iterations", 5, 0, 10000, "",
                       "Number of MISI iterations (each costs one STFT and one inverse STFT per source)."),
         spec::choice("order", "Update order", {"magnitude-first", "mix-first"},
                      "magnitude-first: majorisation-minimisation order, exact sum and non-increasing objective; "
                      "mix-first: the original order."),
         spec::choice("init", "Initialisation", {"amplitude-mask", "equal-split"},
                      "amplitude-mask: magnitudes with the mixture phase; equal-split: each source starts as x / J.")}};
    return d;
}

MisiParams misiParams(const ParamValues& values) {
    const auto& d = misiDescription();
    validateParams(d, values);
    MisiParams p;
    p.iterations = int(numberParam(d, values, "iterations"));
    p.order = choiceParam(d, values, "order") == "mix-first" ? MisiParams::Order::MixFirst
                                                             : MisiParams::Order::MagnitudeFirst;
    p.init = choiceParam(d, values, "init") == "equal-split" ? MisiParams::Init::EqualSplit
                                                             : MisiParams::Init::AmplitudeMask;
    return p;
}

namespace {

// Y <- V ⊙ Y / |Y| in place (0 where Y is 0).
void setMagnitude(Spectrogram& Y, const Magnitudes& V) { Y *= V / (Y.abs2().sqrt() + kTiny); }

// One cache-friendly pass: returns sum (V - |Y|)^2 and, if apply, sets Y <- V ⊙ Y / |Y|.
double lossAndProject(Spectrogram& Y, const Magnitudes& V, bool apply, Eigen::ArrayXf& scratch) {
    constexpr Eigen::Index block = 4096;
    const Eigen::Index n = Y.size();
    scratch.resize(block);
    double total = 0;
    for (Eigen::Index b = 0; b < n; b += block) {
        const Eigen::Index len = std::min(block, n - b);
        Eigen::Map<Eigen::ArrayXcf> y(Y.data() + b, len);
        Eigen::Map<const Eigen::ArrayXf> v(V.data() + b, len);
        auto m = scratch.head(len);
        m = y.abs2().sqrt();
        total += (v - m).cast<double>().square().sum();
        if (apply) y *= v / (m + kTiny);
    }
    return total;
}

}  // namespace

SeparationResult runMisi(const SeparationInput& in, const MisiParams& params, const RunControl& control) {
    validateInput(in, 2);
    if (params.iterations < 0) throw InputError("MISI: the number of iterations must be >= 0");
    const int J = in.sources();
    const Eigen::Index L = in.length();
    const float invJ = 1.0f / float(J);
    Stft stft(in.config, in.threads);

    double energy = 0;
    for (const auto& V : in.magnitudes) energy += double(V.matrix().squaredNorm());
    energy = std::max(energy, 1e-300);

    SeparationResult r;
    r.waveforms.resize(J);
    r.stfts.resize(J);
    if (params.init == MisiParams::Init::EqualSplit) {
        for (int j = 0; j < J; ++j) r.waveforms[j] = in.mixture * invJ;
    } else {
        const Magnitudes a = in.mixtureStft.abs2().sqrt();
        Spectrogram Y;
        for (int j = 0; j < J; ++j) {
            Y = (a > 0).select(in.magnitudes[j] / a * in.mixtureStft, in.magnitudes[j].cast<std::complex<float>>());
            stft.synthesise(Y, L, r.waveforms[j]);
        }
    }
    for (int j = 0; j < J; ++j) stft.analyse(r.waveforms[j], r.stfts[j]);

    IterationLog log(control, r.trace, params.iterations);
    Spectrogram E;
    Eigen::ArrayXf residual(L), scratch;
    auto record = [&](int it, double loss) {
        log.record(it, {{"objective", loss}, {"spectral_convergence_db", 10 * std::log10(std::max(loss, 1e-300) / energy)}});
    };
    for (int it = 1; it <= params.iterations; ++it) {
        log.check();
        if (params.order == MisiParams::Order::MagnitudeFirst) {
            // The loss of the previous iterate comes with the magnitude step (one pass over memory).
            double previousLoss = 0;
            residual = in.mixture;
            for (int j = 0; j < J; ++j) {
                previousLoss += lossAndProject(r.stfts[j], in.magnitudes[j], true, scratch);
                stft.synthesise(r.stfts[j], L, r.waveforms[j]);
                residual -= r.waveforms[j];
            }
            if (it > 1) record(it - 1, previousLoss);
            residual *= invJ;
            for (int j = 0; j < J; ++j) {
                r.waveforms[j] += residual;
                stft.analyse(r.waveforms[j], r.stfts[j]);
            }
        } else {
            E = in.mixtureStft;
            for (int j = 0; j < J; ++j) E -= r.stfts[j];
            E *= invJ;
            for (int j = 0; j < J; ++j) {
                r.stfts[j] += E;
                setMagnitude(r.stfts[j], in.magnitudes[j]);
                stft.synthesise(r.stfts[j], L, r.waveforms[j]);
            }
            for (int j = 0; j < J; ++j) stft.analyse(r.waveforms[j], r.stfts[j]);
            record(it, magnitudeLoss(in.magnitudes, r.stfts));
        }
    }
    if (params.order == MisiParams::Order::MagnitudeFirst && params.iterations > 0) {
        double loss = 0;
        for (int j = 0; j < J; ++j) loss += lossAndProject(r.stfts[j], in.magnitudes[j], false, scratch);
        record(params.iterations, loss);
    }
    return r;
}

}  // namespace phaselab::separation
