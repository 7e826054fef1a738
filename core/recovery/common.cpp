#include "core/recovery/common.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>
#include <utility>

#include "core/common/error.h"

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#define PHASELAB_HAVE_MXCSR 1
#endif

namespace phaselab::recovery {

void checkTarget(const Magnitudes& V, Eigen::Index length, const StftConfig& config, const std::string& what) {
    config.validate();
    if (length < 1) throw InputError(what + ": the signal length must be at least 1 sample, got " + std::to_string(length));
    const Eigen::Index frames = 1 + length / config.hop;
    if (V.rows() != config.bins() || V.cols() != frames) {
        std::ostringstream s;
        s << what << ": the target magnitudes are " << V.rows() << " bins x " << V.cols() << " frames, but "
          << config.describe() << " on " << length << " samples needs " << config.bins() << " x " << frames;
        throw InputError(s.str());
    }
    if (!V.isFinite().all()) throw InputError(what + ": the target magnitudes contain NaN or infinite values");
    if ((V < 0).any()) throw InputError(what + ": the target magnitudes must be non-negative (got a negative value)");
    if (!(V > 0).any()) throw InputError(what + ": the target magnitudes are all zero (a silent signal has no phase to recover)");
}

RecoveryResult combineChannelFigures(const std::vector<RecoveryResult>& channels, const std::vector<double>& targetEnergies) {
    if (channels.empty() || channels.size() != targetEnergies.size())
        throw InputError("combining channel figures needs one target energy per channel");
    RecoveryResult r;
    r.iterations = channels[0].iterations;
    r.trace = channels[0].trace;
    if (channels.size() == 1) {
        r.seconds = channels[0].seconds;
        r.spectralConvergenceDb = channels[0].spectralConvergenceDb;
        r.inconsistency = channels[0].inconsistency;
        return r;
    }
    double energy = 0, error = 0, incons = 0;
    for (std::size_t c = 0; c < channels.size(); ++c) {
        const double e = targetEnergies[c];
        energy += e;
        error += e * std::pow(10.0, channels[c].spectralConvergenceDb / 10);
        incons += e * channels[c].inconsistency;
        r.seconds += channels[c].seconds;
    }
    r.spectralConvergenceDb = 10 * std::log10(std::max(error, 1e-300) / energy);
    r.inconsistency = incons / energy;
    return r;
}

std::string timeLeftText(double seconds) {
    const long long s = std::max(0LL, std::llround(seconds));
    if (s < 60) return "about " + std::to_string(s) + " s left";
    if (s < 3600) return "about " + std::to_string(s / 60) + " min " + std::to_string(s % 60) + " s left";
    return "about " + std::to_string(s / 3600) + " h " + std::to_string(s % 3600 / 60) + " min left";
}

void reportIteration(const RunControl& control, const IterationFigures& f, int total,
                     std::vector<IterationFigures>& trace, long long startNanoseconds) {
    trace.push_back(f);
    if (!control.progress) return;
    ProgressReport r;
    r.fraction = total > 0 ? double(f.iteration) / total : 1.0;
    r.message = "iteration " + std::to_string(f.iteration) + " / " + std::to_string(total);
    if (f.iteration > 0 && f.iteration < total)
        r.message += ", " + timeLeftText(secondsSince(startNanoseconds) / f.iteration * (total - f.iteration));
    r.iteration = f.iteration;
    r.figures = {{"spectral_convergence_db", f.spectralConvergenceDb}};
    if (std::isfinite(f.inconsistency)) r.figures.emplace_back("inconsistency", f.inconsistency);  // NaN: not applicable
    r.figures.emplace_back("objective", f.objective);
    control.report(r);
}

RecoveryResult onePassResult(const Magnitudes& V, const Magnitudes& phase, Eigen::Index length, const StftConfig& config,
                             const RunControl& control, long long startNanoseconds) {
    Stft stft(config);
    const Spectrogram X = polar(V, phase);
    RecoveryResult r;
    stft.synthesise(X, length, r.signal);
    // C = STFT(signal) is analysed a block of frames at a time for the figures, never held whole.
    constexpr Eigen::Index kBlock = 256;
    Spectrogram C;
    double error = 0, inconsistency = 0;
    for (Eigen::Index t0 = 0; t0 < X.cols(); t0 += kBlock) {
        const Eigen::Index n = std::min(kBlock, X.cols() - t0);
        stft.analyseFrames(r.signal, 0, t0, n, C);
        error += (C.abs() - V.middleCols(t0, n)).cast<double>().square().sum();
        inconsistency += (X.middleCols(t0, n) - C).abs2().cast<double>().sum();
    }
    const double total = V.cast<double>().square().sum();
    r.iterations = 1;
    r.spectralConvergenceDb = 10.0 * std::log10(std::max(error, 1e-300) / total);
    r.inconsistency = inconsistency / total;
    IterationFigures f{1, r.spectralConvergenceDb, r.inconsistency, error};
    reportIteration(control, f, 1, r.trace, startNanoseconds);
    r.seconds = secondsSince(startNanoseconds);
    return r;
}

FlushDenormals::FlushDenormals() {
#ifdef PHASELAB_HAVE_MXCSR
    saved_ = _mm_getcsr();
    _mm_setcsr(saved_ | 0x8040);  // FTZ | DAZ
#endif
}

FlushDenormals::~FlushDenormals() {
#ifdef PHASELAB_HAVE_MXCSR
    _mm_setcsr(saved_);
#endif
}

long long nowNanoseconds() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

double secondsSince(long long start) { return double(nowNanoseconds() - start) * 1e-9; }

}  // namespace phaselab::recovery
