// phaselab: the desktop application.
//   phaselab [FILE]                       open FILE (or nothing)
//   phaselab --demo                       open the bundled demo with its stems
//   phaselab --stereo-demo                the stereo demo with its stereo stems
//   phaselab --screenshot OUT.png [FILE]  open FILE (default: the demo), wait until the
//                                         spectrogram is shown, save the window, quit (works headless
//                                         with QT_QPA_PLATFORM=offscreen)
//   --view A:B, --select A:B, --scale log   initial view (for screenshots), --size WxH,
//   --channel mono|left|right|mid|side|N
#include <QComboBox>
#include <QCommandLineParser>

#include "app/gui/application.h"
#include "app/gui/main_window.h"
#include "app/gui/theme.h"
#include "widgets/audio_view.h"

int main(int argc, char** argv) {
    // Headless use (--screenshot, --help) needs no display: fall back to the offscreen platform.
    const bool noDisplay = qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") &&
                           qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
    for (int i = 1; i < argc && noDisplay; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "--screenshot" || arg.startsWith("--screenshot=") || arg == "--help" || arg == "-h" || arg == "--version")
            qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    phaselab::Application app(argc, argv);
    QApplication::setApplicationName("PhaseLab");
    QApplication::setOrganizationName("PhaseLab");
    QApplication::setApplicationVersion(PHASELAB_VERSION);
    QApplication::setDesktopFileName("phaselab");
    phaselab::applyTheme(app);

    QCommandLineParser parser;
    parser.setApplicationDescription("PhaseLab: phase-aware audio analysis, phase recovery and source separation");
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption demo("demo", "Open the bundled demo (mixture with piano, bass and drums).");
    QCommandLineOption stereoDemo("stereo-demo", "Open the bundled stereo demo (the same stems as panned stereo images).");
    QCommandLineOption screenshot("screenshot", "Save a screenshot of the window to <png> once the view is ready, then quit.", "png");
    QCommandLineOption size("size", "Window size, e.g. 1400x900.", "WxH", "1400x900");
    QCommandLineOption range("view", "Visible time range in seconds once loaded, e.g. 2.5:4.", "start:end");
    QCommandLineOption scale("scale", "Frequency scale: linear, log or mel.", "scale");
    QCommandLineOption select("select", "Selection in seconds once loaded, e.g. 3:3.5.", "start:end");
    QCommandLineOption phaseView("phase-view", "The phase pane's view: centred, phase, if, group-delay, kappa, ipd, ild, pan or panning-map.",
                                 "view");
    QCommandLineOption channel("channel", "What the panes show of a multichannel file: mono (the mix), left, right, mid, "
                               "side or a channel number.", "view");
    parser.addOptions({demo, stereoDemo, screenshot, size, range, scale, select, phaseView, channel});
    parser.addPositionalArgument("file", "Audio file to open.", "[FILE]");
    parser.process(app);

    phaselab::MainWindow window;
    const QStringList wh = parser.value(size).split('x');
    if (wh.size() == 2 && wh[0].toInt() > 100 && wh[1].toInt() > 100) window.resize(wh[0].toInt(), wh[1].toInt());
    window.show();
    try {
        if (parser.isSet(scale))
            window.audioView()->view()->setFrequencyScale(phaselab::scaleFromName(parser.value(scale).toStdString()));
    } catch (const std::exception& e) {
        qCritical("phaselab: %s", e.what());
        return 2;
    }
    auto parseRange = [](const QString& text) {
        const QStringList parts = text.split(':');
        return parts.size() == 2 ? std::make_pair(parts[0].toDouble(), parts[1].toDouble()) : std::make_pair(0.0, 0.0);
    };
    QObject::connect(&window, &phaselab::MainWindow::loadFinished, &window, [&](bool ok) {
        if (!ok) return;
        phaselab::ViewManager* vm = window.audioView()->view();
        if (parser.isSet(range)) {
            const auto [a, b] = parseRange(parser.value(range));
            vm->setVisibleRange(a, b);
        }
        if (parser.isSet(select)) {
            const auto [a, b] = parseRange(parser.value(select));
            vm->setSelection(a, b);
            vm->setCursor(a);
        }
        if (parser.isSet(channel)) {
            window.audioView()->setChannelView(parser.value(channel));
            if (window.audioView()->channelView() != parser.value(channel))
                qWarning("phaselab: this file has no channel view '%s'; showing '%s'", qPrintable(parser.value(channel)),
                         qPrintable(window.audioView()->channelView()));
        }
    });
    if (parser.isSet(phaseView)) {
        const QStringList ids{"phase", "centred", "if", "group-delay", "kappa", "ipd", "ild", "pan", "panning-map"};  // PhaseMapPane::Kind order
        const int k = int(ids.indexOf(parser.value(phaseView)));
        auto* chooser = window.findChild<QComboBox*>("phaseViewChooser");
        if (k < 0 || !chooser) {
            qCritical("phaselab: unknown phase view '%s'", qPrintable(parser.value(phaseView)));
            return 2;
        }
        chooser->setCurrentIndex(chooser->findData(k));
    }
    const QStringList files = parser.positionalArguments();
    if (!files.isEmpty()) window.openFile(files.first());
    else if (parser.isSet(demo) || parser.isSet(stereoDemo) || parser.isSet(screenshot)) {
        if (!window.openDemo(parser.isSet(stereoDemo))) {
            qCritical("phaselab: the demo files were not found (resources/demo/%s)", parser.isSet(stereoDemo) ? "stereo/mix.flac" : "mix.flac");
            if (parser.isSet(screenshot)) return 1;
        }
    }
    if (parser.isSet(screenshot)) window.screenshotWhenReady(parser.value(screenshot));
    return app.exec();
}
