#include "core/tf/frequency_scale.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/common/error.h"

namespace phaselab {

const char* scaleName(FrequencyScale s) {
    switch (s) {
        case FrequencyScale::Linear: return "linear";
        case FrequencyScale::Log: return "log";
        case FrequencyScale::Mel: return "mel";
    }
    return "linear";
}

FrequencyScale scaleFromName(const std::string& name) {
    for (auto s : {FrequencyScale::Linear, FrequencyScale::Log, FrequencyScale::Mel})
        if (name == scaleName(s)) return s;
    throw InputError("unknown frequency scale '" + name + "' (use linear, log or mel)");
}

double hzToMel(double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); }
double melToHz(double mel) { return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0); }

double FrequencyAxis::lowHz() const {
    if (scale == FrequencyScale::Log) return std::max({minHz, 20.0 * (maxHz > 2000 ? 1.0 : maxHz / 2000.0), maxHz / 1000.0});
    return minHz;
}

double FrequencyAxis::toPosition(double hz) const {
    const double lo = lowHz(), hi = maxHz;
    switch (scale) {
        case FrequencyScale::Linear: return (hz - lo) / (hi - lo);
        case FrequencyScale::Log: return std::log(std::max(hz, 1e-9) / lo) / std::log(hi / lo);
        case FrequencyScale::Mel: return (hzToMel(hz) - hzToMel(lo)) / (hzToMel(hi) - hzToMel(lo));
    }
    return 0;
}

double FrequencyAxis::toHz(double p) const {
    const double lo = lowHz(), hi = maxHz;
    switch (scale) {
        case FrequencyScale::Linear: return lo + p * (hi - lo);
        case FrequencyScale::Log: return lo * std::pow(hi / lo, p);
        case FrequencyScale::Mel: return melToHz(hzToMel(lo) + p * (hzToMel(hi) - hzToMel(lo)));
    }
    return 0;
}

std::string noteName(double hz, double* cents) {
    if (!(hz >= 16.0)) {
        if (cents) *cents = 0;
        return {};
    }
    static const std::array<const char*, 12> names{"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};
    const double midi = 69.0 + 12.0 * std::log2(hz / 440.0);
    const long nearest = std::lround(midi);
    if (cents) *cents = (midi - double(nearest)) * 100.0;
    const long octave = nearest / 12 - 1;
    return std::string(names[std::size_t(nearest % 12)]) + std::to_string(octave);
}

}  // namespace phaselab
