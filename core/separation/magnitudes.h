#pragma once
// The three ways to obtain the source magnitudes V_j used by the separation algorithms
// (shared algorithms.md §10.2):
// - oracle:   V_j = |STFT(s_j)| from the true sources (teaching, upper bounds);
// - estimated: supervised NMF (a dictionary learned per source on training waveforms, usually the true
//             sources, then fixed; V_j = W_j H_j fitted on |X|), or HPSS (two sources, from |X| alone);
// - imported: V_j = |STFT(e_j)| from the stems of any other separator (e.g. a neural network).
// All waveforms must have the mixture's length (and the caller must make sure they share its sample
// rate): InputError otherwise. STFT conventions: core/tf/stft.h.

#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/nmf/supervised_nmf.h"
#include "core/separation/hpss.h"

namespace phaselab::separation {

enum class MagnitudeSource { Oracle, Nmf, Hpss, Files };
MagnitudeSource magnitudeSourceFromName(const std::string& name);  // "oracle", "nmf", "hpss", "files"
const char* magnitudeSourceName(MagnitudeSource s);

// |STFT| of each reference. A silent (all-zero) reference throws InputError: its oracle
// magnitudes are zero and the evaluation (SIR) is undefined. `what` names the waveforms in errors
// ("reference", "estimate").
std::vector<Magnitudes> signalMagnitudes(const std::vector<Eigen::ArrayXf>& waveforms, Eigen::Index mixtureLength,
                                         const StftConfig& config, int threads = 1, const std::string& what = "reference",
                                         bool allowSilent = false);
inline std::vector<Magnitudes> oracleMagnitudes(const std::vector<Eigen::ArrayXf>& references, Eigen::Index length,
                                                const StftConfig& config, int threads = 1) {
    return signalMagnitudes(references, length, config, threads, "reference", false);
}
// Imported stems: a silent stem is allowed (the source is then estimated as silence).
inline std::vector<Magnitudes> importedMagnitudes(const std::vector<Eigen::ArrayXf>& estimates, Eigen::Index length,
                                                  const StftConfig& config, int threads = 1) {
    return signalMagnitudes(estimates, length, config, threads, "estimate", true);
}

// Supervised NMF on the mixture magnitude, dictionaries learned from `training` waveforms (any
// length). Returns V_j = W_j H_j.
std::vector<Magnitudes> nmfMagnitudes(const Spectrogram& mixtureStft, const std::vector<Eigen::ArrayXf>& training,
                                      const StftConfig& config, const nmf::SupervisedNmfParams& params,
                                      const RunControl& control = {}, int threads = 1);

}  // namespace phaselab::separation
