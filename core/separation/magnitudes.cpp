#include "core/separation/magnitudes.h"

#include <cmath>

#include "core/common/error.h"
#include "core/common/memory.h"

namespace phaselab::separation {

MagnitudeSource magnitudeSourceFromName(const std::string& name) {
    for (auto s : {MagnitudeSource::Oracle, MagnitudeSource::Nmf, MagnitudeSource::Hpss, MagnitudeSource::Files})
        if (name == magnitudeSourceName(s)) return s;
    throw InputError("unknown magnitude source '" + name + "' (use oracle, nmf, hpss or files)");
}

const char* magnitudeSourceName(MagnitudeSource s) {
    switch (s) {
        case MagnitudeSource::Oracle: return "oracle";
        case MagnitudeSource::Nmf: return "nmf";
        case MagnitudeSource::Hpss: return "hpss";
        case MagnitudeSource::Files: return "files";
    }
    return "oracle";
}

std::vector<Magnitudes> signalMagnitudes(const std::vector<Eigen::ArrayXf>& waveforms, Eigen::Index length,
                                         const StftConfig& config, int threads, const std::string& what,
                                         bool allowSilent) {
    config.validate();
    Stft stft(config, threads);
    std::vector<Magnitudes> V;
    Spectrogram S;
    for (std::size_t j = 0; j < waveforms.size(); ++j) {
        const std::string name = what + " " + std::to_string(j + 1);
        if (waveforms[j].size() != length)
            throw InputError(name + " has " + std::to_string(waveforms[j].size()) + " samples but the mixture has " +
                             std::to_string(length) + ": they must have the same length");
        if (std::isnan((waveforms[j] * 0.0f).sum())) throw InputError(name + " contains NaN or infinite samples");
        if (!allowSilent && (waveforms[j] == 0).all())
            throw InputError(name + " is silent: its oracle magnitudes are zero and SIR is undefined");
        stft.analyse(waveforms[j], S);
        Magnitudes& v = V.emplace_back();
        resizeLarge(v, S.rows(), S.cols());
        v = S.abs2().sqrt();
    }
    return V;
}

std::vector<Magnitudes> nmfMagnitudes(const Spectrogram& mixtureStft, const std::vector<Eigen::ArrayXf>& training,
                                      const StftConfig& config, const nmf::SupervisedNmfParams& params,
                                      const RunControl& control, int threads) {
    if (training.empty()) throw InputError("NMF magnitudes need one training signal per source (the references)");
    config.validate();
    Stft stft(config, threads);
    std::vector<Magnitudes> T;
    Spectrogram S;
    for (std::size_t j = 0; j < training.size(); ++j) {
        if (!training[j].allFinite() || (training[j] == 0).all())
            throw InputError("training signal " + std::to_string(j + 1) + " is silent or not finite");
        stft.analyse(training[j], S);
        Magnitudes& t = T.emplace_back();
        resizeLarge(t, S.rows(), S.cols());
        t = S.abs2().sqrt();
    }
    Magnitudes mixture;
    resizeLarge(mixture, mixtureStft.rows(), mixtureStft.cols());
    mixture = mixtureStft.abs2().sqrt();
    return nmf::supervisedNmf(mixture, T, params, control).models;
}

}  // namespace phaselab::separation
