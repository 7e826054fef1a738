// The main window, offscreen: bad files give a message in the window (no crash, no dialog),
// the demo opens with its references, drag and drop and recent files work.
#include <QMimeData>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "app/gui/main_window.h"
#include "core/io/audio.h"
#include "core/tf/band_limit.h"
#include "test_support.h"
#include "widgets/phase_map_pane.h"
#include "widgets/audio_player.h"
#include "widgets/audio_view.h"

using namespace phaselab;

class TestGuiMainWindow : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    static bool waitUntil(const std::function<bool()>& done, int ms = 20000) {
        QElapsedTimer t;
        t.start();
        while (!done() && t.elapsed() < ms) QTest::qWait(10);
        return done();
    }

private slots:
    // `phaselab --channel VIEW FILE`: a view the file offers is taken silently; one it lacks (right
    // of a mono file) gives a warning naming what is shown instead, and the window still opens.
    void channelOptionWarnsWhenTheFileLacksTheView() {
        QTemporaryDir dir;
        auto run = [&](const QString& file, const QString& view) {
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert("QT_QPA_PLATFORM", "offscreen");
            p.setProcessEnvironment(env);
            p.start(QString::fromStdString(test::binary("phaselab")),
                    {"--screenshot", dir.filePath(view + ".png"), "--size", "800x600", "--channel", view, file});
            const bool finished = p.waitForFinished(120000);
            return std::make_tuple(finished && p.exitCode() == 0, QString(p.readAllStandardError()));
        };
        const auto [monoOk, monoErr] = run(QString::fromStdString(test::sharedAudio("twotone_16k_mix.wav")), "right");
        QVERIFY2(monoOk, qPrintable(monoErr));
        QVERIFY2(monoErr.contains("has no channel view 'right'; showing 'mono'"), qPrintable(monoErr));
        QVERIFY(QFile::exists(dir.filePath("right.png")));
        const auto [stereoOk, stereoErr] = run(QString::fromStdString(test::sharedAudio("stereo/stereo_speech_16k_mix.flac")), "side");
        QVERIFY2(stereoOk, qPrintable(stereoErr));
        QVERIFY2(!stereoErr.contains("no channel view"), qPrintable(stereoErr));
    }

    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);  // QSettings go to a test location
        QCoreApplication::setOrganizationName("PhaseLabTest");
        QCoreApplication::setApplicationName("test_gui_main_window");
        QSettings().clear();
        QVERIFY(tmp_.isValid());
    }

    void missingFileShowsAnErrorInTheWindow() {
        MainWindow w;
        w.show();
        QSignalSpy done(&w, &MainWindow::loadFinished);
        w.openFile(tmp_.filePath("does_not_exist.wav"));
        QVERIFY(done.wait(5000));
        QCOMPARE(done.last().at(0).toBool(), false);
        const QString msg = w.audioView()->messageText();
        QVERIFY2(msg.contains("does_not_exist.wav"), qPrintable(msg));
        QVERIFY2(msg.contains("not", Qt::CaseInsensitive), qPrintable(msg));
        qInfo("message: %s", qPrintable(msg));
        QVERIFY(w.document()->isEmpty());
        QVERIFY(w.isVisible());
    }

    void corruptFileShowsAnErrorInTheWindow() {
        const QString path = tmp_.filePath("corrupt.wav");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        static const char bytes[] = "RIFF\x10\x00\x00\x00WAVEfmt garbage that is not audio";
        f.write(bytes, sizeof(bytes) - 1);
        f.close();
        MainWindow w;
        w.show();
        QSignalSpy done(&w, &MainWindow::loadFinished);
        w.openFile(path);
        QVERIFY(done.wait(5000));
        QCOMPARE(done.last().at(0).toBool(), false);
        QVERIFY2(w.audioView()->messageText().contains("corrupt.wav"), qPrintable(w.audioView()->messageText()));
        QVERIFY(w.document()->isEmpty());
    }

    void demoOpensWithItsReferences() {
        QVERIFY2(!MainWindow::findDemoDir().isEmpty(), "resources/demo not found beside the build");
        MainWindow w;
        w.show();
        QSignalSpy done(&w, &MainWindow::loadFinished);
        QVERIFY(w.openDemo());
        QVERIFY(done.wait(10000));
        QCOMPARE(done.last().at(0).toBool(), true);
        QVERIFY(w.audioView()->messageText().isEmpty());
        const Document* doc = w.document();
        QCOMPARE(doc->displayName(), QString("mix.flac"));
        QCOMPARE(doc->references().size(), 3);
        QStringList names;
        for (const NamedAudio& r : doc->references()) names << r.name;
        QCOMPARE(names, QStringList({"piano", "bass", "drums"}));
        // The mixture is the sum of its references (demo README), so oracle experiments can run.
        Eigen::ArrayXf sum = Eigen::ArrayXf::Zero(doc->mixture()->frames());
        for (const NamedAudio& r : doc->references()) sum += r.audio->data.col(0);
        QVERIFY((sum - doc->mixture()->data.col(0)).abs().maxCoeff() < 1e-3f);
        QVERIFY(w.windowTitle().contains("mix.flac"));
        // The player holds the mixture and the references, the mixture audible.
        QCOMPARE(w.player()->source()->trackCount(), 4);
        QCOMPARE(w.player()->source()->activeTrack(), 0);
        // The view shows the whole file once the spectrogram is ready.
        QVERIFY(waitUntil([&] { return w.audioView()->isReady(); }));
        QCOMPARE(w.audioView()->view()->viewEnd(), doc->mixture()->duration());
        QVERIFY(w.recentFiles().value(0).endsWith("resources/demo/mix.flac"));
        // Space plays; without an audio device the window says so and nothing hangs.
        if (AudioPlayer::outputDevices().isEmpty()) {
            QTest::keyClick(&w, Qt::Key_Space);
            QVERIFY(!w.player()->isPlaying());
            QVERIFY2(w.audioView()->messageText().contains("No audio output device"), qPrintable(w.audioView()->messageText()));
        }
        // Export of the spectrogram view.
        const QString png = tmp_.filePath("spec.png");
        QVERIFY(w.audioView()->exportSpectrogramPng(png));
        QCOMPARE(QImage(png).size(), w.audioView()->spectrogram()->size());
    }

    void demoMixtureOpenedByPathGetsItsStems() {
        MainWindow w;
        QSignalSpy done(&w, &MainWindow::loadFinished);
        w.openFile(MainWindow::findDemoDir() + "/mix.flac");
        QVERIFY(done.wait(10000));
        QCOMPARE(w.document()->references().size(), 3);
    }

    // The stereo demo: a stereo mixture whose stereo stems (exact images) sum to it, opened with them.
    void stereoDemoOpensWithItsStereoStems() {
        MainWindow w;
        QSignalSpy done(&w, &MainWindow::loadFinished);
        QVERIFY(w.openDemo(true));
        QVERIFY(done.wait(10000));
        const Document* doc = w.document();
        QVERIFY(doc->inputPaths().value(0).endsWith("resources/demo/stereo/mix.flac"));
        QCOMPARE(doc->mixture()->channels(), 2);
        QCOMPARE(doc->references().size(), 3);
        Eigen::ArrayXXf sum = Eigen::ArrayXXf::Zero(doc->mixture()->frames(), 2);
        for (const NamedAudio& r : doc->references()) {
            QCOMPARE(r.audio->channels(), 2);
            sum += r.audio->data;
        }
        QVERIFY((sum - doc->mixture()->data).abs().maxCoeff() < 1e-4f);  // 16-bit integers summed exactly
        QVERIFY(w.audioView()->channelBox()->isVisibleTo(&w));

        // Each channel stacked: a spectrogram and a phase pane per channel; the second phase pane
        // follows the first one's view and analyses the right channel; an inter-channel view is one map.
        w.resize(1280, 720);
        w.show();
        w.audioView()->setChannelView("stacked");
        QVERIFY(waitUntil([&] { return w.findChildren<PhaseMapPane*>().size() == 2; }));
        const auto panes = w.findChildren<PhaseMapPane*>();
        PhaseMapPane* first = panes[0]->cornerLabel() == "L" ? panes[0] : panes[1];
        PhaseMapPane* second = first == panes[0] ? panes[1] : panes[0];
        QCOMPARE(second->cornerLabel(), QString("R"));
        QCOMPARE(w.audioView()->channelSpectrograms().size(), std::size_t(1));
        auto* chooser = w.findChild<QComboBox*>("phaseViewChooser");
        chooser->setCurrentIndex(chooser->findData(int(PhaseMapPane::Kind::Kappa)));
        QCOMPARE(second->kind(), PhaseMapPane::Kind::Kappa);
        QVERIFY(second->isVisibleTo(&w));
        w.audioView()->view()->setVisibleRange(2.0, 3.0);
        QVERIFY(waitUntil([&] { return first->isUpToDate() && second->isUpToDate(); }));
        QVERIFY(first->grab().toImage() != second->grab().toImage());
        QDir().mkpath("screenshots");
        QVERIFY(w.grab().save("screenshots/main_window_stacked.png"));
        chooser->setCurrentIndex(chooser->findData(int(PhaseMapPane::Kind::Ipd)));
        QVERIFY(!second->isVisibleTo(&w));
        QVERIFY(first->cornerLabel().isEmpty());
        w.audioView()->setChannelView("left");
        QVERIFY(waitUntil([&] { return w.findChildren<PhaseMapPane*>().size() == 1; }));
    }

    // A stereo file plays as stereo: the mixture track keeps both channels, and the selection's band
    // is band-limited channel by channel (each channel equals bandLimit of that channel).
    void stereoFilePlaysAndAuditionsInStereo() {
        MainWindow w;
        QSignalSpy done(&w, &MainWindow::loadFinished);
        w.openFile(QString::fromStdString(test::sharedAudio("stereo/stereo_speech_16k_mix.flac")));
        QVERIFY(done.wait(20000));
        QCOMPARE(w.player()->source()->track(0).audio->channels(), 2);
        w.audioView()->view()->setSelection(1.0, 2.0);
        w.audioView()->view()->setFrequencyRange(300, 1500);
        const int before = w.player()->source()->trackCount();
        w.playSelectionBand();
        QVERIFY(waitUntil([&] { return w.player()->source()->trackCount() == before + 1; }));
        const auto band = w.player()->source()->track(before).audio;
        const auto mixture = w.document()->mixture();
        QCOMPARE(band->channels(), 2);
        QCOMPARE(band->frames(), mixture->frames());
        for (int c = 0; c < 2; ++c) {
            const Eigen::ArrayXf expected = bandLimit(mixture->channel(c), mixture->sampleRate, 300, 1500);
            QVERIFY(((band->data.col(c) - expected).abs() <= 1e-6f).all());
        }
        QVERIFY((band->data.col(0) - band->data.col(1)).abs().maxCoeff() > 1e-3f);  // not a downmix copied twice
    }

    void droppedFileIsOpened() {
        const QString path = tmp_.filePath("tone.wav");
        writeAudio(path.toStdString(), Audio::fromMono(test::sine(8000, 440, 8000), 8000));
        MainWindow w;
        w.show();
        QSignalSpy done(&w, &MainWindow::loadFinished);
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(path)});
        QDropEvent drop(QPointF(100, 100), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        // Delivered straight to the window: QApplication routes drops only to a real drag's target.
        static_cast<QObject&>(w).event(&drop);
        QVERIFY2(drop.isAccepted(), "the window did not accept the drop");
        QVERIFY(done.wait(5000));
        QCOMPARE(done.last().at(0).toBool(), true);
        QCOMPARE(w.document()->path(), path);
        QCOMPARE(w.recentFiles().value(0), QFileInfo(path).absoluteFilePath());
    }
};

QTEST_MAIN(TestGuiMainWindow)
#include "test_gui_main_window.moc"
