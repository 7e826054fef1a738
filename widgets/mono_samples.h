#pragma once
// A mono signal shared between panes and worker threads without copying: a read-only view of
// channel 0 of an Audio that keeps the Audio alive.

#include <memory>

#include "core/io/audio.h"

namespace phaselab {

using MonoSamples = Eigen::Map<const Eigen::ArrayXf>;

// Channel 0 of `audio` (callers pass a mono Audio, e.g. Audio::fromMono(x.mono(), rate)).
inline std::shared_ptr<const MonoSamples> monoSamples(std::shared_ptr<const Audio> audio) {
    struct Holder {
        std::shared_ptr<const Audio> audio;
        MonoSamples samples;
    };
    auto holder = std::make_shared<Holder>(Holder{audio, MonoSamples(audio->data.data(), audio->frames())});
    return std::shared_ptr<const MonoSamples>(holder, &holder->samples);
}

// Channel c (0-based) of `audio`, without a copy (a column of Audio::data is contiguous).
inline std::shared_ptr<const MonoSamples> channelSamples(std::shared_ptr<const Audio> audio, int c) {
    struct Holder {
        std::shared_ptr<const Audio> audio;
        MonoSamples samples;
    };
    auto holder = std::make_shared<Holder>(Holder{audio, MonoSamples(audio->data.col(c).data(), audio->frames())});
    return std::shared_ptr<const MonoSamples>(holder, &holder->samples);
}

// A view of `mono` that keeps it alive.
inline std::shared_ptr<const MonoSamples> monoSamples(std::shared_ptr<const Eigen::ArrayXf> mono) {
    struct Holder {
        std::shared_ptr<const Eigen::ArrayXf> mono;
        MonoSamples samples;
    };
    auto holder = std::make_shared<Holder>(Holder{mono, MonoSamples(mono->data(), mono->size())});
    return std::shared_ptr<const MonoSamples>(holder, &holder->samples);
}

}  // namespace phaselab
