#pragma once
// Shared plumbing for phaselab-cli commands: exit codes, option parsing, JSON output.
// Each command lives in its own cmd_*.cpp and is listed in commands.cpp.

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonObject>
#include <QSize>
#include <QStringList>
#include <stdexcept>

#include "core/common/progress.h"
#include "core/io/audio.h"
#include "core/io/output_policy.h"
#include "core/tf/stft.h"


namespace phaselab::cli {

enum ExitCode { ExitOk = 0, ExitFailed = 1, ExitUsage = 2 };

// Bad usage (unknown option, missing argument, value out of range): exit code 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Command {
    const char* name;
    const char* summary;
    int (*run)(const QStringList& args);  // args[0] is "phaselab-cli <name>"
};
const std::vector<Command>& commands();

// Parses args; returns false if --help was given (help already printed to stdout).
// Throws UsageError on unknown options or a wrong count of positional arguments.
bool parse(QCommandLineParser& parser, const QStringList& args, int minPositional, int maxPositional);

int intValue(const QCommandLineParser& p, const QString& name, int minimum, int maximum);
double doubleValue(const QCommandLineParser& p, const QString& name, double minimum, double maximum);
// The value must be one of `choices`.
QString choiceValue(const QCommandLineParser& p, const QString& name, const QStringList& choices);

// --channel VIEW of the image commands: "stacked" (default: every channel, one panel each) or one
// view of core's channelView (mono, left, right, mid, side, a channel number).
void addChannelViewOption(QCommandLineParser& p);
// The panels --channel asks for, top to bottom: (name, signal); the name is empty for a mono file.
// UsageError when they would be under 120 pixels high in an image of `height` pixels.
std::vector<std::pair<QString, Eigen::ArrayXf>> channelPanels(const QCommandLineParser& p, const Audio& audio, int height);
// "the channel", "every channel, stacked" or the view's name, for the command's summary line.
std::string channelPanelsSummary(const QCommandLineParser& p, int panels);

// --size WIDTHxHEIGHT for images (100x80 .. 16384x16384).
void addImageSizeOption(QCommandLineParser& p, const QString& defaultSize = "1200x600");
QSize imageSizeFromOptions(const QCommandLineParser& p);

// --window N --hop N --fft N --window-type NAME, with the given defaults.
void addStftOptions(QCommandLineParser& p, int window = 2048, int hop = 512);
StftConfig stftFromOptions(const QCommandLineParser& p);
QJsonObject stftToJson(const StftConfig& c);

// Reads an audio input of a command. A truncated or damaged file is an error unless the global
// option --allow-truncated was given; then the decoded part is used and a warning printed.
Audio readInput(const std::string& path, Channels channels = Channels::Keep);
void setAllowTruncated(bool allow);

// --force: replace existing outputs (never an input of the same command).
void addForceOption(QCommandLineParser& p);
// --progress: a long run reports its progress on stderr, a line at most every second (and its first
// report), e.g. "progress 12 %: iteration 12 / 100, about 1 min 40 s left". progressControl() gives the
// RunControl to pass (an empty one without --progress); it must outlive the run.
void addProgressOption(QCommandLineParser& p);
RunControl progressControl(const QCommandLineParser& p);
// The output policy of this invocation (core/io/output_policy.h), overwriting only with --force.
OutputPolicy outputPolicy(const QCommandLineParser& p);
void printJson(const QJsonObject& o);  // indented, to stdout
// A figure for JSON: NaN as null (undefined), infinities as "inf" / "-inf".
QJsonValue jsonNumber(double v);
std::string toStd(const QString& s);

}  // namespace phaselab::cli
