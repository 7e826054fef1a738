#pragma once
// Cross-correlations of long signals at small lags, in double precision, by FFT over blocks.
//
//   r_xy[m] = sum_n x[n + m] y[n]      (x, y are zero outside [0, n)),  m = -(L-1) .. L-1
//
// This is exactly the linear correlation mir_eval obtains from one FFT of the zero-padded
// signals, but computed block by block (FFT size 8192 for L = 512), so it stays in cache and
// splits across threads. Cost: about (K_refs * 2 + K_others) real FFTs per block plus one
// multiply-accumulate per signal pair; memory O(pairs * fft size).
// Thread-safety: re-entrant. The double-precision FFTs are core/tf/fft.h's RealFftD (plans made
// once per size, FFTW_ESTIMATE).

#include <Eigen/Core>
#include <complex>
#include <vector>

#include "core/common/progress.h"
#include "core/tf/fft.h"  // RealFftD, AlignedBuffer

namespace phaselab::metrics {

struct LagCorrelations {
    int filterLength = 0;  // L; lags m = -(L-1) .. L-1 are stored at index m + L - 1
    int numRefs = 0;
    int numOthers = 0;
    // r_{x_a x_b} for a <= b, at pairIndex(a, b); empty unless requested.
    std::vector<Eigen::ArrayXd> refPairs;
    // r_{x_a y_e} at a * numOthers + e.
    std::vector<Eigen::ArrayXd> cross;

    int pairIndex(int a, int b) const { return a * numRefs - a * (a - 1) / 2 + (b - a); }
    // r_{x_a x_b}[m] for any a, b (uses r_ab[m] = r_ba[-m]).
    double refLag(int a, int b, int m) const {
        return a <= b ? refPairs[pairIndex(a, b)][m + filterLength - 1]
                      : refPairs[pairIndex(b, a)][-m + filterLength - 1];
    }
    double crossLag(int a, int e, int m) const { return cross[a * numOthers + e][m + filterLength - 1]; }
};

// refs: K signals, others: E signals, all of `length` samples (pointers to contiguous doubles).
// withRefPairs = false skips the reference-reference correlations. threads >= 1.
LagCorrelations lagCorrelations(const std::vector<const double*>& refs, const std::vector<const double*>& others,
                                Eigen::Index length, int filterLength, bool withRefPairs, int threads,
                                const RunControl& run = {});

// Smallest power of two >= n.
int nextPow2(Eigen::Index n);

// Smallest even n' >= n whose only prime factors are 2, 3, 5 and 7 (sizes FFTW is fast at):
// a linear convolution of length n needs no power of two (44611 -> 45000, not 65536).
int nextFastFftSize(Eigen::Index n);

}  // namespace phaselab::metrics
