#include "core/recovery/griffin_lim.h"

#include <cmath>
#include <utility>

#include "core/common/error.h"
#include "core/common/memory.h"

namespace phaselab::recovery {
namespace {

std::vector<ParamSpec> griffinLimSpecs(double momentum) {
    return {
        integerSpec("iterations", "Iterations", 100, 1, 100000, "",
                    "Number of projections; quality improves slowly after a few hundred."),
        realSpec("momentum", "Momentum", momentum, 0, 1, "",
                 "Fast Griffin-Lim acceleration (0 = plain GL, 0.99 usual); values above 1 are unstable."),
        choiceSpec("init", "Initial phase", {"zero", "random", "pu", "pghi", "signal"}, "zero",
                   "Phase to start from: zero, random (seeded), the sinusoidal model (pu), phase gradient heap integration (pghi) or a given signal's phase."),
        integerSpec("seed", "Seed", 0, 0, 4294967295.0, "",
                    "Seed of the random initial phase; the same seed gives the same result."),
        integerSpec("threads", "Threads", 1, 1, 64, "", "Worker threads for the STFTs; use the number of cores for long files."),
    };
}

}  // namespace

const AlgorithmDescription& griffinLimDescription() {
    static const AlgorithmDescription d{"gl", "Griffin-Lim", "recovery",
                                        "Alternate consistency and magnitude projections (Griffin & Lim 1984).",
                                        griffinLimSpecs(0.0)};
    return d;
}

const AlgorithmDescription& fastGriffinLimDescription() {
    static const AlgorithmDescription d{"fgla", "Fast Griffin-Lim", "recovery",
                                        "Griffin-Lim with momentum (Perraudin et al. 2013): much faster convergence.",
                                        griffinLimSpecs(0.99)};
    return d;
}

GriffinLimParams griffinLimParamsFrom(const AlgorithmDescription& d, const ParamValues& values, double sampleRate) {
    validateParams(d, values);
    GriffinLimParams p;
    p.iterations = int(numberParam(d, values, "iterations"));
    p.momentum = numberParam(d, values, "momentum");
    p.init.kind = initialPhaseFromName(choiceParam(d, values, "init"));
    p.init.seed = unsigned(numberParam(d, values, "seed"));
    p.init.pghi.seed = p.init.seed;
    p.init.pu.sampleRate = sampleRate;
    p.threads = int(numberParam(d, values, "threads"));
    return p;
}

RecoveryResult griffinLim(const Magnitudes& V, Eigen::Index length, const StftConfig& config,
                          const GriffinLimParams& params, const RunControl& control) {
    const std::string name = params.momentum > 0 ? "fast Griffin-Lim" : "Griffin-Lim";
    checkTarget(V, length, config, name);
    if (params.iterations < 1)
        throw InputError(name + ": the number of iterations must be at least 1, got " + std::to_string(params.iterations));
    if (!(params.momentum >= 0 && params.momentum <= 1))
        throw InputError(name + ": the momentum must be between 0 and 1 (above 1 the iteration is unstable), got " +
                         std::to_string(params.momentum));
    if (params.threads < 1 || params.threads > 64)
        throw InputError(name + ": threads must be between 1 and 64, got " + std::to_string(params.threads));

    const long long start = nowNanoseconds();
    const Eigen::Index F = V.rows(), T = V.cols();
    const int threads = params.threads;
    Stft stft(config, threads);
    Spectrogram X = polar(V, initialPhase(V, length, config, params.init));
    // C = G(X) is never held whole: it is analysed kBlock frames at a time and used at once. Fast GL
    // keeps the previous C (one more full spectrogram), updated in place block by block.
    constexpr Eigen::Index kBlock = 256;
    Spectrogram C, previous;
    const bool fast = params.momentum > 0;
    if (fast) {
        resizeLarge(previous, F, T);
        previous.setZero();
    }
    const float a = float(params.momentum / (1.0 + params.momentum));
    Eigen::ArrayXf x(length);
    Eigen::ArrayXd columnError(T), columnInconsistency(T);
    const double total = V.cast<double>().square().sum();

    // C = G(X); accumulates the figures; X = V (C - a previous) / |C - a previous| if update.
    auto step = [&](bool update) {
        stft.synthesise(X, length, x);
        for (Eigen::Index t0 = 0; t0 < T; t0 += kBlock) {
            const Eigen::Index n = std::min(kBlock, T - t0);
            stft.analyseFrames(x, 0, t0, n, C);
            forColumns(n, threads, [&](int, Eigen::Index begin, Eigen::Index end) {
                for (Eigen::Index j = begin; j < end; ++j) {
                    const Eigen::Index t = t0 + j;
                    const std::complex<float>* c = C.col(j).data();
                    std::complex<float>* p = fast ? previous.col(t).data() : nullptr;
                    std::complex<float>* xt = X.col(t).data();
                    const float* v = V.col(t).data();
                    float error = 0, incons = 0;
                    for (Eigen::Index f = 0; f < F; ++f) {
                        const float m = std::sqrt(std::norm(c[f]));  // std::abs is hypot: slow
                        error += (m - v[f]) * (m - v[f]);
                        incons += std::norm(xt[f] - c[f]);
                        if (!update) continue;
                        const std::complex<float> d = fast ? c[f] - a * p[f] : c[f];
                        const float dm = fast ? std::sqrt(std::norm(d)) : m;
                        xt[f] = dm > 0 ? d * (v[f] / dm) : std::complex<float>(v[f], 0);
                        if (fast) p[f] = c[f];
                    }
                    columnError[t] = error;
                    columnInconsistency[t] = incons;
                }
            });
        }
    };

    RecoveryResult r;
    r.trace.reserve(std::size_t(params.iterations));
    for (int k = 1; k <= params.iterations; ++k) {
        control.checkCancel();
        step(true);
        const double error = columnError.sum();
        IterationFigures f{k, 10 * std::log10(std::max(error, 1e-300) / total), columnInconsistency.sum() / total, error};
        r.iterations = k;
        reportIteration(control, f, params.iterations, r.trace, start);
    }
    step(false);
    r.signal = x;
    r.spectralConvergenceDb = 10 * std::log10(std::max(columnError.sum(), 1e-300) / total);
    r.inconsistency = columnInconsistency.sum() / total;
    r.seconds = secondsSince(start);
    return r;
}

}  // namespace phaselab::recovery
