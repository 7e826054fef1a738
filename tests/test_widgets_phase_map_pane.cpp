// PhaseMapPane: centred phase near 0 and kappa high on the partials of a two-tone signal,
// masked silence, zoom requirement on long views, shared viewport, read-out.
#include <QTemporaryDir>
#include <QtTest>

#include "core/io/audio.h"
#include "core/phase/inter_channel.h"
#include "widgets/panning_map_image.h"
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
    // Stereo: the IPD of the stereo speech set's spk2 image (right channel 5 samples late) follows the
    // slope 2 pi 5 f / fs; the ILD is its pan's (spk2 at +0.6: the right louder, about -9.6 dB) and
    // a mono signal gets a note instead of a map.
    void interChannelViews() {
        const auto a = std::make_shared<const Audio>(readAudio(test::sharedAudio("stereo/stereo_speech_16k_spk2.flac")));
        ViewManager view;
        view.reset(a->duration(), a->sampleRate / 2);
        view.setVisibleRange(1.0, 2.0);
        view.setFrequencyRange(0, 2000);
        PhaseMapPane pane(&view);
        pane.resize(1280, 360);
        pane.setStftConfig(StftConfig{WindowType::Hann, 1024, 256});
        pane.setSignal(std::make_shared<Eigen::ArrayXf>(a->mono()), a->sampleRate);
        pane.setStereo(a);
        QVERIFY(pane.hasStereo());
        pane.setKind(PhaseMapPane::Kind::Ipd);
        QTRY_VERIFY_WITH_TIMEOUT(pane.isUpToDate(), 20000);
        QVERIFY(pane.unit() == "rad");
        const auto& axis = view.frequencyAxis();
        int close = 0, mirrored = 0, defined = 0;
        double definedT = 0, definedHz = 0;
        for (double hz = 200; hz < 1500; hz += 15.625)
            for (double t = 1.02; t < 1.98; t += 0.016) {
                const double ipd = pane.valueAt(t, axis.toPosition(hz));
                if (std::isnan(ipd)) continue;
                ++defined;
                definedT = t, definedHz = hz;
                const double expected = 2 * M_PI * 5 * hz / a->sampleRate;
                close += std::abs(std::remainder(ipd - expected, 2 * M_PI)) < 0.5;
                mirrored += std::abs(std::remainder(ipd + expected, 2 * M_PI)) < 0.5;  // the opposite delay
            }
        qInfo("IPD within 0.5 rad of 2 pi 5 f / fs in %d of %d defined cells (of -2 pi 5 f / fs: %d)", close, defined, mirrored);
        QVERIFY(defined > 500);
        QVERIFY(close > 0.5 * defined);  // the room tail (decorrelated, -14 dB) scatters the rest
        QVERIFY(mirrored < 0.25 * defined);
        QVERIFY2(pane.readoutAt(definedT, axis.toPosition(definedHz)).contains("IPD ="), qPrintable(pane.readoutAt(definedT, axis.toPosition(definedHz))));
        QDir().mkpath("screenshots");
        QVERIFY(pane.grab().save("screenshots/phase_map_ipd.png"));

        pane.setKind(PhaseMapPane::Kind::Ild);
        QTRY_VERIFY_WITH_TIMEOUT(pane.isUpToDate(), 20000);
        const double theta = (0.6 + 1) * M_PI / 4, expected = 20 * std::log10(std::cos(theta) / std::sin(theta));
        std::vector<double> ilds;
        for (double hz = 200; hz < 1500; hz += 15.625)
            for (double t = 1.02; t < 1.98; t += 0.016)
                if (const double v = pane.valueAt(t, axis.toPosition(hz)); !std::isnan(v)) ilds.push_back(v);
        std::nth_element(ilds.begin(), ilds.begin() + std::ptrdiff_t(ilds.size() / 2), ilds.end());
        const double ild = ilds[ilds.size() / 2];
        qInfo("median ILD %.2f dB over %zu cells, the pan law says %.2f dB", ild, ilds.size(), expected);
        QVERIFY(std::abs(ild - expected) < 1.5);  // the room tail lifts the quieter channel (dry pan: test_inter_channel)
        QVERIFY(pane.grab().save("screenshots/phase_map_ild.png"));

        pane.setKind(PhaseMapPane::Kind::Pan);
        QTRY_VERIFY_WITH_TIMEOUT(pane.isUpToDate(), 20000);
        std::vector<double> pans;
        for (double hz = 200; hz < 1500; hz += 15.625)
            for (double t = 1.02; t < 1.98; t += 0.016)
                if (const double v = pane.valueAt(t, axis.toPosition(hz)); !std::isnan(v)) pans.push_back(v);
        std::nth_element(pans.begin(), pans.begin() + std::ptrdiff_t(pans.size() / 2), pans.end());
        qInfo("median pan %.3f (spk2 is panned at +0.6)", pans[pans.size() / 2]);
        QVERIFY(std::abs(pans[pans.size() / 2] - 0.6) < 0.1);

        pane.setStereo(nullptr);
        QVERIFY(!pane.hasStereo());
        QVERIFY(pane.isUpToDate());  // the note is shown
        QVERIFY(std::isnan(pane.valueAt(definedT, axis.toPosition(definedHz))));
    }

    // Two speakers panned at -0.6 and +0.6 (constant power): the panning map's energy per row, over
    // the whole file, peaks at those pan positions; the read-out gives the azimuth; CSV rows are pan
    // positions.
    void panningMapPutsEachSpeakerAtItsPan() {
        const auto a = std::make_shared<const Audio>(readAudio(test::sharedAudio("stereo/stereo_speech_16k_mix.flac")));
        ViewManager view;
        view.reset(a->duration(), a->sampleRate / 2);
        PhaseMapPane pane(&view);
        pane.resize(1280, 300);
        pane.setStftConfig(StftConfig{WindowType::Hann, 1024, 256});
        pane.setSignal(std::make_shared<Eigen::ArrayXf>(a->mono()), a->sampleRate);
        pane.setStereo(a);
        pane.setKind(PhaseMapPane::Kind::PanningMap);
        QTRY_VERIFY_WITH_TIMEOUT(pane.isUpToDate(), 20000);
        QVERIFY(!pane.needsZoom());
        QCOMPARE(pane.unit(), QString("dB"));
        const FrequencyAxis axis = panningMapStyle(60).axis;
        std::vector<double> energy(kPanningMapPositions, 0.0);
        for (int row = 0; row < kPanningMapPositions; ++row)
            for (double t = 0.1; t < a->duration() - 0.1; t += 0.016) {
                const double db = pane.valueAt(t, axis.toPosition(row));
                if (!std::isnan(db)) energy[std::size_t(row)] += std::pow(10.0, db / 10);
            }
        const int centre = kPanningMapPositions / 2;
        const auto right = std::max_element(energy.begin(), energy.begin() + centre) - energy.begin();  // row 0: hard right
        const auto left = std::max_element(energy.begin() + centre + 1, energy.end()) - energy.begin();
        qInfo("panning map peaks at pan %.3f and %.3f (speakers at -0.6 and +0.6)", panningMapRowPan(double(left)),
              panningMapRowPan(double(right)));
        // Rows are 0.033 wide; the decorrelated room tail (-14 dB) moves the peaks by a few rows.
        QVERIFY(std::abs(panningMapRowPan(double(left)) + 0.6) < 0.12);
        QVERIFY(std::abs(panningMapRowPan(double(right)) - 0.6) < 0.12);
        QVERIFY(energy[std::size_t(centre)] < 0.2 * std::min(energy[std::size_t(left)], energy[std::size_t(right)]));
        const QString readout = pane.readoutAt(7.0, axis.toPosition(panningMapPanRow(-0.6)));
        QVERIFY2(readout.contains(QString("azimuth ≈ %1°").arg(panToAzimuthDegrees(panningMapRowPan(std::round(panningMapPanRow(-0.6)))), 0, 'f', 1)),
                 qPrintable(readout));
        QVERIFY(readout.contains("azimuth ≈ -1"));
        QTemporaryDir dir;
        QVERIFY(pane.exportCsv(dir.filePath("pan.csv")));
        QFile csv(dir.filePath("pan.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(csv.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2 + kPanningMapPositions);
        QVERIFY(lines[1].startsWith("pan,azimuth_deg,"));
        QVERIFY2(lines[2].startsWith("0.9836,29.365,"), qPrintable(lines[2].left(30)));  // row 0: hard right
        QVERIFY(lines[2 + kPanningMapPositions / 2].startsWith("0.0000,0.000,"));
        QVERIFY(lines.last().startsWith("-0.9836,-29.365,"));
        QVERIFY(pane.exportPng(dir.filePath("pan.png"), {800, 400}));
        QCOMPARE(QImage(dir.filePath("pan.png")).size(), QSize(800, 400));
        QDir().mkpath("screenshots");
        QVERIFY(pane.grab().save("screenshots/phase_map_panning.png"));
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
