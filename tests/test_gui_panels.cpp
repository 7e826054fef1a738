// The analysis panels in the main window: docked, following the document, a recovery run from
// the window becomes a playable track, the metrics show the demo's baseline.
#include <QComboBox>
#include <QDockWidget>
#include <QSignalSpy>
#include <QtTest>

#include "app/gui/main_window.h"
#include "widgets/audio_player.h"
#include "widgets/metrics_panel.h"
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
        auto* listen = w.findChild<QComboBox*>();
        bool found = false;
        for (auto* c : w.findChildren<QComboBox*>())
            if (c->findText(recovery->runs()[0].label) >= 0) found = true;
        QVERIFY(listen && found);
    }
};

QTEST_MAIN(TestGuiPanels)
#include "test_gui_panels.moc"
