#pragma once
// Progress reporting and cancellation for long computations.
//
// Every whole-file computation takes a RunControl. It is a plain value holding a callback and a
// pointer to a cancel flag; both may be empty. Algorithms call report() at least once per
// iteration and checkCancel() between iterations (it throws phaselab::Cancelled).
// Thread-safety: the callback is invoked on the computing thread; the receiver must marshal to
// its own thread (the GUI does). The cancel flag may be set from any thread.

#include <atomic>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/common/error.h"

namespace phaselab {

struct ProgressReport {
    double fraction = 0.0;   // 0..1 of the whole computation
    std::string message;     // optional, short ("iteration 12 / 100")
    int iteration = -1;      // -1 when not iterative
    // Per-iteration figures, e.g. {"spectral_convergence_db", -18.2}, {"inconsistency", 0.03}.
    std::vector<std::pair<std::string, double>> figures;
};

using ProgressFn = std::function<void(const ProgressReport&)>;

struct RunControl {
    ProgressFn progress;
    const std::atomic<bool>* cancel = nullptr;

    bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }
    void checkCancel() const {
        if (cancelled()) throw Cancelled();
    }
    void report(const ProgressReport& r) const {
        if (progress) progress(r);
    }
    void report(double fraction, std::string message = {}) const {
        if (progress) progress(ProgressReport{fraction, std::move(message), -1, {}});
    }
};

// The control of stage `stage` (0-based) of `stages` equal stages of a run, reporting through `whole`,
// which must outlive it: fractions are mapped into [stage, stage + 1) / stages, `label` (when given)
// is put before each message ("channel 2 of 2 · iteration 3 / 5"), and the per-iteration figures
// pass through only if keepFigures (a convergence chart then follows one stage). Same cancel flag.
inline RunControl stageControl(const RunControl& whole, int stage, int stages, std::string label = {}, bool keepFigures = true) {
    RunControl c;
    c.cancel = whole.cancel;
    if (whole.progress)
        c.progress = [&whole, stage, stages, label = std::move(label), keepFigures](const ProgressReport& r) {
            ProgressReport q = r;
            q.fraction = (stage + r.fraction) / stages;
            if (!label.empty()) q.message = r.message.empty() ? label : label + " · " + r.message;
            if (!keepFigures) q.figures.clear(), q.iteration = -1;
            whole.report(q);
        };
    return c;
}

}  // namespace phaselab
