#pragma once
// The whole separation of a mixture, as the CLI, the GUI and experiment files run it: source
// magnitudes from the chosen setting (oracle references, supervised NMF trained on the references,
// HPSS, or imported stems), then the method. One code path, so every front end gives the same
// result for the same inputs. Thread-safety: re-entrant.

#include <vector>

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

}  // namespace phaselab::separation
