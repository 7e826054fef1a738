#pragma once
// EM algorithm for Itakura-Saito NMF (Févotte, Bertin & Durrieu 2009; Magron & Virtanen,
// Interspeech 2018; shared algorithms.md §10.3). The power spectrogram P = |X|^2 is modelled as the
// sum of K latent Gaussian components c_k ~ N(0, v_k), v_k = W_k H_k (rank one each);
// maximising the likelihood is IS-NMF: minimise d_IS(P | WH).
// E-step (posterior power of component k): p_k = v_k^2 P / v_x^2 + v_k - v_k^2 / v_x, v_x = W H.
// M-step: H_kt = (1/F) sum_f p_kft / W_fk and W_fk = (1/T) sum_t p_kft / H_kt, which reduce to
//   H <- H + H^2 / F ⊙ W^T ((P - v_x) / v_x^2),   W <- W + W^2 / T ⊙ ((P - v_x) / v_x^2) H^T
// (matrix products, no K-fold storage). Each half-step is preceded by its own E-step (an ECM
// scheme), so the IS divergence never increases. Columns of W are scaled to unit L2 norm (the em-isnmf
// repository's choice; the MU code uses L1), compensated in H. P is floored at 1e-9 max(P).
// Cost O(F K T) per iteration (4 products). Re-entrant.

#include "core/common/description.h"
#include "core/common/progress.h"
#include "core/nmf/beta_nmf.h"

namespace phaselab::nmf {

struct EmIsNmfParams {
    int components = 10;
    int iterations = 100;
    bool updateW = true;
    unsigned seed = 0;
};

const AlgorithmDescription& emIsNmfDescription();  // "em-isnmf"

// power: F x T, finite, >= 0. objective = d_IS(P | WH) after each iteration.
NmfResult emIsNmf(const Matrix& power, const EmIsNmfParams& params, const RunControl& control = {},
                  const Matrix* initialW = nullptr, const Matrix* initialH = nullptr);

}  // namespace phaselab::nmf
