#include "core/separation/masks.h"

#include "core/common/error.h"
#include "core/common/memory.h"

namespace phaselab::separation {

const AlgorithmDescription& idealBinaryDescription() {
    static const AlgorithmDescription d{"ideal-binary", "Binary mask", "separation",
                                        "Each time-frequency bin goes entirely to the source with the largest magnitude; "
                                        "mixture phase.",
                                        {}};
    return d;
}

const AlgorithmDescription& idealRatioDescription() {
    static const AlgorithmDescription d{
        "ideal-ratio", "Ratio mask", "separation",
        "Mask V_j^p / sum_k V_k^p applied to the mixture (p = 1: magnitude ratio); mixture phase.",
        {realSpec("exponent", "Exponent p", 1.0, 0.1, 4.0, "",
                    "Power applied to the magnitudes before normalising: 1 = magnitude ratio, 2 = Wiener.")}};
    return d;
}

const AlgorithmDescription& wienerDescription() {
    static const AlgorithmDescription d{"wiener", "Wiener filter", "separation",
                                        "Power-ratio mask V_j^2 / sum_k V_k^2 applied to the mixture; mixture phase.",
                                        {}};
    return d;
}

const AlgorithmDescription& mixturePhaseDescription() {
    static const AlgorithmDescription d{"mixture-phase", "Magnitudes with mixture phase", "separation",
                                        "Each source keeps its magnitude V_j and takes the mixture's phase "
                                        "(amplitude mask; the sources do not add up to the mixture).",
                                        {}};
    return d;
}

namespace {

// v^p into `out` (reused across calls), returned; p = 1 and 2 exactly.
const Magnitudes& raisedTo(const Magnitudes& v, float p, Magnitudes& out) {
    resizeLarge(out, v.rows(), v.cols());
    if (p == 1.0f) out = v;
    else if (p == 2.0f) out = v.square();
    else out = v.pow(p);
    return out;
}

}  // namespace

std::vector<Magnitudes> ratioMasks(const std::vector<Magnitudes>& V, double exponent) {
    const std::size_t J = V.size();
    std::vector<Magnitudes> M(J);
    if (J == 0) return M;
    Magnitudes total = Magnitudes::Zero(V[0].rows(), V[0].cols());
    for (std::size_t j = 0; j < J; ++j) {
        raisedTo(V[j], float(exponent), M[j]);
        total += M[j];
    }
    const float equal = 1.0f / float(J);
    for (auto& m : M) m = (total > 0).select(m / total, equal);
    return M;
}

std::vector<Magnitudes> binaryMasks(const std::vector<Magnitudes>& V) {
    const std::size_t J = V.size();
    std::vector<Magnitudes> M(J);
    if (J == 0) return M;
    Magnitudes best = V[0];
    Eigen::ArrayXXi which = Eigen::ArrayXXi::Zero(V[0].rows(), V[0].cols());
    for (std::size_t j = 1; j < J; ++j) {
        which = (V[j] > best).select(int(j), which);
        best = best.max(V[j]);
    }
    for (std::size_t j = 0; j < J; ++j) M[j] = (which == int(j)).cast<float>();
    return M;
}

SeparationResult runMask(const SeparationInput& in, const MaskParams& params, const RunControl& control) {
    validateInput(in);
    if (params.type == MaskType::Ratio && !(params.exponent > 0))
        throw InputError("ratio mask: the exponent must be positive");
    control.checkCancel();
    SeparationResult r;
    const int J = in.sources();
    r.stfts.resize(J);
    if (params.type == MaskType::MixturePhase) {
        const Magnitudes a = in.mixtureStft.abs2().sqrt();
        const Spectrogram unit = (a > 0).select(in.mixtureStft / a, std::complex<float>(1, 0));
        for (int j = 0; j < J; ++j) r.stfts[j] = in.magnitudes[j] * unit;
    } else if (params.type == MaskType::Binary) {
        const auto masks = binaryMasks(in.magnitudes);
        for (int j = 0; j < J; ++j) r.stfts[j] = masks[j] * in.mixtureStft;
    } else {
        // ratioMasks() fused with their application: one sum of powers, one power workspace, no
        // mask arrays.
        const float p = float(params.exponent);
        Magnitudes total, power;
        resizeLarge(total, in.mixtureStft.rows(), in.mixtureStft.cols());
        total.setZero();
        for (const Magnitudes& v : in.magnitudes) total += raisedTo(v, p, power);
        const float equal = 1.0f / float(J);
        for (int j = 0; j < J; ++j) {
            resizeLarge(r.stfts[std::size_t(j)], total.rows(), total.cols());
            r.stfts[std::size_t(j)] = (total > 0).select(raisedTo(in.magnitudes[std::size_t(j)], p, power) / total, equal) *
                                      in.mixtureStft;
        }
    }
    control.report(0.5, "synthesis");
    synthesiseAll(in, r);
    control.report(1.0);
    return r;
}

}  // namespace phaselab::separation
