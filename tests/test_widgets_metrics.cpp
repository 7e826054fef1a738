// MetricsPanel: values equal core's (mir_eval-exact) metrics, computed off the GUI thread, the
// SDR curve and cursor, click-to-seek, restart on new inputs, errors in the status line.
// Set PHASELAB_SCREENSHOT_DIR to keep a PNG of the panel.

#include <QChartView>
#include <QLineSeries>
#include <QSignalSpy>
#include <QTableWidget>
#include <QtTest>
#include <cmath>

#include "core/io/audio.h"
#include "core/metrics/bss_eval.h"
#include "core/metrics/si_sdr.h"
#include "test_support.h"
#include "widgets/metrics_panel.h"

using namespace phaselab;

namespace {

// Three seconds at 8 kHz: two sources and estimates with interference and a little noise.
struct Demo {
    std::vector<Eigen::ArrayXXf> refs, ests;
    double rate = 8000;
    Demo() {
        const Eigen::Index n = 24000;
        Eigen::ArrayXf a = test::sine(n, 440, rate, 0.5) + test::whiteNoise(n, 3, 0.05f);
        Eigen::ArrayXf b = test::whiteNoise(n, 4, 0.2f) * test::sine(n, 1.5, rate, 1.0).abs();
        refs = {a, b};
        ests = {Eigen::ArrayXf(0.9f * a + 0.1f * b + test::whiteNoise(n, 5, 0.01f)),
                Eigen::ArrayXf(0.8f * b + 0.3f * a + test::whiteNoise(n, 6, 0.01f))};
    }
};

bool waitComputed(QSignalSpy& spy) {
    return spy.count() > 0 || spy.wait(60000);
}

}  // namespace

class TestWidgetsMetrics : public QObject {
    Q_OBJECT
private slots:
    void computesInBackgroundAndMatchesCore() {
        Demo d;
        MetricsPanel panel;
        panel.resize(760, 560);
        QSignalSpy done(&panel, &MetricsPanel::computed);
        // estimates given in reverse order: the panel must find the permutation
        panel.setSignals({"piano.wav", "noise.wav"}, d.refs, {"est_noise.wav", "est_piano.wav"}, {d.ests[1], d.ests[0]}, d.rate);
        QVERIFY(panel.isComputing());  // returned at once: the work is on another thread
        QVERIFY(waitComputed(done));
        QVERIFY(!panel.isComputing());
        QCOMPARE(panel.permutation(), (std::vector<int>{1, 0}));

        std::vector<metrics::Signal> r{d.refs[0].cast<double>(), d.refs[1].cast<double>()};
        std::vector<metrics::Signal> e{d.ests[0].cast<double>(), d.ests[1].cast<double>()};
        const metrics::BssResult core = metrics::bssEvalSources(r, e);
        const metrics::FramewiseResult v4 = metrics::bssEvalV4(r, e, 8000, 8000);
        QCOMPARE(int(panel.rows().size()), 2);
        for (int j = 0; j < 2; ++j) {
            const auto& row = panel.rows()[std::size_t(j)];
            QVERIFY(std::abs(row.sdr - core.sdr(j)) < 1e-9);
            QVERIFY(std::abs(row.sir - core.sir(j)) < 1e-9);
            QVERIFY(std::abs(row.sar - core.sar(j)) < 1e-9);
            QVERIFY(std::abs(row.siSdr - metrics::siSdr(r[j], e[j])) < 1e-9);
            QVERIFY(std::abs(row.v4MedianSdr - v4.medianSdr()(j)) < 1e-9);
            QCOMPARE(panel.curvePointCount(j), 3);  // three 1 s windows
        }
        QCOMPARE(panel.rows()[0].estimate, QString("est_piano.wav"));
        QCOMPARE(panel.table()->rowCount(), 2);
        QCOMPARE(panel.table()->item(0, 2)->text(), QString::number(core.sdr(0), 'f', 2));
        QVERIFY(panel.table()->isColumnHidden(6));  // no ISR for mono sources
        QVERIFY(panel.statusText().contains("bss_eval_sources"));

        // cursor from outside, and a click in the plot
        panel.setCursorTime(1.25);
        QCOMPARE(panel.cursorTime(), 1.25);
        QSignalSpy clicked(&panel, &MetricsPanel::timeClicked);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QChart* chart = panel.chartView()->chart();
        const QPointF at = chart->mapToPosition(QPointF(2.0, 5.0), chart->series().first());
        const QPoint viewPos = panel.chartView()->mapFromScene(chart->mapToScene(at));
        QTest::mouseClick(panel.chartView()->viewport(), Qt::LeftButton, {}, viewPos);
        QCOMPARE(clicked.count(), 1);
        QVERIFY(std::abs(clicked.at(0).at(0).toDouble() - 2.0) < 0.05);
        QVERIFY(std::abs(panel.cursorTime() - 2.0) < 0.05);

        const QPixmap shot = panel.grab();
        QVERIFY(!shot.isNull() && shot.width() >= 700);
        const QByteArray dir = qgetenv("PHASELAB_SCREENSHOT_DIR");
        if (!dir.isEmpty()) QVERIFY(shot.save(QString::fromLocal8Bit(dir) + "/metrics_panel.png"));
    }

    // With PHASELAB_SCREENSHOT_DIR set: the panel on the demo stems (music_pbd_16k, estimates
    // 0.8 s_j + 0.2 s_j+1 as in tests/data/metrics), saved as metrics_panel_demo.png.
    void demoScreenshot() {
        const QByteArray dir = qgetenv("PHASELAB_SCREENSHOT_DIR");
        if (dir.isEmpty()) return;
        std::vector<Eigen::ArrayXXf> refs, ests;
        QStringList rn, en;
        for (const char* part : {"piano", "bass", "drums"}) {
            refs.push_back(readAudio(test::sharedAudio(std::string("music_pbd_16k_") + part + ".wav")).data);
            rn << QString("%1.wav").arg(part);
            en << QString("est_%1.wav").arg(part);
        }
        for (int j = 0; j < 3; ++j) ests.push_back(0.8f * refs[j] + 0.2f * refs[(j + 1) % 3]);
        MetricsPanel panel;
        panel.resize(760, 560);
        QSignalSpy done(&panel, &MetricsPanel::computed);
        panel.setSignals(rn, refs, en, ests, 16000);
        QVERIFY(waitComputed(done));
        panel.setCursorTime(4.2);
        QVERIFY(panel.grab().save(QString::fromLocal8Bit(dir) + "/metrics_panel_demo.png"));
    }

    void newInputsRestartAndOnlyTheLastIsShown() {
        Demo d;
        MetricsPanel panel;
        QSignalSpy done(&panel, &MetricsPanel::computed);
        panel.setSignals({"a", "b"}, d.refs, {"x", "y"}, d.ests, d.rate);
        // replaced while the first computation runs: perfect estimates now
        panel.setSignals({"a", "b"}, d.refs, {"x", "y"}, d.refs, d.rate);
        QVERIFY(waitComputed(done));
        QTest::qWait(50);
        QCOMPARE(done.count(), 1);
        QVERIFY(panel.rows()[0].sir > 100);  // the second input's result

        // cleared while computing: nothing is shown afterwards
        done.clear();
        panel.setSignals({"a", "b"}, d.refs, {"x", "y"}, d.ests, d.rate);
        panel.clear();
        QTRY_VERIFY_WITH_TIMEOUT(!panel.isComputing(), 60000);
        QTest::qWait(50);
        QCOMPARE(done.count(), 0);
        QVERIFY(!panel.hasResults());
        QCOMPARE(panel.table()->rowCount(), 0);
        QVERIFY(panel.statusText().startsWith("Load references"));
    }

    void stereoShowsIsrAndErrorsGoToTheStatusLine() {
        Demo d;
        MetricsPanel panel;
        QSignalSpy done(&panel, &MetricsPanel::computed), failed(&panel, &MetricsPanel::failed);
        std::vector<Eigen::ArrayXXf> rs, es;
        for (int j = 0; j < 2; ++j) {
            Eigen::ArrayXXf r(d.refs[j].rows(), 2), e(d.refs[j].rows(), 2);
            const Eigen::ArrayXf other = test::whiteNoise(d.refs[j].rows(), 10 + j, 0.1f);  // a second, independent channel
            r << d.refs[j], other;
            e << d.ests[j], 0.9f * other + 0.1f * d.refs[1 - j];
            rs.push_back(r), es.push_back(e);
        }
        panel.setSignals({"a", "b"}, rs, {"x", "y"}, es, d.rate);
        QVERIFY(waitComputed(done));
        QVERIFY(!panel.table()->isColumnHidden(6));
        QVERIFY(std::isfinite(panel.rows()[0].isr));

        std::vector<Eigen::ArrayXXf> silent = d.refs;
        silent[1].setZero();
        panel.setSignals({"a.wav", "b.wav"}, silent, {"x", "y"}, d.ests, d.rate);
        QVERIFY(failed.count() > 0 || failed.wait(60000));
        QVERIFY2(panel.statusText().contains("b.wav") && panel.statusText().contains("silent"), qPrintable(panel.statusText()));
        QVERIFY(!panel.hasResults());

        // a shorter estimate is padded, with a note
        std::vector<Eigen::ArrayXXf> shorter = d.ests;
        shorter[0] = shorter[0].topRows(20000).eval();
        done.clear();
        panel.setSignals({"a", "b"}, d.refs, {"x.wav", "y.wav"}, shorter, d.rate);
        QVERIFY(waitComputed(done));
        QVERIFY2(panel.statusText().contains("padded or trimmed") && panel.statusText().contains("x.wav"),
                 qPrintable(panel.statusText()));
    }
};

QTEST_MAIN(TestWidgetsMetrics)
#include "test_widgets_metrics.moc"
