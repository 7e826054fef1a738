// phaselab: the desktop application.
//   phaselab [FILE]                       open FILE (or nothing)
//   phaselab --demo                       open the bundled demo with its stems
//   phaselab --screenshot OUT.png [FILE]  open FILE (default: the demo), wait until the
//                                         spectrogram is shown, save the window, quit (works headless
//                                         with QT_QPA_PLATFORM=offscreen)
#include <QApplication>
#include <QCommandLineParser>

#include "app/gui/main_window.h"
#include "app/gui/theme.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
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
    QCommandLineOption screenshot("screenshot", "Save a screenshot of the window to <png> once the view is ready, then quit.", "png");
    QCommandLineOption size("size", "Window size, e.g. 1400x900.", "WxH", "1400x900");
    parser.addOptions({demo, screenshot, size});
    parser.addPositionalArgument("file", "Audio file to open.", "[FILE]");
    parser.process(app);

    phaselab::MainWindow window;
    const QStringList wh = parser.value(size).split('x');
    if (wh.size() == 2 && wh[0].toInt() > 100 && wh[1].toInt() > 100) window.resize(wh[0].toInt(), wh[1].toInt());
    window.show();
    const QStringList files = parser.positionalArguments();
    if (!files.isEmpty()) window.openFile(files.first());
    else if (parser.isSet(demo) || parser.isSet(screenshot)) {
        if (!window.openDemo()) {
            qCritical("phaselab: the demo files were not found (resources/demo/mix.flac)");
            if (parser.isSet(screenshot)) return 1;
        }
    }
    if (parser.isSet(screenshot)) window.screenshotWhenReady(parser.value(screenshot));
    return app.exec();
}
