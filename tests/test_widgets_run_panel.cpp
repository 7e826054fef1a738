// RunPanel: background run with live progress and convergence points, cancel, failure, blocking.
#include <QLineSeries>
#include <QPushButton>
#include <QtTest>
#include <thread>

#include "core/common/error.h"
#include "widgets/convergence_chart.h"
#include "widgets/param_form.h"
#include "widgets/run_panel.h"

using namespace phaselab;

namespace {
AlgorithmDescription countdown() {
    AlgorithmDescription d;
    d.id = "countdown";
    d.name = "Countdown";
    d.summary = "Reports a decreasing error once per iteration.";
    ParamSpec it;
    it.id = "iterations"; it.label = "Iterations"; it.type = ParamSpec::Type::Integer;
    it.defaultValue = 20; it.minimum = 1; it.maximum = 1000;
    ParamSpec delay;
    delay.id = "delay"; delay.label = "Delay"; delay.type = ParamSpec::Type::Integer; delay.unit = "ms";
    delay.defaultValue = 1; delay.minimum = 0; delay.maximum = 1000;
    d.params = {it, delay};
    return d;
}

RunOutcome countdownRun(const AlgorithmDescription& d, const ParamValues& v, const RunControl& control) {
    const int n = int(numberParam(d, v, "iterations"));
    const int delay = int(numberParam(d, v, "delay"));
    for (int i = 1; i <= n; ++i) {
        control.checkCancel();
        std::this_thread::sleep_for(std::chrono::milliseconds(delay));
        control.report(ProgressReport{double(i) / n, "iteration " + std::to_string(i), i, {{"error_db", -double(i)}}});
    }
    if (n == 13) throw InputError("thirteen is unlucky");
    return RunOutcome{"Countdown", QString("final error %1 dB").arg(-n), n};
}
}  // namespace

class TestRunPanel : public QObject {
    Q_OBJECT
    AlgorithmDescription d = countdown();

private slots:
    void runsInTheBackgroundWithLiveFigures() {
        RunPanel panel({&d});
        panel.setRunner(countdownRun);
        panel.setConvergenceFigures({{"error_db", "Error (dB)"}});
        panel.resize(500, 600);
        QSignalSpy finished(&panel, &RunPanel::runFinished);
        panel.run();
        QVERIFY(panel.isRunning());
        QVERIFY(finished.wait(10000));
        const auto outcome = finished.at(0).at(0).value<RunOutcome>();
        QCOMPARE(std::any_cast<int>(outcome.payload), 20);
        QCoreApplication::processEvents();
        QCOMPARE(panel.chart()->pointCount("error_db"), 20);
        QCOMPARE(panel.chart()->lastValue("error_db"), -20.0);
        QCOMPARE(panel.progressPercent(), 100);
        QCOMPARE(panel.statusText(), QString("final error -20 dB"));
        QVERIFY(!panel.isRunning());
        QDir().mkpath("screenshots");
        QVERIFY(panel.grab().save("screenshots/run_panel.png"));
    }
    void cancelStopsTheRun() {
        RunPanel panel({&d});
        panel.setRunner(countdownRun);
        panel.form()->setValues({{"iterations", 1000.0}, {"delay", 5.0}});
        QSignalSpy cancelled(&panel, &RunPanel::runCancelled);
        panel.run();
        QTest::qWait(50);
        panel.cancel();
        QVERIFY(cancelled.wait(5000));
        QCOMPARE(panel.statusText(), QString("Cancelled."));
        QVERIFY(panel.chart()->pointCount("error_db") < 1000);
    }
    void failureIsShownInThePanel() {
        RunPanel panel({&d});
        panel.setRunner(countdownRun);
        panel.form()->setValues({{"iterations", 13.0}});
        QSignalSpy failed(&panel, &RunPanel::runFailed);
        panel.run();
        QVERIFY(failed.wait(5000));
        QCOMPARE(panel.statusText(), QString("thirteen is unlucky"));
    }
    void blockedReasonDisablesRun() {
        RunPanel panel({&d});
        panel.setRunner(countdownRun);
        panel.setBlockedReason("Open a file first");
        auto* run = panel.findChild<QPushButton*>();
        QVERIFY(run && !run->isEnabled());
        QCOMPARE(panel.statusText(), QString("Open a file first"));
        panel.run();
        QVERIFY(!panel.isRunning());
        panel.setBlockedReason({});
        QVERIFY(run->isEnabled());
    }

    // A run of many iterations keeps a bounded curve: Qt Charts re-strokes the whole line on each
    // appended point, so 10^5 plotted points froze the window (found by the robustness test).
    void longRunsKeepABoundedCurve() {
        ConvergenceChart chart;
        chart.startRun("long");
        const int n = 20000;
        for (int k = 1; k <= n; ++k) chart.addPoint(k, {{"spectral_convergence_db", -std::log10(double(k))}});
        QCOMPARE(chart.pointCount("spectral_convergence_db"), n);
        QCOMPARE(chart.lastValue("spectral_convergence_db"), -std::log10(double(n)));
        auto* series = qobject_cast<QLineSeries*>(chart.chart()->series().front());
        QVERIFY(series);
        QVERIFY2(series->count() <= 1001 && series->count() > 400, qPrintable(QString::number(series->count())));
        QCOMPARE(series->at(0).x(), 1.0);
        QCOMPARE(series->at(series->count() - 1).x(), double(n));  // the latest value is always drawn
        for (int i = 1; i + 1 < series->count(); ++i) QVERIFY(series->at(i).x() > series->at(i - 1).x());
    }
};

QTEST_MAIN(TestRunPanel)
#include "test_widgets_run_panel.moc"
