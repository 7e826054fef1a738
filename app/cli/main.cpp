// phaselab-cli: everything the GUI computes, scriptable. `phaselab-cli --help` lists commands.
#include <QGuiApplication>
#include <cstdio>
#include <cstring>

#include "cli_common.h"
#include "core/common/error.h"

using namespace phaselab::cli;

namespace {

void printUsage(FILE* out) {
    std::fprintf(out, "PhaseLab %s — phase-aware audio analysis, phase recovery and source separation\n\n",
                 PHASELAB_VERSION);
    std::fprintf(out, "Usage: phaselab-cli COMMAND [options]   (phaselab-cli COMMAND --help for details)\n\nCommands:\n");
    for (const auto& c : commands()) std::fprintf(out, "  %-14s %s\n", c.name, c.summary);
    std::fprintf(out, "\nGlobal option: --allow-truncated  use the decoded part of a truncated or damaged audio file\n"
                      "                                  (with a warning) instead of refusing it.\n");
    std::fprintf(out, "\nExit codes: 0 success, 1 failed input, 2 bad usage.\n");
}

}  // namespace

int main(int argc, char** argv) {
    // Rendering images needs a GUI application but never a display.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) qputenv("XDG_RUNTIME_DIR", QByteArray("/tmp/runtime-") + qgetenv("USER"));
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName("phaselab-cli");
    QGuiApplication::setApplicationVersion(PHASELAB_VERSION);

    QStringList args = QGuiApplication::arguments();
    if (args.removeAll("--allow-truncated") > 0) setAllowTruncated(true);
    if (args.size() < 2) {
        printUsage(stderr);
        return ExitUsage;
    }
    const QString name = args.at(1);
    if (name == "--help" || name == "-h" || name == "help") {
        printUsage(stdout);
        return ExitOk;
    }
    if (name == "--version") {
        std::printf("phaselab-cli %s\n", PHASELAB_VERSION);
        return ExitOk;
    }
    for (const auto& c : commands()) {
        if (name != c.name) continue;
        QStringList rest = args.mid(2);
        rest.prepend(QString("phaselab-cli ") + c.name);
        try {
            return c.run(rest);
        } catch (const UsageError& e) {
            std::fprintf(stderr, "phaselab-cli %s: %s\n", c.name, e.what());
            return ExitUsage;
        } catch (const phaselab::Cancelled&) {
            std::fprintf(stderr, "phaselab-cli %s: cancelled\n", c.name);
            return ExitFailed;
        } catch (const std::exception& e) {
            std::fprintf(stderr, "phaselab-cli %s: %s\n", c.name, e.what());
            return ExitFailed;
        }
    }
    std::fprintf(stderr, "phaselab-cli: unknown command '%s'\n\n", qPrintable(name));
    printUsage(stderr);
    return ExitUsage;
}
