// PhaseHistogramPanel: fits of a selected partial and of noise, shown as charts and figures.
#include <QChartView>
#include <QTemporaryDir>
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
        QTemporaryDir dir;
        QVERIFY(panel.exportPng(dir.filePath("h.png")));
        QVERIFY(panel.exportCsv(dir.filePath("h.csv")));
        QFile csv(dir.filePath("h.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QStringList lines = QString(csv.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2 + 72);
        double integral = 0;
        for (int i = 2; i < lines.size(); ++i) integral += lines[i].split(',')[3].toDouble() * 2 * M_PI / 72;
        QVERIFY(std::abs(integral - 1) < 1e-3);  // the centred density integrates to 1

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
