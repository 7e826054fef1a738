#include "core/separation/pipeline.h"

#include "core/common/error.h"

namespace phaselab::separation {

SeparationResult separate(const SeparationMethod& method, const ParamValues& values, PipelineInput in,
                          const RunControl& control) {
    const std::string& name = method.description->name;
    SeparationInput input = makeInput(std::move(in.mixture), in.config, {}, in.threads);
    if (method.usesMagnitudes) {
        std::vector<Magnitudes> V;
        const Eigen::Index L = input.length();
        switch (in.magnitudes) {
            case MagnitudeSource::Oracle:
                if (in.references.empty()) throw InputError(name + ": oracle magnitudes need the true sources (references)");
                V = oracleMagnitudes(in.references, L, in.config, in.threads);
                break;
            case MagnitudeSource::Nmf:
                if (in.references.empty()) throw InputError(name + ": NMF magnitudes need training signals (references)");
                V = nmfMagnitudes(input.mixtureStft, in.references, in.config, in.nmf, control, in.threads);
                break;
            case MagnitudeSource::Hpss: V = hpssMagnitudes(input.mixtureStft.abs()); break;
            case MagnitudeSource::Files:
                if (in.stems.empty()) throw InputError(name + ": imported magnitudes need the stems of another separator");
                V = importedMagnitudes(in.stems, L, in.config, in.threads);
                break;
        }
        input.magnitudes = std::move(V);
        if (in.references.size() == input.magnitudes.size()) input.isolated = std::move(in.references);
        validateInput(input, method.minimumSources);
    }
    return method.run(input, values, control);
}

}  // namespace phaselab::separation
