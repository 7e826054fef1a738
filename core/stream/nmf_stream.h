#pragma once
// Source magnitudes for live separation from the mixture alone (issue 13): supervised NMF with fixed
// dictionaries (core/nmf/supervised_nmf.h, learned beforehand on training material), the activations
// solved frame by frame.
//
// NmfFrameModel: for one mixture magnitude frame v (bins), h <- h ⊙ [W^T((Wh)^(beta-2) ⊙ v) /
// W^T (Wh)^(beta-1)]^gamma(beta), `iterations` times, W = [W_1 .. W_J] fixed (beta_nmf.h's update
// with W fixed; with W fixed the frames of offline NMF are independent, so this is the offline fit
// column by column). Start: h_k = sum(v) / (J K) (W's columns have unit L1 norm: Wh then has v's
// mass), or with warmStart the previous frame's h (floored at 1e-6 of that start, so an activation
// can come back). For beta < 1, v is floored at 1e-9 of the frame's maximum (offline: of the whole
// spectrogram's). Source j's magnitude: V_j = W_j h_j.
// NmfSeparationProcessor: a FrameProcessor with the mixture as its only input, which hands the
// mixture and the NMF magnitudes to a separation processor (online Wiener, AW or MISI) whose inputs
// are mixture + J magnitude streams. Its latency is the separator's.
// Real-time: buffers allocated in the constructors; solve() and process() allocate nothing. Not
// thread-safe.

#include <memory>
#include <vector>

#include "core/nmf/beta_nmf.h"
#include "core/stream/stream_engine.h"

namespace phaselab::stream {

struct NmfFrameParams {
    int iterations = 50;   // 1 .. 10000 per frame
    double beta = 1.0;     // [0, 2]
    bool warmStart = true;
};

class NmfFrameModel {
public:
    // dictionaries: J >= 1 matrices of bins rows (InputError otherwise, or for negative / non-finite
    // entries, or parameters out of range).
    NmfFrameModel(const std::vector<nmf::Matrix>& dictionaries, const NmfFrameParams& params);
    int sources() const { return int(offsets_.size()) - 1; }
    Eigen::Index bins() const { return W_.rows(); }
    // v: bins magnitudes >= 0. Afterwards magnitude(j) is V_j for this frame.
    void solve(const Eigen::Ref<const Eigen::VectorXf>& v);
    Eigen::VectorXf::ConstSegmentReturnType activations(int j) const;
    const Eigen::VectorXf& magnitude(int j) const { return V_[std::size_t(j)]; }
    void reset() { started_ = false; }

private:
    NmfFrameParams params_;
    double gamma_;
    nmf::Matrix W_;                     // bins x sum K_j
    std::vector<Eigen::Index> offsets_; // column offsets of each W_j, and the total
    Eigen::VectorXf h_, wh_, ratio_, q_, numerator_, denominator_, columnSums_, v_;
    std::vector<Eigen::VectorXf> V_;
    bool started_ = false;
};

class NmfSeparationProcessor final : public FrameProcessor {
public:
    // InputError if the separator's inputs are not 1 + the model's sources.
    NmfSeparationProcessor(std::unique_ptr<NmfFrameModel> model, std::unique_ptr<FrameProcessor> separator);
    int inputs() const override { return 1; }
    int outputs() const override { return separator_->outputs(); }
    int lookahead() const override { return separator_->lookahead(); }
    void process(const Spectrogram& in, Spectrogram& out) override;
    void reset() override;
    const NmfFrameModel& model() const { return *model_; }

private:
    std::unique_ptr<NmfFrameModel> model_;
    std::unique_ptr<FrameProcessor> separator_;
    Spectrogram frames_;   // bins x (1 + J): mixture, then V_j as real coefficients
    Eigen::VectorXf v_;
};

}  // namespace phaselab::stream
