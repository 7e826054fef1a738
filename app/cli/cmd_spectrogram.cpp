#include <QFileInfo>
#include <cmath>
#include <cstdio>

#include "cli_common.h"
#include "core/io/audio.h"
#include "widgets/export_file.h"
#include "widgets/spectrogram_image.h"

namespace phaselab::cli {

int runSpectrogram(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(
        "Render a labelled spectrogram of FILE (mono downmix) as a PNG image. Levels are in dBFS:\n"
        "a full-scale sinusoid reads 0 dB.");
    p.addPositionalArgument("FILE", "Audio file.");
    p.addOption({{"o", "output"}, "Output PNG file.", "OUT.png"});
    addStftOptions(p);
    p.addOption({"scale", "Frequency axis: linear, log or mel.", "SCALE", "linear"});
    p.addOption({"db-range", "Dynamic range shown, in dB.", "DB", "80"});
    p.addOption({"colormap", "Colour map: viridis, magma, inferno, cividis, gray.", "NAME", "viridis"});
    addImageSizeOption(p);
    p.addOption({"fmin", "Lowest frequency shown (Hz).", "HZ", "0"});
    p.addOption({"fmax", "Highest frequency shown (Hz; default: half the sample rate).", "HZ", "0"});
    addForceOption(p);
    if (!parse(p, args, 1, 1)) return ExitOk;
    if (!p.isSet("output")) throw UsageError("missing -o OUT.png");

    const StftConfig config = stftFromOptions(p);
    SpectrogramStyle style;
    style.axis.scale = scaleFromName(toStd(choiceValue(p, "scale", {"linear", "log", "mel"})));
    style.rangeDb = float(doubleValue(p, "db-range", 10, 200));
    style.colormap = Colormap::fromName(choiceValue(p, "colormap", {"viridis", "magma", "inferno", "cividis", "gray"}));
    const QSize size = imageSizeFromOptions(p);
    const double fmin = doubleValue(p, "fmin", 0, 1e6), fmax = doubleValue(p, "fmax", 0, 1e6);

    const std::string path = toStd(p.positionalArguments().at(0));
    const QString out = p.value("output");
    OutputPolicy policy = outputPolicy(p);
    policy.addInput(path);
    policy.check(toStd(out), "the spectrogram image");
    const Audio audio = readInput(path, Channels::Mono);
    style.axis.minHz = fmin;
    style.axis.maxHz = fmax > 0 ? std::min(fmax, audio.sampleRate / 2) : audio.sampleRate / 2;
    if (style.axis.maxHz <= style.axis.lowHz()) throw UsageError("--fmin must be below --fmax and the Nyquist frequency");

    Stft stft(config);
    const Spectrogram S = stft.analyse(audio.data.col(0));
    const Magnitudes levels = magnitudeDb(magnitude(S) / stft.fullScaleMagnitude());
    style.topDb = std::ceil(std::max(levels.maxCoeff(), -200.0f + style.rangeDb) / 5.0f) * 5.0f;

    const QString title = QFileInfo(QString::fromStdString(path)).fileName() + "  —  " +
                          QString::fromStdString(config.describe()) + ", " + scaleName(style.axis.scale) + " scale";
    const QImage image = renderLabelledSpectrogram(levels, audio.sampleRate / config.fft(), config.hop / audio.sampleRate,
                                                   style, size, title);
    writePng(image, out);
    std::printf("wrote %s (%dx%d, %lld frames x %d bins)\n", qPrintable(out), size.width(), size.height(),
                static_cast<long long>(S.cols()), int(S.rows()));
    return ExitOk;
}

}  // namespace phaselab::cli
