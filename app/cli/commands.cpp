#include "cli_common.h"

namespace phaselab::cli {

int runInfo(const QStringList& args);
int runSpectrogram(const QStringList& args);

const std::vector<Command>& commands() {
    static const std::vector<Command> all{
        {"info", "Format, sample rate, channels, length, peak and RMS of an audio file.", runInfo},
        {"spectrogram", "Render a labelled spectrogram image (PNG).", runSpectrogram},
    };
    return all;
}

}  // namespace phaselab::cli
