#pragma once
// The separation algorithms PhaseLab offers, by id, with their descriptions (for the GUI forms,
// the CLI options and `phaselab-cli algorithms`) and a uniform entry point taking ParamValues.
// Methods listed by the issue but not implemented yet are in plannedSeparationMethods() only.
// Thread-safety: the registry is immutable; run functions are re-entrant.

#include <functional>
#include <string>
#include <vector>

#include "core/common/description.h"
#include "core/separation/separation.h"

namespace phaselab::separation {

struct SeparationMethod {
    const AlgorithmDescription* description;
    // false: the method makes its own magnitudes from the mixture (hpss); in.magnitudes is ignored.
    bool usesMagnitudes = true;
    int minimumSources = 2;
    std::function<SeparationResult(const SeparationInput&, const ParamValues&, const RunControl&)> run;
};

const std::vector<SeparationMethod>& separationMethods();
// How the method treats a multichannel mixture, in a sentence (`phaselab-cli algorithms`, the docs):
// each of separationMethods() runs channel by channel - the method on each channel with that
// channel's source magnitudes, as `separate`, the GUI and experiments apply it - into images;
// mc-wiener (multichannel_wiener.h) is the method that separates all channels jointly.
std::string multichannelHandling(const SeparationMethod& method);
// "nmf": ratio mask on NMF magnitudes (the CLI/GUI estimate them by supervised NMF for this method).
const AlgorithmDescription& nmfMaskDescription();
// nullptr for an unknown or not yet implemented id.
const SeparationMethod* findSeparationMethod(const std::string& id);
// Ids named by the separation issue that have no implementation yet.
const std::vector<std::string>& plannedSeparationMethods();

}  // namespace phaselab::separation
