#include "core/nmf/supervised_nmf.h"

#include <string>

#include "core/common/error.h"

namespace phaselab::nmf {

SupervisedNmfResult supervisedNmf(const Magnitudes& mixture, const std::vector<Magnitudes>& training,
                                  const SupervisedNmfParams& params, const RunControl& control) {
    const int J = int(training.size());
    if (J < 1) throw InputError("supervised NMF needs at least one training spectrogram");
    const Eigen::Index F = mixture.rows(), K = params.components;
    for (int j = 0; j < J; ++j)
        if (training[j].rows() != F)
            throw InputError("supervised NMF: training spectrogram " + std::to_string(j + 1) +
                             " has a different number of bins than the mixture");
    const int steps = J + 1;
    auto stage = [&](int s) {
        RunControl c;
        c.cancel = control.cancel;
        if (control.progress)
            c.progress = [&control, s, steps](const ProgressReport& r) {
                ProgressReport q = r;
                q.fraction = (s + r.fraction) / steps;
                q.message = s + 1 < steps ? "learning dictionary " + std::to_string(s + 1) : "fitting the mixture";
                control.report(q);
            };
        return c;
    };

    SupervisedNmfResult out;
    Matrix W(F, K * J);
    for (int j = 0; j < J; ++j) {
        BetaNmfParams p;
        p.components = int(K);
        p.iterations = params.learnIterations;
        p.beta = params.beta;
        p.seed = params.seed + 2 * unsigned(j);
        p.trackObjective = false;
        NmfResult r = betaNmf(training[j].matrix(), p, stage(j));
        W.middleCols(j * K, K) = r.W;
        out.dictionaries.push_back(std::move(r.W));
    }
    BetaNmfParams p;
    p.components = int(K * J);
    p.iterations = params.iterations;
    p.beta = params.beta;
    p.seed = params.seed + 1000;
    p.updateW = false;
    NmfResult r = betaNmf(mixture.matrix(), p, stage(J), &W);
    out.activations = std::move(r.H);
    out.objective = std::move(r.objective);
    for (int j = 0; j < J; ++j)
        out.models.push_back((out.dictionaries[j] * out.activations.middleRows(j * K, K)).array());
    return out;
}

}  // namespace phaselab::nmf
