#pragma once
// Shared pieces of the phase-recovery algorithms (shared algorithms.md §2, §4, §9.2): the result
// of a run, the per-iteration figures, input checks and the figures' definitions.
//
// Figures (all in double):
// - spectral_convergence_db: 20 log10(|| |STFT(y)| - V ||_F / ||V||_F) of the current signal y
//   (phaselab::spectralConvergenceDb; lower is better).
// - inconsistency: ||X - G(X)||^2 / ||X||^2 of the current spectrogram estimate X (unweighted
//   Frobenius over the one-sided bins, as phaselab::inconsistency()); 0 for a consistent X; NaN
//   where the method has no spectrogram estimate apart from the STFT of its signal (Bregman
//   gradient descent), so it is neither reported nor plotted.
// - objective: the quantity the algorithm minimises (GL: || |STFT(y)| - V ||_F^2; Bregman: the
//   divergence of bregman.h).
// Thread-safety: the functions here are pure.

#include <Eigen/Core>
#include <string>
#include <vector>

#include "core/common/description.h"
#include "core/common/progress.h"
#include "core/tf/stft.h"

namespace phaselab::recovery {

struct IterationFigures {
    int iteration = 0;  // 1-based
    double spectralConvergenceDb = 0;
    double inconsistency = 0;  // relative, see above
    double objective = 0;
};

struct RecoveryResult {
    Eigen::ArrayXf signal;  // the rebuilt signal, `length` samples
    int iterations = 0;     // iterations completed
    double seconds = 0;     // wall time of the run
    double spectralConvergenceDb = 0;  // of the returned signal
    double inconsistency = 0;          // relative inconsistency of the last spectrogram estimate
    std::vector<IterationFigures> trace;
};

// Throws InputError unless V is bins x frameCount(length) of `config`, finite and >= 0, and not
// all zero. `what` names the caller in the message ("Griffin-Lim").
void checkTarget(const Magnitudes& V, Eigen::Index length, const StftConfig& config, const std::string& what);

// Reports one iteration through `control` (fraction = iteration / total, figures named as above;
// the message ends with the estimated time left, from the time since `startNanoseconds`, once an
// iteration has been timed) and appends it to `trace`.
void reportIteration(const RunControl& control, const IterationFigures& f, int total,
                     std::vector<IterationFigures>& trace, long long startNanoseconds);

// The figures of a signal recovered channel by channel, from its channels' results: spectral
// convergence and inconsistency over all channels (each channel weighted by its target energy
// ||V_c||^2, so they are those of the stacked spectrograms), the total time, and the first
// channel's iterations and trace. The signal is left empty. One channel: its result unchanged.
RecoveryResult combineChannelFigures(const std::vector<RecoveryResult>& channels, const std::vector<double>& targetEnergies);

// "about 3 min 20 s left" for an estimate in seconds.
std::string timeLeftText(double seconds);


// While alive, the calling thread (and threads it starts) flush denormal floats to zero (SSE
// FTZ/DAZ); the previous mode is restored on destruction. Near-silent passages otherwise fill the
// iterations with denormals, which are ~100x slower. No effect on non-x86 builds.
class FlushDenormals {
public:
    FlushDenormals();
    ~FlushDenormals();
    FlushDenormals(const FlushDenormals&) = delete;
    FlushDenormals& operator=(const FlushDenormals&) = delete;

private:
    unsigned saved_ = 0;
};

// The result of a non-iterative method (PU, PGHI): the LS inverse of V e^{i phase} and its figures
// as one trace entry; `startNanoseconds` (nowNanoseconds()) is when the method began. V must have
// passed checkTarget (in particular, not all zero).
RecoveryResult onePassResult(const Magnitudes& V, const Magnitudes& phase, Eigen::Index length, const StftConfig& config,
                             const RunControl& control, long long startNanoseconds);

// Seconds since `start` (steady clock), for RecoveryResult::seconds.
double secondsSince(long long startNanoseconds);
long long nowNanoseconds();

// Runs fn(chunk, begin, end) over column ranges of [0, count), split over at most `threads` threads
// (the calling thread included; chunk = 0 .. threads-1, e.g. to pick a per-thread workspace).
// fn must be safe to run concurrently on disjoint column ranges.
template <typename Fn>
void forColumns(Eigen::Index count, int threads, Fn&& fn);

}  // namespace phaselab::recovery

#include <thread>

namespace phaselab::recovery {

template <typename Fn>
void forColumns(Eigen::Index count, int threads, Fn&& fn) {
    const Eigen::Index n = std::max<Eigen::Index>(1, std::min<Eigen::Index>(threads, count / 16));
    if (n <= 1) {
        fn(0, Eigen::Index(0), count);
        return;
    }
    const Eigen::Index per = (count + n - 1) / n;
    std::vector<std::thread> pool;
    for (Eigen::Index i = 1; i < n; ++i) {
        const Eigen::Index b = i * per, e = std::min(count, b + per);
        if (b < e) pool.emplace_back([&fn, i, b, e] { fn(int(i), b, e); });
    }
    fn(0, Eigen::Index(0), std::min(count, per));
    for (auto& t : pool) t.join();
}

}  // namespace phaselab::recovery
