#pragma once
// The energies of BSS Eval v4's decomposition of one window, for one channel c of one source j,
// summed over the FFT bins with Parseval weights (core/metrics/bss_eval.cpp, bssEvalV4):
//   P  = sum_k FA_k R_k     (projection on every reference channel; FA: filter spectra, R: window spectra)
//   Pj = sum_c' FAj_c' Rj_c'  (projection on source j's own channels)
//   spat += sum w |Pj - S|^2, own += sum w |Pj|^2, interf += sum w |P - Pj|^2,
//   proj += sum w |P|^2,      artif += sum w |Est - P|^2
// with S and Est the spectra of the true image and of the estimate. An AVX2 kernel runs where the
// processor has it (core/common/simd.h); the portable path gives the same figures to rounding.
// Thread-safe (no shared state).
#include <Eigen/Core>
#include <complex>

namespace phaselab::metrics {

struct WindowEnergies {
    double spat = 0, own = 0, interf = 0, proj = 0, artif = 0;
};

struct WindowSpectra {
    const std::complex<double>* const* fa;   // K filter spectra, bins each
    const std::complex<double>* const* r;    // K reference spectra
    int K;
    const std::complex<double>* const* faj;  // C filter spectra of the target's own channels
    const std::complex<double>* const* rj;   // C spectra of the target's channels
    int C;
    const std::complex<double>* s;           // the true image's channel
    const std::complex<double>* est;         // the estimate's channel
    const double* weight;                     // Parseval weights
    Eigen::Index bins;
};

// Adds this channel's energies to e; interf stays untouched when withInterference is false (one source).
void addWindowEnergies(const WindowSpectra& in, bool withInterference, WindowEnergies& e);

}  // namespace phaselab::metrics
