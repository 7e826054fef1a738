// PhaseHistogramPanel: fits of a selected partial and of noise, shown as charts and figures.
#include <QChartView>
#include <QtTest>

#include "core/io/audio.h"
#include "widgets/phase_histogram_panel.h"
#include "test_support.h"

using namespace phaselab;

class TestPhaseHistogram : public QObject {
    Q_OBJECT
private slots:
    void partialAndNoise() {
        const Audio a = readAudio(test::sharedAudio("twotone_16k_mix.wav"));
        PhaseHistogramPanel panel;
        panel.resize(900, 420);
        QSignalSpy computed(&panel, &PhaseHistogramPanel::computed);
        panel.setRegion(0.6, 1.8, 400, 480);  // around the 440 Hz partial
        panel.setSignal(std::make_shared<Eigen::ArrayXf>(a.mono()), a.sampleRate);
        QVERIFY(computed.wait(20000));
        QTRY_VERIFY(!panel.isComputing());
        QVERIFY(panel.result()->centred.fit.kappa > 10);
        QVERIFY(panel.result()->raw.fit.kappa < panel.result()->centred.fit.kappa);
        QVERIFY(panel.summaryText().contains("κ ="));
        auto charts = panel.findChildren<QChartView*>();
        QCOMPARE(charts.size(), 2);
        QCOMPARE(charts[1]->chart()->series().size(), 3);  // histogram, uniform, von Mises
        QDir().mkpath("screenshots");
        QVERIFY(panel.grab().save("screenshots/phase_histogram.png"));

        const int before = computed.count();
        panel.setSignal(std::make_shared<Eigen::ArrayXf>(test::whiteNoise(32000, 2)), 16000);
        panel.setRegion(0, 0, 0, 0);
        panel.setStftConfig(StftConfig{WindowType::Hann, 1024, 512});
        QTRY_VERIFY_WITH_TIMEOUT(computed.count() > before && !panel.isComputing(), 20000);
        QVERIFY2(panel.result()->raw.fit.kappa < 0.05, qPrintable(QString::number(panel.result()->raw.fit.kappa)));
        QVERIFY(panel.result()->centred.fit.kappa < 0.25);
    }
};

QTEST_MAIN(TestPhaseHistogram)
#include "test_widgets_phase_histogram.moc"
