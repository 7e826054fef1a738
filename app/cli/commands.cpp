#include "cli_common.h"

namespace phaselab::cli {

int runInfo(const QStringList& args);
int runSpectrogram(const QStringList& args);
int runPhase(const QStringList& args);
int runVonMises(const QStringList& args);
int runSeparate(const QStringList& args);
int runAlgorithms(const QStringList& args);
int runExperiment(const QStringList& args);
int runBatch(const QStringList& args);
int runSummarise(const QStringList& args);
int runRecover(const QStringList& args);
int runEval(const QStringList& args);
int runStream(const QStringList& args);

const std::vector<Command>& commands() {
    static const std::vector<Command> all{
        {"info", "Format, sample rate, channels, length, peak and RMS of an audio file.", runInfo},
        {"spectrogram", "Render a labelled spectrogram image (PNG).", runSpectrogram},
        {"phase", "Render a phase view: raw or centred phase, instantaneous frequency, group delay, kappa (PNG).", runPhase},
        {"vonmises", "Von Mises fits (kappa, mean resultant length) of the raw and centred phase of a region.", runVonMises},
        {"separate", "Separate a mixture into sources (masks, Wiener, MISI, NMF, HPSS; oracle/estimated/imported magnitudes).", runSeparate},
        {"recover", "Rebuild a signal from its STFT magnitude (Griffin-Lim, fast GL, phase unwrapping, Bregman).", runRecover},
        {"eval", "Evaluate estimates against references: BSS Eval v3/v4 (mir_eval/museval), SI-SDR.", runEval},
        {"stream", "Run a file through the streaming engine block by block (RTPGHI, online MISI, online Wiener): latency, real-time factor, figures.", runStream},
        {"run", "Re-run an experiment file and check that its metrics reproduce.", runExperiment},
        {"batch", "Run a batch manifest over a folder of tracks (one independent job per track, --shard I/N).", runBatch},
        {"summarise", "Merge batch results into medians per run, source and figure.", runSummarise},
        {"algorithms", "List the algorithms with their parameters, defaults, ranges and units.", runAlgorithms},
    };
    return all;
}

}  // namespace phaselab::cli
