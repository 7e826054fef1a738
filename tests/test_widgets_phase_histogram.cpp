// PhaseHistogramPanel: fits of a selected partial and of noise, shown as charts and figures.
#include <QChartView>
#include <QTemporaryDir>
#include <QtTest>

#include "core/io/audio.h"
#include "core/phase/inter_channel.h"
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
        QCOMPARE(charts.size(), 3);
        QVERIFY(charts[2]->isHidden() && !panel.ipdResult());  // the IPD chart: stereo only
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

    // A stereo signal adds the IPD chart: the histogram of the inter-channel phase difference with the
    // fit interChannelPhaseFit gives on the whole STFTs (whole signal, the panel's 40 dB range).
    void stereoShowsTheInterChannelPhase() {
        auto a = std::make_shared<Audio>(readAudio(test::sharedAudio("stereo/stereo_speech_16k_mix.flac")));
        PhaseHistogramPanel panel;
        panel.resize(1200, 420);
        const StftConfig config{WindowType::Hann, 1024, 256};
        panel.setStftConfig(config);
        QSignalSpy computed(&panel, &PhaseHistogramPanel::computed);
        panel.setChannels(a);
        panel.setSignal(std::make_shared<Eigen::ArrayXf>(a->mono()), a->sampleRate);
        QVERIFY(computed.wait(30000));
        QTRY_VERIFY(!panel.isComputing());
        QVERIFY(panel.ipdResult());
        Stft stft(config);
        const vonmises::Fit f = interChannelPhaseFit(stft.analyse(a->channel(0)), stft.analyse(a->channel(1)), 0, -1, 0, -1, 40);
        QVERIFY2(std::abs(panel.ipdResult()->fit.kappa - f.kappa) < 1e-6 * f.kappa,
                 qPrintable(QString("%1 vs %2").arg(panel.ipdResult()->fit.kappa).arg(f.kappa)));
        auto charts = panel.findChildren<QChartView*>();
        QVERIFY(charts[2]->isVisibleTo(&panel));
        QCOMPARE(charts[2]->chart()->series().size(), 3);
        QVERIFY(panel.summaryText().contains("IPD"));
        QDir().mkpath("screenshots");
        QVERIFY(panel.grab().save("screenshots/phase_histogram_stereo.png"));
        QTemporaryDir dir;
        QVERIFY(panel.exportCsv(dir.filePath("h.csv")));
        QFile csv(dir.filePath("h.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QStringList lines = QString(csv.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3 + 72);
        QCOMPARE(lines[2].split(',').size(), 8);
        // Back to a mono signal: no IPD chart.
        panel.setChannels(nullptr);
        QVERIFY(charts[2]->isHidden());
    }
};

QTEST_MAIN(TestPhaseHistogram)
#include "test_widgets_phase_histogram.moc"
