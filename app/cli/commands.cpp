#include "cli_common.h"

namespace phaselab::cli {

int runInfo(const QStringList& args);
int runSpectrogram(const QStringList& args);
int runSeparate(const QStringList& args);
int runAlgorithms(const QStringList& args);
int runRecover(const QStringList& args);

const std::vector<Command>& commands() {
    static const std::vector<Command> all{
        {"info", "Format, sample rate, channels, length, peak and RMS of an audio file.", runInfo},
        {"spectrogram", "Render a labelled spectrogram image (PNG).", runSpectrogram},
        {"separate", "Separate a mixture into sources (masks, Wiener, MISI, NMF, HPSS; oracle/estimated/imported magnitudes).", runSeparate},
        {"recover", "Rebuild a signal from its STFT magnitude (Griffin-Lim, fast GL, phase unwrapping, Bregman).", runRecover},
        {"algorithms", "List the algorithms with their parameters, defaults, ranges and units.", runAlgorithms},
    };
    return all;
}

}  // namespace phaselab::cli
