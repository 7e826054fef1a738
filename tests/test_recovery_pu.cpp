// Phase unwrapping recovery and onset detection (core/recovery/pu.h, onsets.h; algorithms.md §4):
// onsets of synthetic notes, PU on stationary sinusoids, phase-reference independence, PU as the
// initial phase of Griffin-Lim.
#include <QtTest>
#include <cmath>

#include "core/common/error.h"
#include "core/io/audio.h"
#include "core/recovery/griffin_lim.h"
#include "core/recovery/onsets.h"
#include "core/recovery/pu.h"
#include "test_support.h"

using namespace phaselab;
using namespace phaselab::recovery;

namespace {

constexpr double fs = 16000;

// Decaying harmonic notes starting at `onsets` seconds over a faint noise floor.
Eigen::ArrayXf notes(const std::vector<double>& onsets, double seconds) {
    Eigen::ArrayXf x = test::whiteNoise(Eigen::Index(seconds * fs), 9, 1e-4f);
    double f0 = 220;
    for (double start : onsets) {
        const Eigen::Index s0 = Eigen::Index(start * fs);
        for (Eigen::Index n = s0; n < x.size(); ++n) {
            const double t = double(n - s0) / fs;
            double v = 0;
            for (int h = 1; h <= 4; ++h) v += std::sin(2 * M_PI * h * f0 * t) / h;
            x[n] += float(0.3 * std::exp(-t / 0.25) * v);
        }
        f0 *= 1.26;
    }
    return x;
}

}  // namespace

class TestRecoveryPu : public QObject {
    Q_OBJECT
private slots:
    // Every note onset is flagged within ±2 frames (the analysis window spans ±2 hops) and nothing else.
    void onsetsOfSyntheticNotes() {
        const std::vector<double> times{0.5, 1.25, 2.0, 2.75};
        StftConfig c;
        c.windowLength = 1024;
        c.hop = 256;
        Stft stft(c);
        const Magnitudes V = stft.analyse(notes(times, 3.5)).abs();
        const Onsets o = detectOnsets(V, c, OnsetParams{fs, 0.1});
        QCOMPARE(int(o.isOnset.size()), int(V.cols()));
        QStringList found;
        for (int f : o.frames) found << QString::number(f);
        for (double t : times) {
            const int expected = int(std::lround(t * fs / c.hop));
            bool hit = false;
            for (int f : o.frames) hit |= std::abs(f - expected) <= 2;
            QVERIFY2(hit, qPrintable(QString("onset at frame %1 not found; found %2").arg(expected).arg(found.join(","))));
        }
        for (int f : o.frames) {
            bool near = false;
            for (double t : times) near |= std::abs(f - int(std::lround(t * fs / c.hop))) <= 2;
            QVERIFY2(near, qPrintable(QString("spurious onset at frame %1; found %2").arg(f).arg(found.join(","))));
        }
        QVERIFY((o.novelty >= 0).all());
        QVERIFY_THROWS_EXCEPTION(InputError, detectOnsets(V, c, OnsetParams{0, 0.1}));
    }

    // A sum of stationary sinusoids is rebuilt from its magnitude by PU far better than with a zero
    // phase (which would make every frame a centred pulse).
    void puRebuildsStationarySinusoids() {
        const Eigen::ArrayXf x = test::sine(32000, 440.3, fs, 0.3) + test::sine(32000, 1234.5, fs, 0.2, 1.0);
        StftConfig c;
        c.windowLength = 1024;
        c.hop = 256;
        Stft stft(c);
        const Magnitudes V = stft.analyse(x).abs();
        PuParams p;
        p.sampleRate = fs;
        const RecoveryResult pu = phaseUnwrapping(V, x.size(), c, p);
        GriffinLimParams zero;
        zero.iterations = 1;
        const RecoveryResult z = griffinLim(V, x.size(), c, zero);
        qInfo("PU %.2f dB, zero phase %.2f dB", pu.spectralConvergenceDb, z.trace[0].spectralConvergenceDb);
        QVERIFY2(pu.spectralConvergenceDb < -20, qPrintable(QString::number(pu.spectralConvergenceDb)));
        QVERIFY(pu.spectralConvergenceDb < z.trace[0].spectralConvergenceDb - 10);
        QCOMPARE(pu.iterations, 1);
        QCOMPARE(int(pu.trace.size()), 1);
    }

    // The restart phase is a zero phase at the frame centre whatever the Stft's phase reference, so
    // the rebuilt signal does not depend on StftConfig::zeroPhase.
    void independentOfPhaseReference() {
        const Eigen::ArrayXf x = notes({0.2, 0.7}, 1.2);
        Eigen::ArrayXf y[2];
        for (bool zp : {true, false}) {
            StftConfig c;
            c.windowLength = 1024;
            c.hop = 256;
            c.zeroPhase = zp;
            Stft stft(c);
            PuParams p;
            p.sampleRate = fs;
            y[zp] = phaseUnwrapping(stft.analyse(x).abs(), x.size(), c, p).signal;
        }
        QVERIFY2((y[0] - y[1]).abs().maxCoeff() < 1e-3f * y[1].abs().maxCoeff(),
                 qPrintable(QString::number((y[0] - y[1]).abs().maxCoeff())));
    }

    // PU as initialiser beats zero and random initial phases at equal GL iterations (speech excerpt).
    void puInitialisationHelpsGriffinLim() {
        const Audio a = readAudio(test::sharedAudio("speech_noise_16k_speech.wav"), ReadOptions{Channels::Mono});
        const Eigen::ArrayXf x = a.data.col(0).head(Eigen::Index(4 * fs));
        StftConfig c;
        c.windowLength = 1024;
        c.hop = 256;
        Stft stft(c);
        const Magnitudes V = stft.analyse(x).abs();
        double sc[3];
        int i = 0;
        for (auto kind : {InitialPhaseKind::Zero, InitialPhaseKind::Random, InitialPhaseKind::Pu}) {
            GriffinLimParams p;
            p.iterations = 20;
            p.init.kind = kind;
            p.init.seed = 1;
            p.init.pu.sampleRate = fs;
            sc[i++] = griffinLim(V, x.size(), c, p).spectralConvergenceDb;
        }
        qInfo("GL 20 iterations: zero %.2f, random %.2f, PU %.2f dB", sc[0], sc[1], sc[2]);
        QVERIFY(sc[2] < sc[0] - 1 && sc[2] < sc[1] - 1);
    }

    void badParameters() {
        StftConfig c;
        c.windowLength = 1024;
        c.hop = 256;
        const Magnitudes V = Magnitudes::Constant(513, 10, 1.0f);
        PuParams p;
        p.peakFloorDb = 3;
        QVERIFY_THROWS_EXCEPTION(InputError, phaseUnwrapping(V, 9 * 256, c, p));
        p = PuParams{};
        QVERIFY_THROWS_EXCEPTION(InputError, phaseUnwrapping(V, 20 * 256, c, p));  // shape
        const PuParams q = puParamsFrom({{"onsets", 0.0}, {"peak-floor", -60.0}}, 22050);
        QVERIFY(!q.onsets);
        QCOMPARE(q.peakFloorDb, -60.0);
        QCOMPARE(q.sampleRate, 22050.0);
        QVERIFY_THROWS_EXCEPTION(InputError, puParamsFrom({{"peak-floor", 5.0}}, 22050));
    }
};

QTEST_APPLESS_MAIN(TestRecoveryPu)
#include "test_recovery_pu.moc"
