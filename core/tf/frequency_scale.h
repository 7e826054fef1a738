#pragma once
// Frequency axes for display: linear, logarithmic and mel, and musical note names.
// Positions are normalised: 0 at the lowest shown frequency, 1 at the highest.
// Mel uses the HTK formula mel = 2595 log10(1 + f / 700).

#include <string>

namespace phaselab {

enum class FrequencyScale { Linear, Log, Mel };

const char* scaleName(FrequencyScale s);            // "linear", "log", "mel"
FrequencyScale scaleFromName(const std::string&);   // InputError for an unknown name

struct FrequencyAxis {
    FrequencyScale scale = FrequencyScale::Linear;
    double minHz = 0;        // Log clamps this to at least 20 Hz (or maxHz / 1000)
    double maxHz = 22050;

    double lowHz() const;                // effective lower bound
    double toPosition(double hz) const;  // 0..1
    double toHz(double position) const;  // inverse of toPosition
};

double hzToMel(double hz);
double melToHz(double mel);

// "A4", "C#5"; empty below 16 Hz. A4 = 440 Hz, equal temperament. cents receives the
// deviation from the nearest note in cents (-50..50) when not null.
std::string noteName(double hz, double* cents = nullptr);

}  // namespace phaselab
