#include "core/separation/multichannel_wiener.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <complex>

#include "core/common/error.h"

namespace phaselab::separation {

namespace {

using cd = std::complex<double>;
using MatrixC = Eigen::MatrixXcd;

// C_x^-1 as norbert's _invert: 1/(m + eps), the 2 x 2 closed form, or the pseudo-inverse.
void invert(const MatrixC& M, double eps, MatrixC& out) {
    const Eigen::Index C = M.rows();
    if (C == 1) {
        out(0, 0) = 1.0 / (M(0, 0) + eps);
    } else if (C == 2) {
        const cd inv = 1.0 / (M(0, 0) * M(1, 1) - M(0, 1) * M(1, 0));
        out(0, 0) = inv * M(1, 1);
        out(1, 0) = -inv * M(1, 0);
        out(0, 1) = -inv * M(0, 1);
        out(1, 1) = inv * M(0, 0);
    } else {
        Eigen::JacobiSVD<MatrixC> svd(M, Eigen::ComputeThinU | Eigen::ComputeThinV);
        const Eigen::VectorXd s = svd.singularValues();
        const double cut = eps * (s.size() ? s(0) : 0.0);
        Eigen::VectorXd sInv = (s.array() > cut).select(s.array().inverse(), 0.0);
        out.noalias() = svd.matrixV() * sInv.asDiagonal() * svd.matrixU().adjoint();
    }
}

}  // namespace

const AlgorithmDescription& mcWienerDescription() {
    static const AlgorithmDescription d{
        "mc-wiener", "Multichannel Wiener (EM)", "separation",
        "Multichannel Wiener filter with each source's spatial covariance and power spectral density re-estimated by "
        "EM (Duong, Vincent & Gribonval 2010), as norbert's wiener (Open-Unmix's post-filter): stereo images from "
        "per-channel source magnitudes. 0 iterations: the soft mask.",
        {integerSpec("iterations", "Iterations", 1, 0, 1000, "", "EM steps after the soft-mask start (0: the soft mask)."),
         choiceSpec("start", "Start", {"softmask", "phase"}, "softmask",
                    "The start: V_j / sum_k V_k times the mixture, or V_j with the mixture's phase.")}};
    return d;
}

McWienerParams mcWienerParamsFrom(const ParamValues& values) {
    const auto& d = mcWienerDescription();
    validateParams(d, values);
    McWienerParams p;
    p.iterations = int(numberParam(d, values, "iterations"));
    p.softmask = choiceParam(d, values, "start") == "softmask";
    return p;
}

std::vector<std::vector<Spectrogram>> multichannelWiener(const std::vector<Spectrogram>& mixture,
                                                         const std::vector<std::vector<Magnitudes>>& magnitudes,
                                                         const McWienerParams& params, const RunControl& control) {
    const int C = int(mixture.size()), J = int(magnitudes.size());
    if (C < 1) throw InputError("multichannel Wiener: no mixture channel");
    if (J < 1) throw InputError("multichannel Wiener: no source");
    if (params.iterations < 0 || params.iterations > 1000)
        throw InputError("multichannel Wiener: the iterations must be 0 to 1000, got " + std::to_string(params.iterations));
    if (!(params.eps > 0) || !std::isfinite(params.eps)) throw InputError("multichannel Wiener: eps must be positive");
    const Eigen::Index F = mixture[0].rows(), T = mixture[0].cols();
    for (const auto& x : mixture)
        if (x.rows() != F || x.cols() != T) throw InputError("multichannel Wiener: the mixture's channels differ in shape");
    for (int j = 0; j < J; ++j) {
        const auto& v = magnitudes[std::size_t(j)];
        if (int(v.size()) != C && v.size() != 1)
            throw InputError("multichannel Wiener: source " + std::to_string(j + 1) + " has " + std::to_string(v.size()) +
                             " magnitude channels for a mixture of " + std::to_string(C));
        for (const auto& m : v) {
            if (m.rows() != F || m.cols() != T)
                throw InputError("multichannel Wiener: source " + std::to_string(j + 1) + "'s magnitudes have the wrong shape");
            if (!m.allFinite() || (m < 0).any())
                throw InputError("multichannel Wiener: source " + std::to_string(j + 1) + "'s magnitudes are negative or not finite");
        }
    }
    const double eps = params.eps;
    auto V = [&](int j, int c) -> const Magnitudes& {
        const auto& v = magnitudes[std::size_t(j)];
        return v[v.size() == 1 ? 0 : std::size_t(c)];
    };

    std::vector<std::vector<Spectrogram>> y(static_cast<std::size_t>(J), std::vector<Spectrogram>(static_cast<std::size_t>(C)));
    for (int c = 0; c < C; ++c) {
        Eigen::ArrayXXd total = Eigen::ArrayXXd::Constant(F, T, eps);
        for (int j = 0; j < J; ++j) total += V(j, c).cast<double>();
        for (int j = 0; j < J; ++j) {
            const Eigen::ArrayXXd v = V(j, c).cast<double>();
            if (params.softmask)
                y[std::size_t(j)][std::size_t(c)] = ((v / total).cast<cd>() * mixture[std::size_t(c)].cast<cd>()).cast<std::complex<float>>();
            else
                y[std::size_t(j)][std::size_t(c)] = (v.cast<cd>() * mixture[std::size_t(c)].cast<cd>().arg().unaryExpr(
                                                                          [](double a) { return std::polar(1.0, a); }))
                                                         .cast<std::complex<float>>();
        }
    }
    if (params.iterations == 0) return y;

    double peak = 0;
    for (const auto& x : mixture) peak = std::max(peak, double(x.abs().maxCoeff()));
    const double scale = std::max(1.0, peak / 10.0);
    for (auto& yj : y)
        for (auto& ych : yj) ych /= float(scale);

    std::vector<Eigen::ArrayXXd> v(static_cast<std::size_t>(J), Eigen::ArrayXXd(F, T));
    std::vector<std::vector<MatrixC>> R(static_cast<std::size_t>(J), std::vector<MatrixC>(static_cast<std::size_t>(F), MatrixC::Zero(C, C)));
    MatrixC Cxx(C, C), inverse(C, C), gain(C, C);
    Eigen::VectorXcd x(C), yt(C);
    const double regularisation = std::sqrt(eps);
    for (int it = 0; it < params.iterations; ++it) {
        control.report(double(it) / params.iterations, "EM iteration " + std::to_string(it + 1));
        for (int j = 0; j < J; ++j) {
            auto& vj = v[std::size_t(j)];
            vj.setZero();
            for (int c = 0; c < C; ++c) vj += y[std::size_t(j)][std::size_t(c)].abs2().cast<double>();
            vj /= double(C);
            for (Eigen::Index f = 0; f < F; ++f) {
                MatrixC& Rjf = R[std::size_t(j)][std::size_t(f)];
                Rjf.setZero();
                for (Eigen::Index t = 0; t < T; ++t) {
                    for (int c = 0; c < C; ++c) yt(c) = cd(y[std::size_t(j)][std::size_t(c)](f, t));
                    Rjf.noalias() += yt * yt.adjoint();
                }
                Rjf /= eps + vj.row(f).sum();
            }
        }
        for (Eigen::Index t = 0; t < T; ++t) {
            if (t % 64 == 0) control.checkCancel();
            for (Eigen::Index f = 0; f < F; ++f) {
                Cxx = regularisation * MatrixC::Identity(C, C);
                for (int j = 0; j < J; ++j) Cxx += v[std::size_t(j)](f, t) * R[std::size_t(j)][std::size_t(f)];
                invert(Cxx, eps, inverse);
                for (int c = 0; c < C; ++c) x(c) = cd(mixture[std::size_t(c)](f, t)) / scale;
                for (int j = 0; j < J; ++j) {
                    gain.noalias() = R[std::size_t(j)][std::size_t(f)] * inverse;
                    yt.noalias() = gain * x;
                    yt *= v[std::size_t(j)](f, t);
                    for (int c = 0; c < C; ++c) y[std::size_t(j)][std::size_t(c)](f, t) = std::complex<float>(yt(c));
                }
            }
        }
    }
    for (auto& yj : y)
        for (auto& ych : yj) ych *= float(scale);
    control.report(1.0, "done");
    return y;
}

std::vector<std::vector<Magnitudes>> channelMagnitudes(const std::vector<Spectrogram>& X, MagnitudeSource source,
                                                       const std::vector<Eigen::ArrayXXf>& sourceSignals, const StftConfig& config,
                                                       const nmf::SupervisedNmfParams& nmf, const RunControl& control, int threads) {
    const int C = int(X.size());
    const Eigen::Index length = sourceSignals.empty() ? 0 : sourceSignals[0].rows();
    std::vector<std::vector<Magnitudes>> V;
    for (int c = 0; c < C; ++c) {
        std::vector<Eigen::ArrayXf> channel;
        for (const auto& s : sourceSignals) channel.push_back(s.col(s.cols() == 1 ? 0 : c));
        std::vector<Magnitudes> v;
        switch (source) {
            case MagnitudeSource::Oracle: v = oracleMagnitudes(channel, length, config, threads); break;
            case MagnitudeSource::Files: v = importedMagnitudes(channel, length, config, threads); break;
            case MagnitudeSource::Nmf:
                if (channel.empty()) throw InputError("mc-wiener: NMF magnitudes need training signals (references)");
                v = nmfMagnitudes(X[std::size_t(c)], channel, config, nmf,
                                  stageControl(control, c, C, C > 1 ? "NMF, channel " + std::to_string(c + 1) + " of " + std::to_string(C) : "NMF", false),
                                  threads);
                break;
            case MagnitudeSource::Hpss: v = hpssMagnitudes(X[std::size_t(c)].abs()); break;
        }
        if (c == 0) V.resize(v.size());
        for (std::size_t j = 0; j < v.size(); ++j) V[j].push_back(std::move(v[j]));
    }
    return V;
}

std::vector<Eigen::ArrayXXf> multichannelWienerImages(const Eigen::ArrayXXf& mixture, MagnitudeSource source,
                                                      const std::vector<Eigen::ArrayXXf>& sourceSignals, const StftConfig& config,
                                                      const McWienerParams& params, const nmf::SupervisedNmfParams& nmf,
                                                      const RunControl& control, int threads, std::vector<Spectrogram>* firstChannelStfts) {
    const int C = int(mixture.cols());
    if (C < 1 || C > kMcWienerMaxChannels)
        throw InputError("mc-wiener handles 1 to " + std::to_string(kMcWienerMaxChannels) + " channels, the mixture has " + std::to_string(C));
    if (source != MagnitudeSource::Hpss && sourceSignals.size() < 2)
        throw InputError("mc-wiener needs the signals of at least two sources (" + std::string(magnitudeSourceName(source)) + " magnitudes)");
    for (std::size_t j = 0; j < sourceSignals.size(); ++j) {
        if (source != MagnitudeSource::Nmf && sourceSignals[j].rows() != mixture.rows())
            throw InputError("source " + std::to_string(j + 1) + " has " + std::to_string(sourceSignals[j].rows()) + " samples, the mixture " +
                             std::to_string(mixture.rows()));
        if (sourceSignals[j].cols() != C && sourceSignals[j].cols() != 1)
            throw InputError("source " + std::to_string(j + 1) + " has " + std::to_string(sourceSignals[j].cols()) + " channels, the mixture " +
                             std::to_string(C));
    }
    Stft stft(config, threads);
    std::vector<Spectrogram> X;
    for (int c = 0; c < C; ++c) X.push_back(stft.analyse(Eigen::ArrayXf(mixture.col(c))));
    const bool nmfStage = source == MagnitudeSource::Nmf;
    const auto V = channelMagnitudes(X, source, sourceSignals, config, nmf, nmfStage ? stageControl(control, 0, 2, "magnitudes", false) : control,
                                     threads);
    auto Y = multichannelWiener(X, V, params, nmfStage ? stageControl(control, 1, 2, "EM", true) : control);
    std::vector<Eigen::ArrayXXf> images;
    for (auto& y : Y) {
        Eigen::ArrayXXf image(mixture.rows(), C);
        for (int c = 0; c < C; ++c) image.col(c) = stft.synthesise(y[std::size_t(c)], mixture.rows());
        images.push_back(std::move(image));
        if (firstChannelStfts) firstChannelStfts->push_back(std::move(y[0]));
    }
    return images;
}

}  // namespace phaselab::separation
