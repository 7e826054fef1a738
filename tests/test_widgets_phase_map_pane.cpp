// PhaseMapPane: centred phase near 0 and kappa high on the partials of a two-tone signal,
// masked silence, zoom requirement on long views, shared viewport, read-out.
#include <QTemporaryDir>
#include <QtTest>

#include "core/io/audio.h"
#include "widgets/phase_map_pane.h"
#include "widgets/view_manager.h"
#include "test_support.h"

using namespace phaselab;

class TestPhaseMapPane : public QObject {
    Q_OBJECT
private slots:
    void centredPhaseAndKappaOnPartials() {
        const Audio a = readAudio(test::sharedAudio("twotone_16k_mix.wav"));  // 440 Hz + 1320 Hz from 0.5 s
        ViewManager view;
        view.reset(a.duration(), a.sampleRate / 2);
        view.setVisibleRange(0.8, 1.3);
        view.setFrequencyRange(0, 2000);
        PhaseMapPane pane(&view);
        pane.resize(900, 300);
        QSignalSpy rendered(&pane, &PhaseMapPane::rendered);
        pane.setStftConfig(StftConfig{WindowType::Hann, 1024, 256});
        pane.setSignal(std::make_shared<Eigen::ArrayXf>(a.mono()), a.sampleRate);
        pane.setKind(PhaseMapPane::Kind::Centred);
        QTRY_VERIFY_WITH_TIMEOUT(pane.isUpToDate(), 20000);
        const auto& axis = view.frequencyAxis();
        for (double hz : {440.0, 1320.0}) {
            const double psi = pane.valueAt(1.0, axis.toPosition(hz));
            QVERIFY2(std::abs(psi) < 0.3, qPrintable(QString("psi at %1 Hz = %2").arg(hz).arg(psi)));
        }
        QVERIFY(std::isnan(pane.valueAt(1.0, axis.toPosition(1800))));  // nothing there: masked
        QVERIFY(pane.readoutAt(1.0, axis.toPosition(440)).contains("ψ ="));
        QDir().mkpath("screenshots");
        QVERIFY(pane.grab().save("screenshots/phase_map_centred.png"));
        QTemporaryDir dir;
        QVERIFY(pane.exportPng(dir.filePath("centred.png"), QSize(800, 400)));
        QCOMPARE(QImage(dir.filePath("centred.png")).size(), QSize(800, 400));
        QVERIFY(pane.exportCsv(dir.filePath("centred.csv")));
        QFile csv(dir.filePath("centred.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QStringList lines = QString(csv.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2 + 513);  // comment, header, one row per bin (1024-point FFT)
        QVERIFY(lines[1].startsWith("frequency_hz,"));
        const QStringList row440 = lines[2 + 28].split(',');  // bin 28 = 437.5 Hz
        QCOMPARE(row440[0], QString("437.500"));
        QVERIFY(std::abs(row440[row440.size() / 2].toDouble()) < 0.3);  // psi ~ 0 on the partial

        pane.setKind(PhaseMapPane::Kind::Kappa);
        QTRY_VERIFY_WITH_TIMEOUT(pane.isUpToDate(), 20000);
        QVERIFY2(pane.valueAt(1.0, axis.toPosition(440)) > 10, qPrintable(QString::number(pane.valueAt(1.0, axis.toPosition(440)))));
        QVERIFY(pane.grab().save("screenshots/phase_map_kappa.png"));

        pane.setKind(PhaseMapPane::Kind::InstantaneousFrequency);
        QTRY_VERIFY_WITH_TIMEOUT(pane.isUpToDate(), 20000);
        // The bin next to 440 Hz (437.5 Hz at 15.625 Hz per bin) points at 440 Hz: deviation +2.5 Hz.
        QVERIFY(std::abs(pane.valueAt(1.0, axis.toPosition(437.5)) - 2.5) < 1.0);

        // Following the shared view: a new visible range re-renders.
        view.setVisibleRange(1.2, 1.6);
        QVERIFY(!pane.isUpToDate());
        QTRY_VERIFY_WITH_TIMEOUT(pane.isUpToDate(), 20000);
    }
    void longViewsAskToZoomIn() {
        ViewManager view;
        view.reset(120, 8000);
        PhaseMapPane pane(&view);
        pane.resize(800, 200);
        pane.setSignal(std::make_shared<Eigen::ArrayXf>(test::whiteNoise(120 * 16000, 1)), 16000);
        QVERIFY(pane.needsZoom());
        view.setVisibleRange(10, 12);
        QVERIFY(!pane.needsZoom());
        QTRY_VERIFY_WITH_TIMEOUT(pane.isUpToDate(), 20000);
    }
};

QTEST_MAIN(TestPhaseMapPane)
#include "test_widgets_phase_map_pane.moc"
