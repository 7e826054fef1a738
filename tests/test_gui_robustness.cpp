// A seeded robustness test of the whole window (issue 11): on the demo, several thousand actions in
// an order fixed by a seed — every combo box (any item, offered or not), spin box (its minimum,
// its maximum, a value between), check box, button and menu action of every panel, keys, selections
// and box selections — interleaved with opening a second file, a bad file, the demo, an experiment,
// and running and cancelling algorithms. Any dialog that opens is closed at once (as a user
// pressing Escape would). After every step: the process is alive, no exception reached the
// application's last-resort guard, and every listed run belongs to the current document.
// PHASELAB_ROBUSTNESS_SEED and PHASELAB_ROBUSTNESS_ACTIONS change the seed and the length.
#include <QAbstractButton>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDoubleSpinBox>
#include <QFile>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>
#include <random>
#include <set>

#include "app/gui/application.h"
#include "app/gui/experiment_io.h"
#include "app/gui/main_window.h"
#include "widgets/audio_player.h"
#include "widgets/audio_view.h"
#include "widgets/listening_test_panel.h"
#include "widgets/param_form.h"
#include "widgets/recovery_panel.h"
#include "widgets/run_panel.h"
#include "widgets/separation_panel.h"
#include "widgets/view_manager.h"
#include "test_support.h"

using namespace phaselab;

namespace {

// Every run listed anywhere was computed from the document's mixture; every listening condition is
// the mixture, a reference or a run's signal of this document.
QString foreignRun(MainWindow& w) {
    const Document* doc = w.document();
    for (const auto& r : doc->recoveryRuns())
        if (r.input != doc->mixture()) return "a recovery run of another mixture is in the document";
    for (const auto& r : doc->separationRuns())
        if (r.mixture != doc->mixture()) return "a separation run of another mixture is in the document";
    auto* recovery = w.findChild<RecoveryPanel*>();
    auto* separation = w.findChild<SeparationPanel*>();
    if (recovery->runs().size() != doc->recoveryRuns().size()) return "the recovery panel lists other runs than the document";
    if (separation->runs().size() != doc->separationRuns().size()) return "the separation panel lists other runs than the document";
    for (const auto& r : recovery->runs())
        if (r.input != doc->mixture()) return "the recovery panel lists a run of another mixture";
    for (const auto& r : separation->runs())
        if (r.mixture != doc->mixture()) return "the separation panel lists a run of another mixture";
    std::set<const Audio*> known{doc->mixture().get()};
    for (const NamedAudio& r : doc->references()) known.insert(r.audio.get());
    for (const auto& r : doc->recoveryRuns()) known.insert(r.audio.get());
    for (const auto& r : doc->separationRuns())
        for (const auto& s : r.sources) known.insert(s.get());
    for (const ListeningCondition& c : w.findChild<ListeningTestPanel*>()->conditions())
        if (!known.count(c.audio.get())) return "a listening condition of another document: " + c.name;
    return {};
}

}  // namespace

class TestGuiRobustness : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("PhaseLabTest");
        QCoreApplication::setApplicationName("test_gui_robustness");
        QSettings().clear();
    }

    void thousandsOfSeededActions() {
        const unsigned seed = qEnvironmentVariableIsSet("PHASELAB_ROBUSTNESS_SEED") ? qEnvironmentVariable("PHASELAB_ROBUSTNESS_SEED").toUInt()
                                                                                    : 20261201u;
        const int actions = qEnvironmentVariableIsSet("PHASELAB_ROBUSTNESS_ACTIONS") ? qEnvironmentVariableIntValue("PHASELAB_ROBUSTNESS_ACTIONS")
                                                                                     : 3000;
        std::mt19937 random(seed);
        auto pick = [&](int n) { return n <= 0 ? 0 : int(random() % unsigned(n)); };
        auto* app = qobject_cast<Application*>(QCoreApplication::instance());
        QVERIFY(app);
        QStringList escaped;
        app->setReporter([&](const QString& what) { escaped << what; });

        // Inputs: the demo, a second file, a bad file, an experiment saved from a first session.
        QTemporaryDir dir;
        const QString second = QString::fromStdString(test::sharedAudio("speech_noise_16k_mix.wav"));
        const QString bad = dir.filePath("bad.wav");
        {
            QFile f(bad);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("RIFF\x24\x00\x00\x00WAVEfmt this is not audio at all");
        }
        const QString experimentPath = dir.filePath("session.json");

        MainWindow w;
        w.resize(1280, 720);
        w.show();
        w.setUnsavedChangesPrompt([&] { return std::array{QMessageBox::Discard, QMessageBox::Cancel, QMessageBox::Save}[pick(3)]; });
        QSignalSpy loaded(&w, &MainWindow::loadFinished);
        QVERIFY(w.openDemo());
        QVERIFY(loaded.wait(60000));
        auto* recovery = w.findChild<RecoveryPanel*>();
        auto* separation = w.findChild<SeparationPanel*>();
        recovery->runPanel()->selectAlgorithm("fgla");
        recovery->runPanel()->form()->setValues({{"iterations", 5.0}});
        recovery->runPanel()->run();
        QTRY_VERIFY_WITH_TIMEOUT(w.document()->recoveryRuns().size() == 1, 60000);
        saveExperiment(&w, experimentPath);

        // Dialogs (file choosers, questions, warnings) and popups are closed as soon as they open.
        QTimer closer;
        QObject::connect(&closer, &QTimer::timeout, [] {
            while (QWidget* popup = QApplication::activePopupWidget()) popup->close();  // menus, combo lists
            for (QWidget* top : QApplication::topLevelWidgets())
                if (auto* d = qobject_cast<QDialog*>(top); d && d->isVisible()) d->reject();
        });
        closer.start(20);

        int opened = 0, runsStarted = 0, cancels = 0, clicks = 0, menus = 0, fields = 0;
        for (int step = 0; step < actions; ++step) {
            const int kind = pick(100);
            QString what;
            // The application reports an exception from an event handler (Application::notify); one
            // from a direct call here (click(), trigger()) is recorded the same way, with the action.
            try {
                if (kind < 22) {  // a combo box anywhere in the window: any item, offered or not
                    auto boxes = w.findChildren<QComboBox*>();
                    if (!boxes.isEmpty()) {
                        QComboBox* b = boxes[pick(int(boxes.size()))];
                        if (b->count() > 0) b->setCurrentIndex(pick(b->count()));
                        what = "combo " + b->objectName() + " " + b->toolTip().left(40);
                        ++fields;
                    }
                } else if (kind < 42) {  // a spin box: minimum, maximum or a value between
                    auto spins = w.findChildren<QAbstractSpinBox*>();
                    if (!spins.isEmpty()) {
                        QAbstractSpinBox* s = spins[pick(int(spins.size()))];
                        const int how = pick(3);
                        if (auto* i = qobject_cast<QSpinBox*>(s)) {
                            // Long runs stay short: a large value is given to iteration counts rarely.
                            const int high = i->maximum() > 500 && pick(8) ? std::min(i->maximum(), 50) : i->maximum();
                            i->setValue(how == 0 ? i->minimum() : how == 1 ? high : i->minimum() + pick(std::max(1, high - i->minimum())));
                        } else if (auto* d = qobject_cast<QDoubleSpinBox*>(s)) {
                            d->setValue(how == 0 ? d->minimum() : how == 1 ? d->maximum()
                                                                : d->minimum() + (d->maximum() - d->minimum()) * (random() % 1000) / 1000.0);
                        }
                        what = "spin " + s->toolTip().left(40);
                        ++fields;
                    }
                } else if (kind < 48) {  // a check box
                    auto checks = w.findChildren<QCheckBox*>();
                    if (!checks.isEmpty()) {
                        QCheckBox* c = checks[pick(int(checks.size()))];
                        c->toggle();
                        what = "check " + c->text();
                    }
                } else if (kind < 62) {  // a button of any panel (Run, Cancel, Play, Export, Start, ...)
                    auto buttons = w.findChildren<QAbstractButton*>();
                    QList<QAbstractButton*> enabled;
                    for (QAbstractButton* b : buttons)
                        if (b->isEnabled() && !qobject_cast<QCheckBox*>(b)) enabled << b;
                    if (!enabled.isEmpty()) {
                        QAbstractButton* b = enabled[pick(int(enabled.size()))];
                        what = "button " + b->text() + " " + b->toolTip().left(30);
                        b->click();
                        ++clicks;
                    }
                } else if (kind < 70) {  // a menu action (not Quit, not New window)
                    QList<QAction*> all;
                    for (QMenu* m : w.menuBar()->findChildren<QMenu*>())
                        for (QAction* a : m->actions())
                            if (a->isEnabled() && !a->menu() && !a->isSeparator() && a->text() != "&Quit" && a->text() != "&New window")
                                all << a;
                    if (!all.isEmpty()) {
                        QAction* a = all[pick(int(all.size()))];
                        what = "menu " + a->text();
                        a->trigger();
                        ++menus;
                    }
                } else if (kind < 78) {  // keys
                    static const int keys[] = {Qt::Key_Space, Qt::Key_A, Qt::Key_1, Qt::Key_2, Qt::Key_3, Qt::Key_Escape, Qt::Key_Tab,
                                               Qt::Key_L, Qt::Key_Left, Qt::Key_Right, Qt::Key_Home};
                    const int key = keys[pick(int(std::size(keys)))];
                    QWidget* target = QApplication::focusWidget() ? QApplication::focusWidget() : &w;
                    QTest::keyClick(target, Qt::Key(key));
                    what = "key " + QString::number(key, 16);
                } else if (kind < 84) {  // selections and box selections
                    ViewManager* vm = w.audioView()->view();
                    const double d = vm->duration(), a = d * (random() % 1000) / 1000.0, b = d * (random() % 1000) / 1000.0;
                    if (pick(2)) vm->setSelection(a, b);
                    else vm->setBoxSelection(a, b, vm->nyquist() * (random() % 100) / 100.0, vm->nyquist() * (random() % 100) / 100.0);
                    what = "selection";
                } else if (kind < 90) {  // run an algorithm (cancelled later, or by the next file)
                    RunPanel* panel = pick(2) ? recovery->runPanel() : separation->runPanel();
                    panel->run();
                    ++runsStarted;
                    what = "run";
                } else if (kind < 94) {  // cancel
                    recovery->runPanel()->cancel();
                    separation->runPanel()->cancel();
                    ++cancels;
                    what = "cancel";
                } else {  // another document: a second file, a bad file, the demo, the experiment
                    const int which = pick(4);
                    if (w.confirmDiscard()) {
                        if (which == 0) w.openFile(second);
                        else if (which == 1) w.openFile(bad);
                        else if (which == 2) w.openDemo();
                        else openExperiment(&w, recovery, separation, experimentPath);
                        loaded.clear();
                        if (!loaded.wait(60000))
                            QFAIL(qPrintable(QString("step %1: document %2 did not load in 60 s (recovery %3, separation %4)")
                                                 .arg(step)
                                                 .arg(which)
                                                 .arg(recovery->runPanel()->statusText(), separation->runPanel()->statusText())));
                        ++opened;
                    }
                    what = QString("open %1").arg(which);
                }
            } catch (const std::exception& e) {
                escaped << QString("exception from this action (kind %1): %2").arg(kind).arg(e.what());
            }
            if (qEnvironmentVariableIsSet("PHASELAB_ROBUSTNESS_LOG")) std::fprintf(stderr, "step %d: %s\n", step, qPrintable(what));
            QCoreApplication::processEvents();
            if (step % 25 == 0) QTest::qWait(pick(30));
            QVERIFY2(escaped.isEmpty(), qPrintable(QString("step %1 (%2): %3").arg(step).arg(what, escaped.join("; "))));
            const QString foreign = foreignRun(w);
            QVERIFY2(foreign.isEmpty(), qPrintable(QString("step %1 (%2): %3").arg(step).arg(what, foreign)));
            QVERIFY(w.isVisible());
        }
        closer.stop();
        recovery->runPanel()->cancel();
        separation->runPanel()->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!recovery->runPanel()->isRunning() && !separation->runPanel()->isRunning(), 120000);
        qInfo("%d actions (seed %u): %d documents opened, %d runs started, %d cancels, %d buttons, %d menu actions, %d fields",
              actions, seed, opened, runsStarted, cancels, clicks, menus, fields);
        // Every kind of action happened often (the draw covers them all).
        QVERIFY(opened > actions / 100 && runsStarted > actions / 30 && clicks > actions / 12 && menus > actions / 20);
        w.setUnsavedChangesPrompt([] { return QMessageBox::Discard; });
    }
};

int main(int argc, char** argv) {
    Application app(argc, argv);
    TestGuiRobustness test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "test_gui_robustness.moc"
