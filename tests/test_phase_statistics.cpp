// Phase histograms, von Mises fits on real spectrograms, and the kappa map.
#include <QtTest>
#include <numbers>

#include "core/common/error.h"
#include "core/phase/phase_statistics.h"
#include "core/phase/sinusoidal.h"
#include "test_support.h"

using namespace phaselab;

class TestPhaseStatistics : public QObject {
    Q_OBJECT
private slots:
    void fastInverseMatchesNewton() {
        for (double r : {0.001, 0.05, 0.2, 0.5, 0.8, 0.95, 0.99, 0.998}) {
            const double exact = vonmises::kappaFromMeanResultant(r);
            QVERIFY2(std::abs(kappaFromMeanResultantFast(r) - exact) <= 1e-4 * exact, qPrintable(QString::number(r)));
        }
        QCOMPARE(kappaFromMeanResultantFast(-1), 0.0);
        QCOMPARE(kappaFromMeanResultantFast(1), 1000.0);
    }

    // The block-wise histograms of a signal equal those of its whole spectrogram, bit for bit, for
    // regions inside one block, across blocks, at the signal's start and its end; cancel stops it.
    void histogramsOfSignalEqualWholeSpectrogram() {
        const StftConfig c{WindowType::Hann, 512, 128};
        const Eigen::ArrayXf x = test::sine(16000 * 6, 440.7, 16000, 0.3) + test::whiteNoise(16000 * 6, 9, 0.05f);
        const Spectrogram S = Stft(c).analyse(x);
        PhaseRegion whole, inside, across, tail;
        inside.firstFrame = 10, inside.lastFrame = 90;
        across.firstFrame = 200, across.lastFrame = 600, across.firstBin = 5, across.lastBin = 60, across.rangeDb = 50;
        tail.firstFrame = 700;
        for (const PhaseRegion& r : {whole, inside, across, tail}) {
            const PhaseHistograms a = phaseHistograms(S, c.hop, c.fft(), r), b = phaseHistogramsOfSignal(x, c, r);
            QCOMPARE(b.samples, a.samples);
            QVERIFY(a.samples > 1000);
            QVERIFY(b.raw.density == a.raw.density && b.centred.density == a.centred.density);
            QCOMPARE(b.raw.fit.kappa, a.raw.fit.kappa);
            QCOMPARE(b.centred.fit.kappa, a.centred.fit.kappa);
            QCOMPARE(b.centred.rayleighP, a.centred.rayleighP);
        }
        std::atomic<bool> cancel{true};
        RunControl run;
        run.cancel = &cancel;
        QVERIFY_THROWS_EXCEPTION(Cancelled, phaseHistogramsOfSignal(x, c, whole, 72, run));
    }

    void sinusoidIsConcentratedNoiseIsNot() {
        const double sr = 16000;
        const StftConfig c{WindowType::Hann, 1024, 256};
        Stft stft(c);
        const Spectrogram tone = stft.analyse(test::sine(48000, 1000.3, sr, 0.5));
        const Spectrogram noise = stft.analyse(test::whiteNoise(48000, 3, 0.1f));

        const int k = int(std::lround(1000.3 * c.fft() / sr));
        PhaseRegion around;
        around.firstBin = k - 2;
        around.lastBin = k + 2;
        around.firstFrame = 5;
        around.lastFrame = 180;
        const PhaseHistograms t = phaseHistograms(tone, c.hop, c.fft(), around);
        QVERIFY2(t.centred.fit.kappa > 10, qPrintable(QString::number(t.centred.fit.kappa)));
        QVERIFY(t.centred.klVonMises < t.centred.klUniform);
        QVERIFY(t.centred.rayleighP < 1e-6);
        // The raw phase of a sinusoid wraps around the circle: close to uniform.
        QVERIFY(t.raw.fit.kappa < 1.0);

        const PhaseHistograms n = phaseHistograms(noise, c.hop, c.fft(), PhaseRegion{});
        QVERIFY2(n.raw.fit.kappa < 0.05, qPrintable(QString::number(n.raw.fit.kappa)));
        // Overlapping frames share samples, so even noise has some frame-to-frame phase coherence:
        // centred kappa ~0.7 at 75 % overlap, falling towards 0 as the overlap shrinks.
        QVERIFY2(n.centred.fit.kappa < 1.0, qPrintable(QString::number(n.centred.fit.kappa)));
        Stft half(StftConfig{WindowType::Hann, 1024, 512});
        const PhaseHistograms n2 = phaseHistograms(half.analyse(test::whiteNoise(48000, 3, 0.1f)), 512, 1024, PhaseRegion{});
        QVERIFY2(n2.centred.fit.kappa < 0.25, qPrintable(QString::number(n2.centred.fit.kappa)));
        QVERIFY(n2.centred.fit.kappa < n.centred.fit.kappa);
        QVERIFY(n.centred.rayleighP < 1e-6);
        double integral = 0;
        for (double d : n.raw.density) integral += d * n.raw.width;
        QVERIFY(std::abs(integral - 1) < 1e-9);
        QCOMPARE(int(n.raw.centres.size()), 72);

        // kappa map: high around the partial, low on noise.
        const Magnitudes toneMap = kappaMap(sinusoidal::centredPhase(tone, c.hop, c.fft()), tone.abs());
        const Magnitudes noiseMap = kappaMap(sinusoidal::centredPhase(noise, c.hop, c.fft()), noise.abs());
        QVERIFY2(toneMap(k, 90) > 10, qPrintable(QString::number(toneMap(k, 90))));
        double sum = 0;
        int count = 0;
        for (Eigen::Index i = 0; i < noiseMap.size(); ++i)
            if (std::isfinite(noiseMap(i))) { sum += noiseMap(i); ++count; }
        QVERIFY(count > noiseMap.size() / 2);
        QVERIFY2(sum / count < 1.5, qPrintable(QString::number(sum / count)));  // overlap coherence + small-sample bias
        QVERIFY(std::isnan(toneMap(400, 90)));  // far from the partial: below the level floor
    }

    void badRegions() {
        Stft stft(StftConfig{WindowType::Hann, 256, 64});
        const Spectrogram S = stft.analyse(test::whiteNoise(4000, 1));
        PhaseRegion empty;
        empty.firstFrame = 10;
        empty.lastFrame = 5;
        QVERIFY_THROWS_EXCEPTION(InputError, phaseHistograms(S, 64, 256, empty));
        const Spectrogram silent = Spectrogram::Zero(S.rows(), S.cols());
        QVERIFY_THROWS_EXCEPTION(InputError, phaseHistograms(silent, 64, 256, PhaseRegion{}));
        QVERIFY_THROWS_EXCEPTION(InputError, kappaMap(Magnitudes(3, 3), Magnitudes(3, 4)));
    }
};

QTEST_GUILESS_MAIN(TestPhaseStatistics)
#include "test_phase_statistics.moc"
