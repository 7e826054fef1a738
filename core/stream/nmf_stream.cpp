#include "core/stream/nmf_stream.h"

#include <cmath>

#include "core/common/error.h"

namespace phaselab::stream {

namespace {
constexpr float kTiny = 1e-30f;
}

NmfFrameModel::NmfFrameModel(const std::vector<nmf::Matrix>& dictionaries, const NmfFrameParams& params)
    : params_(params), gamma_(nmf::gammaExponent(params.beta)) {
    if (dictionaries.empty()) throw InputError("NMF magnitudes need at least one dictionary");
    if (params.iterations < 1 || params.iterations > 10000)
        throw InputError("NMF magnitudes: the iterations per frame must be 1 to 10000, got " + std::to_string(params.iterations));
    if (!(params.beta >= 0 && params.beta <= 2))
        throw InputError("NMF magnitudes: beta must be in [0, 2], got " + std::to_string(params.beta));
    const Eigen::Index F = dictionaries[0].rows();
    offsets_.push_back(0);
    for (const auto& W : dictionaries) {
        if (W.rows() != F || W.cols() < 1)
            throw InputError("NMF magnitudes: the dictionaries must have the same number of bins and at least one column");
        if (!W.allFinite() || (W.array() < 0).any())
            throw InputError("NMF magnitudes: a dictionary has negative or non-finite entries");
        offsets_.push_back(offsets_.back() + W.cols());
    }
    W_.resize(F, offsets_.back());
    for (std::size_t j = 0; j < dictionaries.size(); ++j) W_.middleCols(offsets_[j], dictionaries[j].cols()) = dictionaries[j];
    const Eigen::Index K = W_.cols();
    h_.setZero(K);
    numerator_.setZero(K);
    denominator_.setZero(K);
    columnSums_ = W_.colwise().sum().transpose();
    wh_.setZero(F);
    ratio_.setZero(F);
    q_.setZero(F);
    v_.setZero(F);
    V_.assign(dictionaries.size(), Eigen::VectorXf::Zero(F));
}

Eigen::VectorXf::ConstSegmentReturnType NmfFrameModel::activations(int j) const {
    return h_.segment(offsets_[std::size_t(j)], offsets_[std::size_t(j) + 1] - offsets_[std::size_t(j)]);
}

void NmfFrameModel::solve(const Eigen::Ref<const Eigen::VectorXf>& v) {
    const double beta = params_.beta;
    v_ = v;
    if (beta < 1) v_ = v_.cwiseMax(std::max(1e-9f * v_.maxCoeff(), 1e-30f));
    const float start = std::max(v_.sum() / float(h_.size()), kTiny);
    if (params_.warmStart && started_)
        h_ = h_.cwiseMax(1e-6f * start);
    else
        h_.setConstant(start);
    started_ = true;
    for (int it = 0; it < params_.iterations; ++it) {
        wh_.noalias() = W_ * h_;
        wh_.array() += kTiny;
        if (beta == 1) {
            ratio_ = v_.cwiseQuotient(wh_);
            numerator_.noalias() = W_.transpose() * ratio_;
            h_.array() *= numerator_.array() / (columnSums_.array() + kTiny);
            continue;
        }
        q_ = wh_.array().pow(float(beta - 1)).matrix();
        ratio_ = v_.cwiseProduct(q_).cwiseQuotient(wh_);
        numerator_.noalias() = W_.transpose() * ratio_;
        denominator_.noalias() = W_.transpose() * q_;
        if (gamma_ == 1.0)
            h_.array() *= numerator_.array() / (denominator_.array() + kTiny);
        else
            h_.array() *= (numerator_.array() / (denominator_.array() + kTiny)).pow(float(gamma_));
    }
    for (std::size_t j = 0; j + 1 < offsets_.size(); ++j) {
        const Eigen::Index K = offsets_[j + 1] - offsets_[j];
        V_[j].noalias() = W_.middleCols(offsets_[j], K) * h_.segment(offsets_[j], K);
    }
}

NmfSeparationProcessor::NmfSeparationProcessor(std::unique_ptr<NmfFrameModel> model, std::unique_ptr<FrameProcessor> separator)
    : model_(std::move(model)), separator_(std::move(separator)) {
    if (!model_ || !separator_ || separator_->inputs() != 1 + model_->sources())
        throw InputError("NMF magnitudes: the separator must take the mixture and one magnitude stream per dictionary");
    frames_.setZero(model_->bins(), 1 + model_->sources());
    v_.setZero(model_->bins());
}

void NmfSeparationProcessor::reset() {
    model_->reset();
    separator_->reset();
}

void NmfSeparationProcessor::process(const Spectrogram& in, Spectrogram& out) {
    frames_.col(0) = in.col(0);
    v_ = in.col(0).abs().matrix();
    model_->solve(v_);
    for (int j = 0; j < model_->sources(); ++j) frames_.col(1 + j) = model_->magnitude(j).array().cast<std::complex<float>>();
    separator_->process(frames_, out);
}

}  // namespace phaselab::stream
