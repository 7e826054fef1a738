#include "core/nmf/supervised_nmf.h"

#include <string>

#include "core/common/error.h"

namespace phaselab::nmf {

std::vector<Matrix> learnDictionaries(const std::vector<Magnitudes>& training, const SupervisedNmfParams& params,
                                      const RunControl& control, int stages) {
    const int J = int(training.size());
    if (J < 1) throw InputError("supervised NMF needs at least one training spectrogram");
    for (int j = 1; j < J; ++j)
        if (training[j].rows() != training[0].rows())
            throw InputError("supervised NMF: training spectrogram " + std::to_string(j + 1) +
                             " has a different number of bins than the first");
    std::vector<Matrix> W;
    for (int j = 0; j < J; ++j) {
        BetaNmfParams p;
        p.components = params.components;
        p.iterations = params.learnIterations;
        p.beta = params.beta;
        p.seed = params.seed + 2 * unsigned(j);
        p.trackObjective = false;
        W.push_back(betaNmf(training[j].matrix(), p, stageControl(control, j, std::max(stages, J), "learning dictionary " + std::to_string(j + 1))).W);
    }
    return W;
}

SupervisedNmfResult supervisedNmf(const Magnitudes& mixture, const std::vector<Magnitudes>& training,
                                  const SupervisedNmfParams& params, const RunControl& control) {
    const int J = int(training.size());
    if (J < 1) throw InputError("supervised NMF needs at least one training spectrogram");
    const Eigen::Index F = mixture.rows(), K = params.components;
    for (int j = 0; j < J; ++j)
        if (training[j].rows() != F)
            throw InputError("supervised NMF: training spectrogram " + std::to_string(j + 1) +
                             " has a different number of bins than the mixture");
    SupervisedNmfResult out;
    out.dictionaries = learnDictionaries(training, params, control, J + 1);
    Matrix W(F, K * J);
    for (int j = 0; j < J; ++j) W.middleCols(j * K, K) = out.dictionaries[std::size_t(j)];
    BetaNmfParams p;
    p.components = int(K * J);
    p.iterations = params.iterations;
    p.beta = params.beta;
    p.seed = params.seed + 1000;
    p.updateW = false;
    p.trackObjective = params.trackObjective;
    NmfResult r = betaNmf(mixture.matrix(), p, stageControl(control, J, J + 1, "fitting the mixture"), &W);
    out.activations = std::move(r.H);
    out.objective = std::move(r.objective);
    for (int j = 0; j < J; ++j)
        out.models.push_back((out.dictionaries[j] * out.activations.middleRows(j * K, K)).array());
    return out;
}

}  // namespace phaselab::nmf
