#pragma once
// Supervised NMF (shared algorithms.md §10.2): one dictionary W_j (F x K) is learned per source by
// beta-NMF on that source's training magnitude spectrogram; the dictionaries are then stacked and
// fixed, and only the activations are fitted on the mixture magnitude |X|. Source j's model is
// V_j = W_j H_j. With the true sources as training data this is the "informed"/oracle-dictionary
// setting of the papers. Deterministic for a given seed (source j is learned with seed + j).
// Cost: J learning runs + one fit, O(F K T) per iteration each.

#include <vector>

#include "core/nmf/beta_nmf.h"
#include "core/tf/stft.h"

namespace phaselab::nmf {

struct SupervisedNmfParams {
    int components = 10;         // K per source
    int learnIterations = 200;   // dictionary learning, per source
    int iterations = 200;        // activations on the mixture
    double beta = 1.0;           // 1 = KL (default), 0 = IS, 2 = Euclidean
    unsigned seed = 0;
    // The fit's objective every iteration (a convergence curve to show; costs one W H product and a
    // divergence per iteration). Headless runs that show no curve turn it off.
    bool trackObjective = true;
};

struct SupervisedNmfResult {
    std::vector<Matrix> dictionaries;   // W_j, F x K each (unit L1 columns)
    Matrix activations;                 // H, (J K) x T, on the mixture
    std::vector<Magnitudes> models;     // V_j = W_j H_j, bins x frames
    std::vector<double> objective;      // mixture fit, per iteration
};

// The dictionaries alone: W_j learned on training[j] (seed + 2 j), F x K with unit L1 columns.
// InputError without training spectrograms or for training spectrograms with different bins.
std::vector<Matrix> learnDictionaries(const std::vector<Magnitudes>& training, const SupervisedNmfParams& params,
                                      const RunControl& control = {}, int stages = 0);

// training[j] and mixture are magnitude spectrograms with the same number of bins (InputError
// otherwise); the training spectrograms may have any number of frames.
SupervisedNmfResult supervisedNmf(const Magnitudes& mixture, const std::vector<Magnitudes>& training,
                                  const SupervisedNmfParams& params, const RunControl& control = {});

}  // namespace phaselab::nmf
