#include "core/separation/registry.h"

#include "core/separation/anisotropic_wiener.h"
#include "core/separation/bayesian_ag.h"
#include "core/separation/complex_isnmf.h"
#include "core/separation/complex_nmf.h"
#include "core/separation/bregman_misi.h"
#include "core/separation/consistent_anisotropic_wiener.h"
#include "core/separation/consistent_wiener.h"
#include "core/separation/hpss.h"
#include "core/separation/pu_iter.h"
#include "core/separation/masks.h"
#include "core/separation/misi.h"

namespace phaselab::separation {

const AlgorithmDescription& nmfMaskDescription() {
    static const AlgorithmDescription d{
        "nmf", "Supervised NMF mask", "separation",
        "Ratio mask (W_j H_j)^p / sum_k (W_k H_k)^p from supervised NMF magnitudes (one dictionary per source, "
        "learned on its training signal, then fixed); mixture phase.",
        {realSpec("exponent", "Exponent p", 2.0, 0.1, 4.0, "",
                    "2 = power ratio of the NMF magnitude models (Wiener-like mask), 1 = magnitude ratio.")}};
    return d;
}

const std::vector<SeparationMethod>& separationMethods() {
    static const std::vector<SeparationMethod> all = [] {
        std::vector<SeparationMethod> m;
        m.push_back({&idealBinaryDescription(), true, 2, [](const SeparationInput& in, const ParamValues& v, const RunControl& c) {
                         validateParams(idealBinaryDescription(), v);
                         return runMask(in, {MaskType::Binary, 1.0}, c);
                     }});
        m.push_back({&idealRatioDescription(), true, 2, [](const SeparationInput& in, const ParamValues& v, const RunControl& c) {
                         const auto& d = idealRatioDescription();
                         validateParams(d, v);
                         return runMask(in, {MaskType::Ratio, numberParam(d, v, "exponent")}, c);
                     }});
        m.push_back({&wienerDescription(), true, 2, [](const SeparationInput& in, const ParamValues& v, const RunControl& c) {
                         validateParams(wienerDescription(), v);
                         return runMask(in, {MaskType::Ratio, 2.0}, c);
                     }});
        m.push_back({&mixturePhaseDescription(), true, 1,
                     [](const SeparationInput& in, const ParamValues& v, const RunControl& c) {
                         validateParams(mixturePhaseDescription(), v);
                         return runMask(in, {MaskType::MixturePhase, 1.0}, c);
                     }});
        m.push_back({&misiDescription(), true, 2, [](const SeparationInput& in, const ParamValues& v, const RunControl& c) {
                         return runMisi(in, misiParams(v), c);
                     }});
        m.push_back({&awDescription(), true, 2, [](const SeparationInput& in, const ParamValues& v, const RunControl& c) {
                         return runAnisotropicWiener(in, awParams(v, in), c);
                     }});
        m.push_back({&bagDescription(), true, 2, [](const SeparationInput& in, const ParamValues& v, const RunControl& c) {
                         return runBayesianAg(in, bagParams(v), c);
                     }});
        m.push_back({&cwDescription(), true, 2, [](const SeparationInput& in, const ParamValues& v, const RunControl& c) {
                         return runConsistentWiener(in, cwParams(v), c);
                     }});
        m.push_back({&cawDescription(), true, 2, [](const SeparationInput& in, const ParamValues& v, const RunControl& c) {
                         return runConsistentAnisotropicWiener(in, cawParams(v, in), c);
                     }});
        m.push_back({&puIterDescription(), true, 2, [](const SeparationInput& in, const ParamValues& v, const RunControl& c) {
                         return runPuIter(in, puIterParams(v), c);
                     }});
        m.push_back({&bregmanMisiDescription(), true, 2, [](const SeparationInput& in, const ParamValues& v, const RunControl& c) {
                         return runBregmanMisi(in, bregmanMisiParams(v), c);
                     }});
        m.push_back({&complexNmfDescription(), true, 2,
                     [](const SeparationInput& in, const ParamValues& v, const RunControl& c) {
                         return runComplexNmf(in, complexNmfParams(v), c);
                     }});
        m.push_back({&complexIsNmfDescription(), true, 2,
                     [](const SeparationInput& in, const ParamValues& v, const RunControl& c) {
                         return runComplexIsNmf(in, complexIsNmfParams(v), c);
                     }});
        m.push_back({&nmfMaskDescription(), true, 2, [](const SeparationInput& in, const ParamValues& v, const RunControl& c) {
                         const auto& d = nmfMaskDescription();
                         validateParams(d, v);
                         return runMask(in, {MaskType::Ratio, numberParam(d, v, "exponent")}, c);
                     }});
        m.push_back({&hpssDescription(), false, 0, [](const SeparationInput& in, const ParamValues& v, const RunControl& c) {
                         return runHpss(in, hpssParams(v), c);
                     }});
        return m;
    }();
    return all;
}

std::string multichannelHandling(const SeparationMethod& method) {
    if (!method.usesMagnitudes)
        return "channel by channel: each channel of the mixture is split on its own (its own magnitudes), into images";
    return "channel by channel: the method runs on each channel with that channel's source magnitudes (the same channel of "
           "the references or stems, a mono one serving every channel; NMF magnitudes learnt per channel), into images";
}

const SeparationMethod* findSeparationMethod(const std::string& id) {
    for (const auto& m : separationMethods())
        if (m.description->id == id) return &m;
    return nullptr;
}

const std::vector<std::string>& plannedSeparationMethods() {
    static const std::vector<std::string> planned{};
    return planned;
}

}  // namespace phaselab::separation
