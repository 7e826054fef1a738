#pragma once
// Common types of the source-separation algorithms (shared algorithms.md §3, §5, §7, §8, §9.3).
//
// Every separation algorithm takes a SeparationInput: the mixture signal x (mono, L samples),
// its STFT X (phaselab::Stft conventions: centred frames, LS-dual inverse, see core/tf/stft.h)
// and J target magnitudes V_j >= 0 (bins x frames, same shape as X; "oracle" |S_j|, estimated by
// NMF/HPSS, or imported, see magnitudes.h). It returns one complex STFT and one time signal per
// source. Iterative algorithms report one ProgressReport per iteration through RunControl (the
// figures named in their header) and record the same reports in SeparationResult::trace; they
// call checkCancel() once per iteration (phaselab::Cancelled).
// Memory: the input holds X (one complex spectrogram, 8 F T bytes) and the J magnitudes (4 F T bytes
// each); every method returns J complex spectrograms and J signals, so J + 1 complex spectrograms
// and J + 1 magnitude arrays are the floor. Each method's header states what it adds. Iterations
// report the estimated time left in their progress message (not in the trace).
// Thread-safety: the functions are re-entrant; `threads` only splits the STFT work of one call.

#include <Eigen/Core>
#include <vector>

#include "core/common/progress.h"
#include "core/tf/stft.h"

namespace phaselab::separation {

struct SeparationInput {
    Eigen::ArrayXf mixture;              // x, L samples
    Spectrogram mixtureStft;             // X = analyse(x), bins x frames
    std::vector<Magnitudes> magnitudes;  // V_j, J entries, each bins x frames, finite, >= 0
    StftConfig config;
    int threads = 1;
    // Optional isolated source signals (the references in the oracle setting, L samples each), for
    // methods that estimate source statistics from them (AW-var's per-source kappa).
    std::vector<Eigen::ArrayXf> isolated;

    int sources() const { return int(magnitudes.size()); }
    Eigen::Index length() const { return mixture.size(); }
};

// Builds and validates an input: computes X, checks (J may be 0 here: magnitudes can be set later;
// the methods check their own minimum)
// shapes and finiteness/non-negativity of every V_j (InputError naming the source and the problem).
SeparationInput makeInput(Eigen::ArrayXf mixture, const StftConfig& config, std::vector<Magnitudes> magnitudes,
                          int threads = 1);
// Re-checks an input built by hand (same checks as makeInput, X must match analyse's shape).
void validateInput(const SeparationInput& in, int minimumSources = 1);
// The part of validateInput that reads no values: the number of sources and every shape. A method
// that checks the magnitudes' values in its own pass over them calls this and, when its pass finds a
// bad value, validateInput for the message.
void validateShapes(const SeparationInput& in, int minimumSources = 1);

struct SeparationResult {
    std::vector<Spectrogram> stfts;       // Ŝ_j, bins x frames
    std::vector<Eigen::ArrayXf> waveforms;  // ŝ_j, L samples each
    std::vector<ProgressReport> trace;    // one entry per iteration (empty for one-pass methods)
};

// Fills result.waveforms from result.stfts with the LS-dual inverse.
void synthesiseAll(const SeparationInput& in, SeparationResult& result);
// Fills result.stfts from result.waveforms (consistent spectrograms).
void analyseAll(const SeparationInput& in, SeparationResult& result);

// Records each report in a trace and forwards it to RunControl.
class IterationLog {
public:
    IterationLog(const RunControl& control, std::vector<ProgressReport>& trace, int total);
    // Appends the iteration to the trace and reports it; the reported message (not the trace's) ends
    // with the estimated time left, from the time since construction, until the last iteration.
    void record(int iteration, std::vector<std::pair<std::string, double>> figures);
    void check() const { control_.checkCancel(); }

private:
    const RunControl& control_;
    std::vector<ProgressReport>& trace_;
    int total_;
    long long start_;
};

// Sum over j of || V_j - |S_j| ||^2 (Frobenius, double accumulation).
double magnitudeLoss(const std::vector<Magnitudes>& V, const std::vector<Spectrogram>& S);
// || X - sum_j S_j ||^2 (Frobenius, double accumulation).
double mixingError(const Spectrogram& X, const std::vector<Spectrogram>& S);

// Tiny positive constant guarding divisions by magnitudes (float).
inline constexpr float kTiny = 1e-20f;

}  // namespace phaselab::separation
