#pragma once
// BSS Eval: SDR / SIR / SAR (and ISR) after Vincent, Gribonval & Fevotte (2006).
//
// v3 reproduces mir_eval 0.7 (mir_eval.separation) to well below 0.01 dB:
//   bssEvalSources   = bss_eval_sources        (mono signals; optional permutation search)
//   bssEvalImages    = bss_eval_images         (single or multichannel images)
//   bssEvalFramewise = bss_eval_{sources,images}_framewise (filters re-estimated per window)
// v4 reproduces museval's default evaluation (SiSEC 2018): distortion filters estimated once on
//   the whole signal, images criteria per window (default 1 s, no overlap), median over windows.
//
// Conventions. Signals are samples x channels (Eigen::ArrayXXd; float input: .cast<double>()).
// Reference j is paired with estimate permutation[j]. All values in dB; a zero denominator
// gives +inf (mir_eval's _safe_db); NaN marks a window that could not be evaluated (the reason
// is in FramewiseResult::reasons). Filter length L = 512 taps by default.
//
// Method. The Gram matrix of the delayed references (K*L x K*L, K = sources x channels) is built
// once from FFT correlations (correlation.h) and kept as its L lag blocks (block_toeplitz.h); it is
// solved once for every estimate column by block Levinson recursion, checked by its backward
// error. When that check fails (numerically singular: pure tones, dependent references) the dense
// matrix is factorised instead: Cholesky, then Cholesky of G + n eps ||G||_inf I, then an
// eigenvalue pseudo-inverse (the least-squares solution mir_eval falls back to). Every estimate
// and every permutation candidate reuses the solution: the energies of the decomposition s_true,
// e_spat, e_interf, e_artif are quadratic forms in the filter coefficients, so no projection is
// ever synthesised (v4 windows excepted, where they are).
// Precision: double throughout.
// Cost: O(3 K^3 L^2) for the Levinson solve (dense fallback O((K L)^3 / 3)) + O(N log) correlations.
// Threads: `threads` (default 2) splits correlations and windows; threads = 1 runs on the
// calling thread only. Re-entrant; progress and cancellation through RunControl.
// Errors (phaselab::InputError): no sources, more than 100, different counts, lengths or
// channel counts, NaN/Inf, a silent (all-zero) reference or estimate (named in the message).

#include <Eigen/Core>
#include <string>
#include <vector>

#include "core/common/description.h"
#include "core/common/progress.h"

namespace phaselab::metrics {

using Signal = Eigen::ArrayXXd;  // samples x channels
inline constexpr int kMaxSources = 100;

struct BssParams {
    int filterLength = 512;     // distortion filter taps
    bool permutation = true;    // search the permutation maximising the mean SIR (v3 whole-signal)
    int threads = 2;            // >= 1
    // Optional names used in error messages ("reference 'bass.wav' is silent ...").
    std::vector<std::string> referenceNames;
    std::vector<std::string> estimateNames;
};

struct BssResult {
    std::vector<int> permutation;     // permutation[j] = estimate matched to reference j
    Eigen::ArrayXd sdr, sir, sar;     // per reference, in reference order
    Eigen::ArrayXd isr;               // images / v4 only (else empty)
    std::string solver;               // "levinson", or the dense fallback used: "cholesky", "cholesky+ridge", "pseudo-inverse"
};

// mir_eval.separation.bss_eval_sources. Signals must be mono (one column).
BssResult bssEvalSources(const std::vector<Signal>& references, const std::vector<Signal>& estimates,
                         const BssParams& params = {}, const RunControl& run = {});

// mir_eval.separation.bss_eval_images (any channel count, the same for all signals).
BssResult bssEvalImages(const std::vector<Signal>& references, const std::vector<Signal>& estimates,
                        const BssParams& params = {}, const RunControl& run = {});

struct FramewiseResult {
    std::vector<int> permutation;     // the whole-signal permutation if one was searched, else identity
    Eigen::Index window = 0, hop = 0; // samples
    std::vector<Eigen::Index> starts; // first sample of each window
    Eigen::ArrayXXd sdr, sir, sar, isr;  // references x windows (isr: images / v4 only)
    std::vector<std::string> reasons; // per window: "" or why it is NaN ("reference 2 is silent")
    bool wholeSignal = false;         // fewer than 2 windows: mir_eval's whole-signal fallback
    // nanmedian over windows per reference (museval's frames aggregation).
    Eigen::ArrayXd medianSdr() const, medianSir() const, medianSar() const, medianIsr() const;
};

enum class FramewiseKind { Sources, Images };

// mir_eval.separation.bss_eval_{sources,images}_framewise: windows [k hop, k hop + window),
// nwin = floor((N - window + hop) / hop); a window with any silent reference or estimate is NaN;
// nwin < 2 returns the whole-signal result (with params.permutation, as mir_eval does; mir_eval's
// framewise default is no permutation). Per-window permutation is not searched.
FramewiseResult bssEvalFramewise(const std::vector<Signal>& references, const std::vector<Signal>& estimates,
                                 Eigen::Index window, Eigen::Index hop, FramewiseKind kind,
                                 const BssParams& params = {}, const RunControl& run = {});

// museval v4 (images criteria, global filters, G + eps I as museval, no permutation).
// window = hop = 1 s at 44.1 kHz in museval; pass samples. Fewer samples than one window:
// one window spanning the whole signal.
FramewiseResult bssEvalV4(const std::vector<Signal>& references, const std::vector<Signal>& estimates,
                          Eigen::Index window, Eigen::Index hop, const BssParams& params = {},
                          const RunControl& run = {});

// The permutation maximising the mean of score(estimate, reference) (rows = estimates), ties to
// the first in lexicographic order (as mir_eval's argmax); exhaustive up to 8 sources, Hungarian
// assignment beyond. NaN scores count as the lowest.
std::vector<int> bestPermutation(const Eigen::ArrayXXd& score);

// museval's padding rule: zero-pad or truncate `estimate` to `length` samples. Returns true if
// it changed anything.
bool conformLength(Signal& estimate, Eigen::Index length);

// Checks shared by all metrics (counts, shapes, finiteness, silence); throws InputError.
void validateSignals(const std::vector<Signal>& references, const std::vector<Signal>& estimates,
                     const BssParams& params, bool monoOnly);

// Parameters for forms and the CLI: filter-length, permutation, window, hop (seconds).
const AlgorithmDescription& bssEvalDescription();

}  // namespace phaselab::metrics
