#include "cli_common.h"

#include <chrono>
#include <cmath>
#include <memory>

#include "core/common/error.h"
#include "core/recovery/common.h"

#include <QJsonDocument>
#include <cstdio>

namespace phaselab::cli {

bool parse(QCommandLineParser& parser, const QStringList& args, int minPositional, int maxPositional) {
    const QCommandLineOption help(QStringList{"h", "help"}, "Show this help.");
    parser.addOption(help);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    if (!parser.parse(args)) throw UsageError(toStd(parser.errorText()));
    if (parser.isSet(help)) {
        std::fputs(toStd(parser.helpText()).c_str(), stdout);
        return false;
    }
    const int n = int(parser.positionalArguments().size());
    if (n < minPositional) throw UsageError("missing argument (see --help)");
    if (maxPositional >= 0 && n > maxPositional)
        throw UsageError("unexpected argument '" + toStd(parser.positionalArguments().at(maxPositional)) + "'");
    return true;
}

int intValue(const QCommandLineParser& p, const QString& name, int minimum, int maximum) {
    bool ok = false;
    const int v = p.value(name).toInt(&ok);
    if (!ok || v < minimum || v > maximum)
        throw UsageError("--" + toStd(name) + " must be a whole number from " + std::to_string(minimum) + " to " +
                         std::to_string(maximum) + ", got '" + toStd(p.value(name)) + "'");
    return v;
}

double doubleValue(const QCommandLineParser& p, const QString& name, double minimum, double maximum) {
    bool ok = false;
    const double v = p.value(name).toDouble(&ok);
    if (!ok || !(v >= minimum && v <= maximum))
        throw UsageError("--" + toStd(name) + " must be a number from " + std::to_string(minimum) + " to " +
                         std::to_string(maximum) + ", got '" + toStd(p.value(name)) + "'");
    return v;
}

QString choiceValue(const QCommandLineParser& p, const QString& name, const QStringList& choices) {
    const QString v = p.value(name);
    if (!choices.contains(v))
        throw UsageError("--" + toStd(name) + " must be one of " + toStd(choices.join(", ")) + ", got '" + toStd(v) + "'");
    return v;
}

void addImageSizeOption(QCommandLineParser& p, const QString& defaultSize) {
    p.addOption({"size", "Image size in pixels, WIDTHxHEIGHT.", "WxH", defaultSize});
}

void addChannelViewOption(QCommandLineParser& p) {
    p.addOption({"channel", "stacked (default: every channel), mono, left, right, mid, side or a channel number.", "VIEW",
                 "stacked"});
}

std::vector<std::pair<QString, Eigen::ArrayXf>> channelPanels(const QCommandLineParser& p, const Audio& audio, int height) {
    const std::string view = toStd(p.value("channel"));
    std::vector<std::pair<QString, Eigen::ArrayXf>> panels;
    if (view == "stacked") {
        for (int c = 0; c < audio.channels(); ++c)
            panels.emplace_back(audio.channels() == 1 ? QString() : QString("channel %1").arg(c + 1), audio.data.col(c));
    } else {
        panels.emplace_back(QString::fromStdString(view), channelView(audio, view));
    }
    if (int(panels.size()) * 120 > height)
        throw UsageError(std::to_string(panels.size()) + " channels need an image at least " + std::to_string(panels.size() * 120) +
                         " pixels high (--size), or pick one with --channel");
    return panels;
}

std::string channelPanelsSummary(const QCommandLineParser& p, int panels) {
    const std::string view = toStd(p.value("channel"));
    if (view != "stacked") return view;
    return panels == 1 ? "the channel" : "every channel, stacked";
}

QSize imageSizeFromOptions(const QCommandLineParser& p) {
    const QStringList wh = p.value("size").split('x');
    bool okW = false, okH = false;
    const int width = wh.size() == 2 ? wh[0].toInt(&okW) : 0, height = wh.size() == 2 ? wh[1].toInt(&okH) : 0;
    if (!okW || !okH || width < 100 || height < 80 || width > 16384 || height > 16384)
        throw UsageError("--size must be WIDTHxHEIGHT between 100x80 and 16384x16384, got '" + toStd(p.value("size")) + "'");
    return {width, height};
}

void addStftOptions(QCommandLineParser& p, int window, int hop) {
    p.addOption({"window", "STFT window length in samples.", "N", QString::number(window)});
    p.addOption({"hop", "STFT hop in samples.", "N", QString::number(hop)});
    p.addOption({"fft", "FFT size in samples (>= window; default: the window length).", "N", "0"});
    p.addOption({"window-type", "Window: hann, sqrt-hann, hamming, blackman, gauss (truncated at 1 %).", "NAME", "hann"});
}

StftConfig stftFromOptions(const QCommandLineParser& p) {
    StftConfig c;
    c.windowLength = intValue(p, "window", 4, 1 << 20);
    c.hop = intValue(p, "hop", 1, 1 << 20);
    c.fftSize = intValue(p, "fft", 0, 1 << 21);
    c.window = windowFromName(toStd(choiceValue(p, "window-type", {"hann", "sqrt-hann", "hamming", "blackman", "gauss"})));
    try {
        c.validate();
    } catch (const std::exception& e) {
        throw UsageError(e.what());
    }
    return c;
}

QJsonObject stftToJson(const StftConfig& c) {
    return QJsonObject{{"window", c.windowLength}, {"hop", c.hop}, {"fft", c.fft()},
                       {"window_type", windowName(c.window)}, {"zero_phase", c.zeroPhase}};
}

namespace {
bool allowTruncated = false;
}

void setAllowTruncated(bool allow) { allowTruncated = allow; }

Audio readInput(const std::string& path, Channels channels) {
    ReadOptions options;
    options.channels = channels;
    options.allowTruncated = allowTruncated;
    ReadReport report;
    Audio a = readAudio(path, options, &report);
    if (report.truncated) std::fprintf(stderr, "warning: %s\n", report.warning.c_str());
    return a;
}

void addForceOption(QCommandLineParser& p) {
    p.addOption({"force", "Replace existing output files (an input of this command is never replaced)."});
}

void addProgressOption(QCommandLineParser& p) {
    p.addOption({"progress", "Report the progress on stderr (a line at most every second, with the estimated time left)."});
}

RunControl progressControl(const QCommandLineParser& p) {
    RunControl c;
    if (!p.isSet("progress")) return c;
    const auto start = std::chrono::steady_clock::now();
    auto last = std::make_shared<std::chrono::steady_clock::time_point>();
    auto first = std::make_shared<bool>(true);
    c.progress = [start, last, first](const ProgressReport& r) {
        const auto now = std::chrono::steady_clock::now();
        if (!*first && now - *last < std::chrono::seconds(1) && r.fraction < 1) return;
        *first = false;
        *last = now;
        // The whole run's time left, from its fraction done (the message's own estimate, when it has
        // one, is that of the current stage: a channel, a training step).
        const double elapsed = std::chrono::duration<double>(now - start).count();
        const std::string left = r.fraction > 0 && r.fraction < 1 ? ", " + recovery::timeLeftText(elapsed * (1 - r.fraction) / r.fraction) : "";
        std::fprintf(stderr, "progress %3.0f %%%s%s%s\n", 100 * r.fraction, left.c_str(), r.message.empty() ? "" : " · ",
                     r.message.c_str());
        std::fflush(stderr);
    };
    return c;
}

OutputPolicy outputPolicy(const QCommandLineParser& p) { return OutputPolicy(p.isSet("force")); }

QJsonValue jsonNumber(double v) {
    if (std::isnan(v)) return QJsonValue(QJsonValue::Null);
    if (std::isinf(v)) return QJsonValue(v > 0 ? "inf" : "-inf");
    return QJsonValue(v);
}

void printJson(const QJsonObject& o) {
    std::fputs(QJsonDocument(o).toJson(QJsonDocument::Indented).constData(), stdout);
}

std::string toStd(const QString& s) { return s.toStdString(); }

}  // namespace phaselab::cli
