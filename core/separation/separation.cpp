#include "core/separation/separation.h"

#include <cmath>
#include <string>

#include "core/common/error.h"
#include "core/recovery/common.h"

namespace phaselab::separation {

SeparationInput makeInput(Eigen::ArrayXf mixture, const StftConfig& config, std::vector<Magnitudes> magnitudes,
                          int threads) {
    config.validate();
    if (mixture.size() == 0) throw InputError("the mixture is empty");
    if (std::isnan((mixture * 0.0f).sum())) throw InputError("the mixture contains NaN or infinite samples");
    SeparationInput in;
    in.config = config;
    in.threads = std::max(1, threads);
    Stft stft(config, in.threads);
    in.mixtureStft = stft.analyse(mixture);
    in.mixture = std::move(mixture);
    in.magnitudes = std::move(magnitudes);
    validateInput(in, 0);
    return in;
}

void validateShapes(const SeparationInput& in, int minimumSources) {
    if (in.sources() < minimumSources)
        throw InputError("this method needs at least " + std::to_string(minimumSources) + " source magnitudes, got " +
                         std::to_string(in.sources()));
    const Eigen::Index F = in.config.bins(), T = 1 + in.length() / in.config.hop;
    if (in.mixtureStft.rows() != F || in.mixtureStft.cols() != T)
        throw InputError("the mixture STFT does not match the STFT settings and the mixture length");
    for (int j = 0; j < in.sources(); ++j) {
        const Magnitudes& V = in.magnitudes[j];
        if (V.rows() != F || V.cols() != T)
            throw InputError("magnitudes of source " + std::to_string(j + 1) + " are " + std::to_string(V.rows()) + " x " +
                             std::to_string(V.cols()) + " but the mixture STFT is " + std::to_string(F) + " x " +
                             std::to_string(T) + " (same STFT settings and signal length needed)");
    }
}

void validateInput(const SeparationInput& in, int minimumSources) {
    validateShapes(in, minimumSources);
    for (int j = 0; j < in.sources(); ++j) {
        const Magnitudes& V = in.magnitudes[j];
        const std::string name = "magnitudes of source " + std::to_string(j + 1);
        // Two vectorised reductions (allFinite() and any() are not): v * 0 is NaN exactly when v is not finite.
        if (std::isnan((V * 0.0f).sum())) throw InputError(name + " contain NaN or infinite values");
        if (V.size() > 0 && V.minCoeff() < 0) throw InputError(name + " contain negative values (magnitudes must be >= 0)");
    }
}

void synthesiseAll(const SeparationInput& in, SeparationResult& result) {
    Stft stft(in.config, in.threads);
    result.waveforms.resize(result.stfts.size());
    for (std::size_t j = 0; j < result.stfts.size(); ++j) stft.synthesise(result.stfts[j], in.length(), result.waveforms[j]);
}

void analyseAll(const SeparationInput& in, SeparationResult& result) {
    Stft stft(in.config, in.threads);
    result.stfts.resize(result.waveforms.size());
    for (std::size_t j = 0; j < result.waveforms.size(); ++j) stft.analyse(result.waveforms[j], result.stfts[j]);
}

IterationLog::IterationLog(const RunControl& control, std::vector<ProgressReport>& trace, int total)
    : control_(control), trace_(trace), total_(total), start_(recovery::nowNanoseconds()) {}

void IterationLog::record(int iteration, std::vector<std::pair<std::string, double>> figures) {
    ProgressReport r;
    r.iteration = iteration;
    r.fraction = total_ > 0 ? double(iteration) / total_ : 1.0;
    r.message = "iteration " + std::to_string(iteration) + " / " + std::to_string(total_);
    r.figures = std::move(figures);
    trace_.push_back(r);
    if (iteration > 0 && iteration < total_)
        r.message += ", " + recovery::timeLeftText(recovery::secondsSince(start_) / iteration * (total_ - iteration));
    control_.report(r);
}

double magnitudeLoss(const std::vector<Magnitudes>& V, const std::vector<Spectrogram>& S) {
    double sum = 0;
    for (std::size_t j = 0; j < V.size(); ++j) sum += (V[j] - S[j].abs2().sqrt()).cast<double>().square().sum();
    return sum;
}

double mixingError(const Spectrogram& X, const std::vector<Spectrogram>& S) {
    Spectrogram E = X;
    for (const auto& s : S) E -= s;
    return E.abs2().cast<double>().sum();
}

}  // namespace phaselab::separation
