// The analysis panels in the main window: docked, following the document, a recovery run from
// the window becomes a playable track, the metrics show the demo's baseline.
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QRadioButton>
#include <QTableWidget>
#include <QDockWidget>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "app/gui/experiment_io.h"
#include "app/gui/main_window.h"
#include "cli_support.h"
#include "core/experiment/experiment.h"
#include "widgets/audio_player.h"
#include "widgets/audio_view.h"
#include "widgets/listening_test_panel.h"
#include "widgets/metrics_panel.h"
#include "widgets/mixer_panel.h"
#include "widgets/param_form.h"
#include "widgets/phase_map_pane.h"
#include "widgets/recovery_panel.h"
#include "widgets/run_panel.h"
#include "widgets/separation_panel.h"

using namespace phaselab;

class TestGuiPanels : public QObject {
    Q_OBJECT
private slots:
    void panelsFollowTheDemo() {
        MainWindow w;
        w.show();
        QStringList docks;
        for (auto* d : w.findChildren<QDockWidget*>()) docks << d->windowTitle();
        for (const char* t : {"Phase view", "Phase histogram", "Phase recovery", "Separation", "Metrics"})
            QVERIFY2(docks.contains(t), qPrintable(docks.join(", ")));
        auto* recovery = w.findChild<RecoveryPanel*>();
        auto* separation = w.findChild<SeparationPanel*>();
        auto* metrics = w.findChild<MetricsPanel*>();
        auto* phase = w.findChild<PhaseMapPane*>();
        QVERIFY(recovery && separation && metrics && phase);
        QVERIFY(recovery->runPanel()->statusText().contains("Open"));

        QSignalSpy done(&w, &MainWindow::loadFinished);
        QVERIFY(w.openDemo());
        QVERIFY(done.wait(30000));
        QVERIFY(done.at(0).at(0).toBool());
        QCOMPARE(separation->runPanel()->statusText(), QString("Ready."));
        // Baseline metrics: the mixture as the estimate of each of the three stems.
        QTRY_VERIFY_WITH_TIMEOUT(metrics->hasResults() && !metrics->isComputing(), 60000);
        QCOMPARE(int(metrics->rows().size()), 3);
        QCOMPARE(metrics->rows()[0].estimate, QString("mixture"));

        recovery->runPanel()->selectAlgorithm("fgla");
        recovery->runPanel()->form()->setValues({{"iterations", 10.0}});
        QSignalSpy added(recovery, &RecoveryPanel::runAdded);
        recovery->runPanel()->run();
        QVERIFY(added.wait(60000));
        const int tracks = w.player()->source()->trackCount();
        QCOMPARE(tracks, 4);  // mixture + 3 stems
        const int index = w.addTrack(recovery->runs()[0].label, recovery->runs()[0].audio);
        QCOMPARE(index, 4);
        QCOMPARE(w.addTrack("again", recovery->runs()[0].audio), 4);  // the same audio is not added twice
        w.listenTo(index);
        QCOMPARE(w.player()->source()->activeTrack(), 4);
        // The mixer lists every track (plus the Mix row): gain, mute, solo act on the player.
        auto* mixer = w.findChild<MixerPanel*>();
        QVERIFY(mixer);
        auto* mixerTable = mixer->findChild<QTableWidget*>();
        QCOMPARE(mixerTable->rowCount(), w.player()->source()->trackCount() + 1);
        auto* gain = qobject_cast<QDoubleSpinBox*>(mixerTable->cellWidget(2, 1));  // track 1 (piano)
        gain->setValue(-6.0);
        QVERIFY(std::abs(w.player()->source()->track(1).gain - std::pow(10.0, -6.0 / 20)) < 1e-5);
        qobject_cast<QRadioButton*>(mixerTable->cellWidget(3, 3))->setChecked(true);  // solo track 2
        QCOMPARE(w.player()->source()->activeTrack(), 2);
        gain = qobject_cast<QDoubleSpinBox*>(mixer->findChild<QTableWidget*>()->cellWidget(2, 1));
        gain->setValue(0.0);
        QTest::keyClick(&w, Qt::Key_2);  // keys 1..9 pick the heard track
        QCOMPARE(w.player()->source()->activeTrack(), 1);
        QTest::keyClick(&w, Qt::Key_5);
        QCOMPARE(w.player()->source()->activeTrack(), 4);
        auto* listen = w.findChild<QComboBox*>();
        bool found = false;
        for (auto* c : w.findChildren<QComboBox*>())
            if (c->findText(recovery->runs()[0].label) >= 0) found = true;
        QVERIFY(listen && found);

        // Loudness matching: every track at the mixture's RMS.
        w.setLoudnessMatched(true);
        const double mixRms = audioStats(*w.document()->mixture()).rms;
        for (int i = 1; i < w.player()->source()->trackCount(); ++i) {
            const auto t = w.player()->source()->track(i);
            QVERIFY(std::abs(t.gain * audioStats(*t.audio).rms / mixRms - 1) < 1e-4);
        }
        w.setLoudnessMatched(false);
        QCOMPARE(w.player()->source()->track(1).gain, 1.0f);

        // The selection's band: a band-limited track is added, heard and looped.
        w.audioView()->view()->setSelection(2.0, 3.0);
        w.audioView()->view()->setFrequencyRange(200, 800);
        const int before = w.player()->source()->trackCount();
        w.playSelectionBand();
        QTRY_COMPARE_WITH_TIMEOUT(w.player()->source()->trackCount(), before + 1, 20000);
        QCOMPARE(w.player()->source()->activeTrack(), before);
        QVERIFY(w.player()->source()->looping());
        w.audioView()->view()->resetFrequencyRange();

        // A run shown in the panes, then the original again.
        w.showInPanes(recovery->runs()[0].audio, recovery->runs()[0].label);
        QCOMPARE(w.shownLabel(), recovery->runs()[0].label);
        QVERIFY(w.audioView()->audio() == recovery->runs()[0].audio);
        QVERIFY(w.audioView()->messageText().contains("Showing"));
        w.showOriginal();
        QVERIFY(w.audioView()->audio() == w.document()->mixture());

        // Three separation runs side by side, metrics of the selected one; screenshot.
        separation->setMagnitudeSource("oracle");
        QSignalSpy sepAdded(separation, &SeparationPanel::runAdded);
        for (const char* id : {"wiener", "misi", "pu-iter"}) {
            separation->runPanel()->selectAlgorithm(id);
            if (std::string(id) != "wiener") separation->runPanel()->form()->setValues({{"iterations", 5.0}});
            separation->runPanel()->run();
            QVERIFY(sepAdded.wait(120000));
        }
        QCOMPARE(int(separation->runs().size()), 3);
        QCOMPARE(separation->barRunCount(), 3);  // SDR bars per source, one group per run
        // Sorting the runs table by mean SDR keeps each row tied to its run.
        auto* table = separation->findChild<QTableWidget*>();
        table->sortItems(4, Qt::DescendingOrder);  // mean SDR
        table->selectRow(0);
        int best = 0;
        auto mean = [&](int i) { double m = 0; for (double v : separation->runs()[std::size_t(i)].sdr) m += v / 3; return m; };
        for (int i = 1; i < 3; ++i)
            if (mean(i) > mean(best)) best = i;
        QCOMPARE(separation->selectedRun(), best);
        table->sortItems(0, Qt::AscendingOrder);
        QTRY_VERIFY_WITH_TIMEOUT(metrics->hasResults() && !metrics->isComputing() && metrics->rows()[0].estimate == "piano", 60000);
        for (auto* d : w.findChildren<QDockWidget*>())
            if (d->windowTitle() == "Separation" || d->windowTitle() == "Metrics") d->raise();
        QTest::qWait(200);
        QDir().mkpath("screenshots");
        QVERIFY(w.grab().save("screenshots/main_window_separation.png"));

        // A blind test over the runs: playback goes through the anonymous "blind test" track.
        auto* listening = w.findChild<ListeningTestPanel*>();
        QVERIFY(listening);
        QVERIFY(listening->conditions().size() >= 4 + 9 + 1);  // mixture, 3 references, 3 runs x 3 sources, 1 recovery
        listening->startAbx(4, 7, 3, 1);
        listening->play("X");
        const int blind = w.player()->source()->activeTrack();
        QCOMPARE(w.player()->source()->track(blind).name, QString("blind test"));

        // Save the session as an experiment; phaselab-cli run reproduces its metrics; the GUI reopens
        // it and re-runs its runs.
        QTemporaryDir dir;
        const QString path = dir.filePath("session.json");
        saveExperiment(&w, path);
        const experiment::Experiment e = experiment::read(path.toStdString());
        QCOMPARE(int(e.runs.size()), 4);
        QCOMPARE(e.references.size(), std::size_t(3));
        QCOMPARE(e.runs[1].algorithm, std::string("misi"));
        QVERIFY(QFile::exists(dir.filePath("session_outputs/run-2-misi/piano.wav")));
        QVERIFY(QFile::exists(dir.filePath("session_outputs/run-4-fgla/recovered.wav")));
        QFile metricsCsv(dir.filePath("session_outputs/metrics.csv"));
        QVERIFY(metricsCsv.open(QIODevice::ReadOnly));
        QCOMPARE(QString(metricsCsv.readAll()).count('\n'), 1 + 3 * 9 + 2);
        const auto cli = test::runCli({"run", path, "-o", dir.filePath("out")});
        QVERIFY2(cli.code == 0, cli.err.constData());
        QVERIFY(cli.out.contains("largest difference"));

        MainWindow w2;
        auto* recovery2 = w2.findChild<RecoveryPanel*>();
        auto* separation2 = w2.findChild<SeparationPanel*>();
        openExperiment(&w2, recovery2, separation2, path);
        QTRY_VERIFY_WITH_TIMEOUT(separation2->runs().size() == 3 && recovery2->runs().size() == 1, 120000);
        for (std::size_t j = 0; j < 3; ++j)
            QVERIFY(std::abs(separation2->runs()[1].sdr[j] - separation->runs()[1].sdr[j]) < 0.01);
    }
};

QTEST_MAIN(TestGuiPanels)
#include "test_gui_panels.moc"
