#pragma once
// The whole separation of a mixture, as the CLI, the GUI and experiment files run it: source
// magnitudes from the chosen setting (oracle references, supervised NMF trained on the references,
// HPSS, or imported stems), then the method. One code path, so every front end gives the same
// result for the same inputs. Thread-safety: re-entrant.

#include <vector>

#include "core/io/audio.h"
#include "core/nmf/supervised_nmf.h"
#include "core/separation/magnitudes.h"
#include "core/separation/registry.h"

namespace phaselab::separation {

struct PipelineInput {
    Eigen::ArrayXf mixture;                  // mono, L samples
    std::vector<Eigen::ArrayXf> references;  // true sources (oracle, NMF training, isolated), L samples each
    std::vector<Eigen::ArrayXf> stems;       // imported estimates (MagnitudeSource::Files), L samples each
    MagnitudeSource magnitudes = MagnitudeSource::Oracle;
    StftConfig config;
    nmf::SupervisedNmfParams nmf;
    int threads = 1;
};

// InputError for a setting that lacks what it needs (e.g. oracle magnitudes without references)
// or invalid parameter values; Cancelled through `control`. Takes `in` by value: pass it with std::move
// when it is not needed afterwards, and its signals are moved into the method's input, not copied.
SeparationResult separate(const SeparationMethod& method, const ParamValues& values, PipelineInput in,
                          const RunControl& control = {});

// A multichannel mixture separated channel by channel, as every front end runs it: `separate` on each
// channel with that channel's references and stems (a mono one serves every channel), or once on the
// downmixes when `downmix` is set (or the mixture is mono). settings gives everything but the signals
// (its mixture, references and stems are ignored). Channel c's progress is its share of `control`,
// its messages read "channel c of C", and only channel 1 reports figures. InputError when a reference
// or stem has another length, or neither 1 nor the mixture's channels.
struct ChannelsSeparation {
    std::vector<Eigen::ArrayXXf> images;  // per source: samples x channels (1 for the downmix)
    SeparationResult firstChannel;        // channel 1's STFTs and trace (its waveforms are in images)
};
ChannelsSeparation separateChannels(const SeparationMethod& method, const ParamValues& values, const PipelineInput& settings,
                                    const Audio& mixture, const std::vector<const Audio*>& references,
                                    const std::vector<const Audio*>& stems, bool downmix, const RunControl& control = {});

}  // namespace phaselab::separation
