#include "core/separation/pipeline.h"

#include "core/common/error.h"
#include "core/common/memory.h"

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

ChannelsSeparation separateChannels(const SeparationMethod& method, const ParamValues& values, const PipelineInput& settings,
                                    const Audio& mixture, const std::vector<const Audio*>& references,
                                    const std::vector<const Audio*>& stems, bool downmix, const RunControl& control) {
    const int C = downmix ? 1 : mixture.channels();
    for (const auto* list : {&references, &stems})
        for (const Audio* a : *list)
            if (a->frames() != mixture.frames() || (C > 1 && a->channels() != 1 && a->channels() != C))
                throw InputError(std::string(list == &references ? "a reference" : "a stem") + " has " + std::to_string(a->frames()) +
                                 " samples in " + std::to_string(a->channels()) + " channels, the mixture " +
                                 std::to_string(mixture.frames()) + " in " + std::to_string(C));
    ChannelsSeparation out;
    for (int c = 0; c < C; ++c) {
        const int channel = C == 1 ? -1 : c;
        PipelineInput in;
        in.mixture = mixture.channelOrOnly(channel);
        for (const Audio* a : references) in.references.push_back(a->channelOrOnly(channel));
        for (const Audio* a : stems) in.stems.push_back(a->channelOrOnly(channel));
        in.magnitudes = settings.magnitudes;
        in.config = settings.config;
        in.nmf = settings.nmf;
        in.threads = settings.threads;
        const std::string label = C == 1 ? std::string() : "channel " + std::to_string(c + 1) + " of " + std::to_string(C);
        SeparationResult r = separate(method, values, std::move(in), stageControl(control, c, C, label, c == 0));
        if (c == 0) {
            out.images.resize(r.waveforms.size());
            for (auto& image : out.images) resizeLarge(image, mixture.frames(), C);
        }
        if (r.waveforms.size() != out.images.size()) throw InputError(method.description->name + ": the channels gave different source counts");
        for (std::size_t j = 0; j < out.images.size(); ++j) out.images[j].col(c) = r.waveforms[j];
        if (c == 0) {
            r.waveforms.clear();
            out.firstChannel = std::move(r);
        }
    }
    return out;
}

}  // namespace phaselab::separation
