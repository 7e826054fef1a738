#include "core/separation/source_start.h"

#include "core/recovery/pghi.h"

namespace phaselab::separation {

const char* sourceStartName(SourceStart start) {
    switch (start) {
        case SourceStart::Mixture: return "mixture";
        case SourceStart::Pghi: return "pghi";
        case SourceStart::PghiMasked: return "pghi-masked";
    }
    return "mixture";
}

SourceStart sourceStartFromName(const std::string& name) {
    if (name == "pghi") return SourceStart::Pghi;
    if (name == "pghi-masked") return SourceStart::PghiMasked;
    return SourceStart::Mixture;
}

std::vector<Magnitudes> sourceStartPhases(const SeparationInput& in, SourceStart start) {
    const int J = in.sources();
    const Magnitudes mixturePhase = phaseOf(in.mixtureStft);
    std::vector<Magnitudes> phases(std::size_t(J), mixturePhase);
    if (start == SourceStart::Mixture) return phases;
    Magnitudes total = Magnitudes::Zero(mixturePhase.rows(), mixturePhase.cols());
    for (const auto& V : in.magnitudes) total += V.square();
    for (int j = 0; j < J; ++j) {
        const Magnitudes& V = in.magnitudes[std::size_t(j)];
        if (!(V > 0).any()) continue;  // a silent source keeps the mixture phase (its estimate is 0 anyway)
        if (start == SourceStart::Pghi) {
            phases[std::size_t(j)] = recovery::pghiPhase(V, in.config);
            continue;
        }
        recovery::KnownPhase known;
        known.mask = (V.square() >= kDominantShare * total && V > 0).cast<unsigned char>();
        known.phase = mixturePhase;
        phases[std::size_t(j)] = recovery::pghiPhase(V, in.config, {}, &known);
    }
    return phases;
}

}  // namespace phaselab::separation
