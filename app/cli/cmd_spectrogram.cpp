#include <QFileInfo>
#include <QPainter>
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
        "Render a labelled spectrogram of FILE as a PNG image. Levels are in dBFS: a full-scale\n"
        "sinusoid reads 0 dB. A multichannel file shows each channel, stacked, on one level scale;\n"
        "--channel shows one view instead: mono (the downmix), left, right, mid, side or a channel number.");
    p.addPositionalArgument("FILE", "Audio file.");
    p.addOption({{"o", "output"}, "Output PNG file.", "OUT.png"});
    addStftOptions(p);
    p.addOption({"scale", "Frequency axis: linear, log or mel.", "SCALE", "linear"});
    p.addOption({"db-range", "Dynamic range shown, in dB.", "DB", "80"});
    p.addOption({"colormap", "Colour map: viridis, magma, inferno, cividis, gray.", "NAME", "viridis"});
    addImageSizeOption(p);
    addChannelViewOption(p);
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
    const Audio audio = readInput(path);
    style.axis.minHz = fmin;
    style.axis.maxHz = fmax > 0 ? std::min(fmax, audio.sampleRate / 2) : audio.sampleRate / 2;
    if (style.axis.maxHz <= style.axis.lowHz()) throw UsageError("--fmin must be below --fmax and the Nyquist frequency");

    const auto views = channelPanels(p, audio, size.height());
    Stft stft(config);
    std::vector<Magnitudes> levels;
    float top = -200.0f + style.rangeDb;
    for (const auto& v : views) {
        levels.push_back(magnitudeDb(stft.analyseMagnitudes(v.second) / stft.fullScaleMagnitude()));
        top = std::max(top, levels.back().maxCoeff());
    }
    style.topDb = std::ceil(top / 5.0f) * 5.0f;  // one level scale for every view

    const QString base = QFileInfo(QString::fromStdString(path)).fileName() + "  —  " +
                         QString::fromStdString(config.describe()) + ", " + scaleName(style.axis.scale) + " scale";
    QImage image(size, QImage::Format_RGB32);
    QPainter painter(&image);
    const int n = int(views.size());
    for (int i = 0; i < n; ++i) {
        const int y0 = size.height() * i / n, y1 = size.height() * (i + 1) / n;
        const QString title = views[std::size_t(i)].first.isEmpty() ? base : base + ", " + views[std::size_t(i)].first;
        painter.drawImage(0, y0, renderLabelledSpectrogram(levels[std::size_t(i)], audio.sampleRate / config.fft(),
                                                           config.hop / audio.sampleRate, style, QSize(size.width(), y1 - y0), title));
    }
    painter.end();
    writePng(image, out);
    std::printf("wrote %s (%dx%d, %d view%s of %lld frames x %d bins: %s)\n", qPrintable(out), size.width(), size.height(), n,
                n == 1 ? "" : "s", static_cast<long long>(levels[0].cols()), int(levels[0].rows()),
                channelPanelsSummary(p, n).c_str());
    return ExitOk;
}

}  // namespace phaselab::cli
