#include <QFileInfo>
#include <cmath>
#include <cstdio>

#include "cli_common.h"
#include "core/io/audio.h"

namespace phaselab::cli {

int runInfo(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription("Show an audio file's format, sample rate, channels, length, peak and RMS.");
    p.addPositionalArgument("FILE", "Audio file (any format libsndfile reads).");
    p.addOption({"json", "Print JSON instead of text."});
    if (!parse(p, args, 1, 1)) return ExitOk;
    const std::string path = toStd(p.positionalArguments().at(0));

    const AudioInfo info = probeAudio(path);
    const Audio audio = readInput(path);  // the length reported is what decodes, not the header's claim
    const AudioStats stats = audioStats(audio);
    auto db = [](double v) { return v > 0 ? QJsonValue(20 * std::log10(v)) : QJsonValue(QJsonValue::Null); };
    if (p.isSet("json")) {
        printJson(QJsonObject{{"path", QString::fromStdString(path)},
                              {"format", QString::fromStdString(info.format)},
                              {"encoding", QString::fromStdString(info.encoding)},
                              {"sample_rate", info.sampleRate},
                              {"channels", info.channels},
                              {"frames", qint64(audio.frames())},
                              {"duration", audio.duration()},
                              {"peak", stats.peak},
                              {"peak_dbfs", db(stats.peak)},
                              {"rms", stats.rms},
                              {"rms_dbfs", db(stats.rms)}});
        return ExitOk;
    }
    std::printf("file:        %s\n", path.c_str());
    std::printf("format:      %s (%s)\n", info.format.c_str(), info.encoding.c_str());
    std::printf("sample rate: %g Hz\n", info.sampleRate);
    std::printf("channels:    %d\n", info.channels);
    std::printf("frames:      %lld\n", static_cast<long long>(audio.frames()));
    std::printf("duration:    %.3f s\n", audio.duration());
    std::printf("peak:        %.6f (%.2f dBFS)\n", stats.peak, stats.peakDb());
    std::printf("rms:         %.6f (%.2f dBFS)\n", stats.rms, stats.rmsDb());
    return ExitOk;
}

}  // namespace phaselab::cli
