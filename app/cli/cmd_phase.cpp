#include <QFileInfo>
#include <QPainter>
#include <cmath>
#include <numbers>
#include <cstdio>
#include <QMap>

#include "cli_common.h"
#include "core/common/error.h"
#include "core/io/audio.h"
#include "core/phase/inter_channel.h"
#include "core/phase/phase_views.h"
#include "core/phase/phase_statistics.h"
#include "core/phase/sinusoidal.h"
#include "widgets/export_file.h"
#include "widgets/panning_map_image.h"
#include "widgets/spectrogram_image.h"

namespace phaselab::cli {

namespace {

// The two channels --channels names (1-based "L,R"), InputError for a file without them.
std::pair<int, int> channelPair(const QCommandLineParser& p, const Audio& audio, const std::string& path) {
    const QStringList parts = p.value("channels").split(',');
    bool ok1 = false, ok2 = false;
    const int a = parts.size() == 2 ? parts[0].toInt(&ok1) : 0, b = parts.size() == 2 ? parts[1].toInt(&ok2) : 0;
    if (!ok1 || !ok2 || a < 1 || b < 1 || a == b) throw UsageError("--channels must be two different channel numbers, e.g. 1,2");
    if (audio.channels() < 2)
        throw InputError(path + " is mono: the inter-channel views need two channels");
    if (a > audio.channels() || b > audio.channels())
        throw InputError(path + " has " + std::to_string(audio.channels()) + " channels: there is no channel " +
                         std::to_string(std::max(a, b)));
    return {a - 1, b - 1};
}

int runInterChannelView(const QCommandLineParser& p, const QString& view) {
    if (!p.isSet("output")) throw UsageError("missing -o OUT.png");
    const StftConfig config = stftFromOptions(p);
    const float rangeDb = float(doubleValue(p, "range", 1, 200));
    const QSize size = imageSizeFromOptions(p);
    const std::string path = toStd(p.positionalArguments().at(0)), out = toStd(p.value("output"));
    OutputPolicy policy = outputPolicy(p);
    policy.addInput(path);
    policy.check(out, "the " + toStd(view) + " image");
    const Audio audio = readInput(path);
    const auto [a, b] = channelPair(p, audio, path);
    Stft stft(config);
    const Spectrogram L = stft.analyse(audio.channel(a)), R = stft.analyse(audio.channel(b));
    const float floor = std::max(L.abs().maxCoeff(), R.abs().maxCoeff()) * std::pow(10.0f, -rangeDb / 20.0f);
    SpectrogramStyle style;
    style.axis = FrequencyAxis{scaleFromName(toStd(choiceValue(p, "scale", {"linear", "log", "mel"}))), 0, audio.sampleRate / 2};
    style.nanColour = QColor(128, 128, 128);
    style.maxPooling = false;
    Magnitudes values;
    QString what;
    if (view == "ipd") {
        values = interChannelPhase(L, R, floor);
        style.colormap = ColormapId::Twilight;
        style.topDb = float(std::numbers::pi);
        style.rangeDb = float(2 * std::numbers::pi);
        style.unit = "rad";
        what = "inter-channel phase difference";
    } else if (view == "ild") {
        values = interChannelLevel(L, R, floor);
        style.colormap = ColormapId::Cividis;
        style.topDb = 20;
        style.rangeDb = 40;
        style.unit = "dB";
        style.nanColour = QColor(0, 0, 0);  // the map's middle is grey
        what = "inter-channel level difference";
    } else if (view == "panning-map") {
        values = panningMapDb(L, R, floor, stft.fullScaleMagnitude());
        style = panningMapStyle(rangeDb);
        what = "panning map (energy per pan position; axis: azimuth, loudspeakers at ±30°)";
    } else {
        values = panPosition(L, R, floor);
        style.colormap = ColormapId::Cividis;
        style.topDb = 1;
        style.rangeDb = 2;
        style.unit = "";
        style.nanColour = QColor(0, 0, 0);
        what = "pan position (-1 left, +1 right)";
    }
    const QString title = QFileInfo(QString::fromStdString(path)).fileName() + QString("  —  channels %1 / %2, ").arg(a + 1).arg(b + 1) +
                          what + ", " + QString::fromStdString(config.describe()) + ", bins within " + QString::number(rangeDb) + " dB";
    const double rowHz = view == "panning-map" ? 1.0 : audio.sampleRate / config.fft();
    writePng(renderLabelledSpectrogram(values, rowHz, config.hop / audio.sampleRate, style, size, title), QString::fromStdString(out));
    std::printf("wrote %s (%s of channels %d and %d, %lld frames x %d %s)\n", out.c_str(), qPrintable(view), a + 1, b + 1,
                static_cast<long long>(L.cols()), int(values.rows()), view == "panning-map" ? "pan positions" : "bins");
    return ExitOk;
}

}  // namespace

int runPhase(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(
        "Render a phase view of FILE as a labelled PNG. Bins more than --range dB below the\n"
        "loudest bin are masked (grey): there the phase is noise.\n"
        "Views: phase (raw STFT phase, zero-phase framing: phase at the frame centre), centred (psi = phi - mu,\n"
        "mu = previous frame's phase + 2 pi hop nu from the sinusoidal model), if (instantaneous frequency minus the\n"
        "bin's centre frequency, Hz),\n"
        "group-delay (ms from the frame centre), kappa (local von Mises concentration of psi).\n"
        "A multichannel FILE shows each channel, stacked, with one masking level; --channel shows one view\n"
        "instead: mono (the downmix), left, right, mid, side or a channel number.\n"
        "Inter-channel views of a stereo FILE (--channels picks two of more): ipd (phase of L conj(R), positive\n"
        "when the right channel lags), ild (20 log10 |L| / |R|, dB, positive when louder on the left), pan\n"
        "(constant-power pan position, -1 left .. +1 right), panning-map (energy per pan position and frame,\n"
        "dB; hard left at the top; the axis gives the azimuth heard with loudspeakers at +-30 degrees).\n"
        "A mono FILE is refused for them.");
    p.addPositionalArgument("FILE", "Audio file.");
    p.addOption({{"o", "output"}, "Output PNG file.", "OUT.png"});
    p.addOption({"view", "phase, centred, if, group-delay, kappa; stereo: ipd, ild, pan, panning-map.", "VIEW", "phase"});
    p.addOption({"channels", "ipd, ild, pan, panning-map: the two channels (1-based) of a multichannel FILE.", "L,R", "1,2"});
    addChannelViewOption(p);
    addStftOptions(p, 1024, 256);
    p.addOption({"range", "Show bins within this many dB of the loudest one.", "DB", "60"});
    p.addOption({"kappa-bins", "kappa view: neighbourhood height in bins (odd).", "N", "3"});
    p.addOption({"kappa-frames", "kappa view: neighbourhood width in frames (odd).", "N", "5"});
    p.addOption({"scale", "Frequency axis: linear, log or mel.", "SCALE", "linear"});
    addImageSizeOption(p);
    addForceOption(p);
    if (!parse(p, args, 1, 1)) return ExitOk;
    if (!p.isSet("output")) throw UsageError("missing -o OUT.png");
    const QString view = choiceValue(p, "view", {"phase", "centred", "if", "group-delay", "kappa", "ipd", "ild", "pan", "panning-map"});
    if (view == "ipd" || view == "ild" || view == "pan" || view == "panning-map") {
        if (p.isSet("channel"))
            throw UsageError("--channel applies to the single-channel views; ipd, ild, pan and panning-map take --channels L,R");
        return runInterChannelView(p, view);
    }
    if (p.isSet("channels")) throw UsageError("--channels applies to the views ipd, ild, pan and panning-map");
    const StftConfig config = stftFromOptions(p);
    const float rangeDb = float(doubleValue(p, "range", 1, 200));
    const QSize size = imageSizeFromOptions(p);

    const std::string path = toStd(p.positionalArguments().at(0));
    const std::string out = toStd(p.value("output"));
    OutputPolicy policy = outputPolicy(p);
    policy.addInput(path);
    policy.check(out, "the phase image");
    const Audio audio = readInput(path);
    const auto panels = channelPanels(p, audio, size.height());
    Stft stft(config);
    std::vector<Spectrogram> spectra;
    float loudest = 0;
    for (const auto& panel : panels) {
        spectra.push_back(stft.analyse(panel.second));
        loudest = std::max(loudest, spectra.back().abs().maxCoeff());
    }
    const float floor = loudest * std::pow(10.0f, -rangeDb / 20.0f);  // one floor for every panel

    const PhaseView kind = phaseViewFromId(toStd(view));
    const KappaNeighbourhood neighbourhood{intValue(p, "kappa-bins", 1, 129) / 2, intValue(p, "kappa-frames", 1, 129) / 2};
    const PhaseViewRange range = phaseViewRange(kind, config, audio.sampleRate);
    SpectrogramStyle style;
    style.axis = FrequencyAxis{scaleFromName(toStd(choiceValue(p, "scale", {"linear", "log", "mel"}))), 0, audio.sampleRate / 2};
    style.nanColour = QColor(128, 128, 128);
    style.maxPooling = false;
    style.colormap = range.cyclic || kind == PhaseView::IfDeviation || kind == PhaseView::GroupDelay ? ColormapId::Twilight
                                                                                                      : ColormapId::Magma;
    style.topDb = range.high;
    style.rangeDb = range.high - range.low;
    style.unit = QString::fromStdString(range.unit);
    const QMap<QString, QString> names{{"phase", "phase"}, {"centred", "centred phase ψ = φ − μ"},
                                       {"if", "instantaneous frequency minus bin frequency"}, {"group-delay", "group delay"},
                                       {"kappa", "kappa (concentration of ψ)"}};
    const QString base = QFileInfo(QString::fromStdString(path)).fileName() + "  —  " + names.value(view) + ", " +
                         QString::fromStdString(config.describe()) + ", bins within " + QString::number(rangeDb) + " dB";
    QImage image(size, QImage::Format_RGB32);
    QPainter painter(&image);
    const int n = int(panels.size());
    for (int i = 0; i < n; ++i) {
        const Magnitudes values = phaseViewValues(kind, spectra[std::size_t(i)], config, audio.sampleRate, floor, neighbourhood);
        const int y0 = size.height() * i / n, y1 = size.height() * (i + 1) / n;
        const QString& name = panels[std::size_t(i)].first;
        painter.drawImage(0, y0, renderLabelledSpectrogram(values, audio.sampleRate / config.fft(), config.hop / audio.sampleRate, style,
                                                           QSize(size.width(), y1 - y0), name.isEmpty() ? base : base + ", " + name));
    }
    painter.end();
    writePng(image, QString::fromStdString(out));
    std::printf("wrote %s (%s, %d view%s of %lld frames x %d bins: %s)\n", qPrintable(p.value("output")), qPrintable(view), n,
                n == 1 ? "" : "s", static_cast<long long>(spectra[0].cols()), int(spectra[0].rows()), channelPanelsSummary(p, n).c_str());
    return ExitOk;
}

int runVonMises(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(
        "Von Mises fits of the STFT phase of FILE over a time-frequency region: the raw phase (unknown mean)\n"
        "and the centred phase psi (mean 0), kappa by maximum likelihood; for each channel of a multichannel\n"
        "FILE, or of the one view --channel names (mono, left, right, mid, side, N). With --ipd, of a stereo\n"
        "FILE's inter-channel phase difference instead (weighted by |L| |R|): its kappa says how coherent the\n"
        "stereo image is in the region, its mean where the sources sit.");
    p.addPositionalArgument("FILE", "Audio file.");
    addStftOptions(p, 1024, 256);
    p.addOption({"start", "Region start (s).", "S", "0"});
    p.addOption({"end", "Region end (s); default: the end.", "S", "-1"});
    p.addOption({"fmin", "Lowest frequency (Hz).", "HZ", "0"});
    p.addOption({"fmax", "Highest frequency (Hz); default: Nyquist.", "HZ", "-1"});
    p.addOption({"range", "Use bins within this many dB of the region's loudest one.", "DB", "40"});
    p.addOption({"bins", "Histogram bins.", "N", "72"});
    p.addOption({"ipd", "Fit the inter-channel phase difference of two channels instead (stereo FILE)."});
    p.addOption({"channels", "--ipd: the two channels (1-based) of a multichannel FILE.", "L,R", "1,2"});
    p.addOption({"channel", "each (default: every channel), mono, left, right, mid, side or a channel number.", "VIEW", "each"});
    p.addOption({"json", "Print JSON."});
    if (!parse(p, args, 1, 1)) return ExitOk;
    const StftConfig config = stftFromOptions(p);
    const std::string path = toStd(p.positionalArguments().at(0));
    if (p.isSet("channels") && !p.isSet("ipd")) throw UsageError("--channels applies to --ipd");
    if (p.isSet("channel") && p.isSet("ipd")) throw UsageError("--channel does not apply to --ipd (it takes --channels L,R)");
    const Audio audio = readInput(path);
    Stft stft(config);
    const double start = doubleValue(p, "start", 0, 1e7), end = doubleValue(p, "end", -1, 1e7);
    const double fmin = doubleValue(p, "fmin", 0, 1e7), fmax = doubleValue(p, "fmax", -1, 1e7);
    PhaseRegion region;
    region.firstFrame = Eigen::Index(std::lround(start * audio.sampleRate / config.hop));
    region.lastFrame = end < 0 ? -1 : Eigen::Index(std::lround(end * audio.sampleRate / config.hop));
    region.firstBin = Eigen::Index(std::ceil(fmin * config.fft() / audio.sampleRate));
    region.lastBin = fmax < 0 ? -1 : Eigen::Index(std::floor(fmax * config.fft() / audio.sampleRate));
    region.rangeDb = float(doubleValue(p, "range", 1, 200));
    if (end >= 0 && end <= start) throw UsageError("--end must be after --start");
    if (fmax >= 0 && fmax <= fmin) throw UsageError("--fmax must be above --fmin");
    if (p.isSet("ipd")) {
        const auto [a, b] = channelPair(p, audio, path);
        const vonmises::Fit f = interChannelPhaseFit(stft.analyse(audio.channel(a)), stft.analyse(audio.channel(b)), region.firstFrame,
                                                     region.lastFrame, region.firstBin, region.lastBin, region.rangeDb);
        if (f.n == 0) throw InputError("no bin of the region is within --range of its loudest");
        if (p.isSet("json")) {
            printJson(QJsonObject{{"ipd", QJsonObject{{"kappa", f.kappa}, {"mean_resultant_length", f.meanResultantLength},
                                                      {"mu", f.mu}, {"n", qint64(f.n)}}},
                                  {"channels", QJsonArray{a + 1, b + 1}},
                                  {"stft", stftToJson(config)}});
            return ExitOk;
        }
        std::printf("inter-channel phase of channels %d / %d: kappa %.4f, R %.4f, mu %.4f rad, n %lld\n", a + 1, b + 1, f.kappa,
                    f.meanResultantLength, f.mu, static_cast<long long>(f.n));
        return ExitOk;
    }
    const std::string view = toStd(p.value("channel"));
    std::vector<std::pair<std::string, Eigen::ArrayXf>> fitted;
    if (view == "each") {
        for (int c = 0; c < audio.channels(); ++c)
            fitted.emplace_back(audio.channels() == 1 ? std::string() : "channel " + std::to_string(c + 1), audio.channel(c));
    } else {
        fitted.emplace_back(view, channelView(audio, view));
    }
    const int bins = intValue(p, "bins", 8, 4096);
    auto figures = [](const PhaseHistogram& x) {
        return QJsonObject{{"kappa", x.fit.kappa}, {"mean_resultant_length", x.fit.meanResultantLength}, {"mu", x.fit.mu},
                           {"n", qint64(x.fit.n)}, {"kl_von_mises", x.klVonMises}, {"kl_uniform", x.klUniform},
                           {"rayleigh_p", x.rayleighP}};
    };
    QJsonArray perSignal;
    for (const auto& [name, signal] : fitted) {
        const PhaseHistograms h = phaseHistograms(stft.analyse(signal), config.hop, config.fft(), region, bins);
        QJsonObject o = figures(h.raw);
        o["centred"] = figures(h.centred);
        if (!name.empty()) o["channel"] = QString::fromStdString(name);
        perSignal.append(o);
        if (p.isSet("json")) continue;
        if (!name.empty()) std::printf("%s\n", name.c_str());
        std::printf("%-8s %10s %10s %10s %10s %12s %12s\n", "phase", "kappa", "R", "mu", "n", "KL(vM)", "KL(unif)");
        for (const auto& [kind, x] : {std::pair<const char*, const PhaseHistogram&>{"raw", h.raw}, {"centred", h.centred}})
            std::printf("%-8s %10.4f %10.4f %10.4f %10lld %12.5f %12.5f\n", kind, x.fit.kappa, x.fit.meanResultantLength, x.fit.mu,
                        static_cast<long long>(x.fit.n), x.klVonMises, x.klUniform);
    }
    if (p.isSet("json")) {
        // One signal: its figures at the top level (as for a mono file); several: a list, one per channel.
        QJsonObject o = perSignal.size() == 1 ? perSignal[0].toObject() : QJsonObject{{"channels", perSignal}};
        o["channel_handling"] = view == "each" ? (audio.channels() == 1 ? "the channel" : "each channel") : QString::fromStdString(view);
        o["stft"] = stftToJson(config);
        printJson(o);
    }
    return ExitOk;
}

}  // namespace phaselab::cli
