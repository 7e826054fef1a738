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
#include "core/recovery/repeated_attack.h"
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

    // Repeated-attack model (§4.3): onsets that are delayed, scaled copies of one event are fitted
    // exactly; the slopes give the delays (relative to onset 0) to a fraction of a sample.
    void repeatedAttackRecoversDelays() {
        const int nfft = 1024;
        StftConfig c;
        c.windowLength = nfft;
        c.hop = 256;
        Stft stft(c);
        const Eigen::ArrayXf event = notes({0.01}, 0.12).head(nfft);
        const Eigen::ArrayXcf X0 = stft.analyse(event).col(2);
        const std::vector<double> delays{0, 37, -20, 85.5}, gains{1, 0.5, 2, 0.8};
        Spectrogram Y(X0.size(), Eigen::Index(delays.size()));
        const Eigen::ArrayXd bins = Eigen::ArrayXd::LinSpaced(X0.size(), 0, double(X0.size() - 1));
        for (std::size_t m = 0; m < delays.size(); ++m)
            Y.col(Eigen::Index(m)) = X0 * (gains[m] * (std::complex<double>(0, -2 * M_PI * delays[m] / nfft) * bins).exp()).cast<std::complex<float>>();
        const RepeatedAttackFit fit = fitRepeatedAttack(Y, {Y.abs()}, RepeatedAttackParams{0.2, 30});
        QCOMPARE(int(fit.slope.size()), 1);
        QCOMPARE(fit.slope[0][0], 0.0f);
        for (std::size_t m = 1; m < delays.size(); ++m) {
            const double eta = delaySamples(fit.slope[0][Eigen::Index(m)], nfft);
            QVERIFY2(std::abs(eta - delays[m]) < 0.05, qPrintable(QString("onset %1: %2 samples").arg(m).arg(eta)));
        }
        QVERIFY(fit.cost.back() < 1e-6 * Y.abs2().cast<double>().sum());
        // the fitted phases reproduce the observation
        QVERIFY(((Y.abs() * polar(Magnitudes::Ones(Y.rows(), Y.cols()), fit.phases[0]) - Y).abs().maxCoeff()) <
                1e-3f * Y.abs().maxCoeff());
    }

    // Two repeated events in a mixture: the relaxed cost falls well below the mixture energy and the
    // per-source delays come out right.
    void repeatedAttackSeparatesTwoEvents() {
        const int nfft = 1024;
        StftConfig c;
        c.windowLength = nfft;
        c.hop = 256;
        Stft stft(c);
        const Eigen::ArrayXcf X1 = stft.analyse(notes({0.01}, 0.12).head(nfft)).col(2);
        const Eigen::ArrayXcf X2 = stft.analyse(test::whiteNoise(nfft, 4, 0.05f) * makeWindow(WindowType::Hann, nfft)).col(2);
        const std::vector<double> d1{0, 12, 40}, d2{0, -30, 7};
        const Eigen::ArrayXd bins = Eigen::ArrayXd::LinSpaced(X1.size(), 0, double(X1.size() - 1));
        Spectrogram S1(X1.size(), 3), S2(X1.size(), 3);
        for (int m = 0; m < 3; ++m) {
            S1.col(m) = X1 * (std::complex<double>(0, -2 * M_PI * d1[m] / nfft) * bins).exp().cast<std::complex<float>>();
            S2.col(m) = X2 * (std::complex<double>(0, -2 * M_PI * d2[m] / nfft) * bins).exp().cast<std::complex<float>>();
        }
        const Spectrogram Y = S1 + S2;
        const RepeatedAttackFit fit = fitRepeatedAttack(Y, {S1.abs(), S2.abs()}, RepeatedAttackParams{0.2, 200});
        const double energy = Y.abs2().cast<double>().sum();
        qInfo("relaxed cost %.3g of mixture energy %.3g", fit.cost.back(), energy);
        QVERIFY(fit.cost.back() < 0.05 * energy);
        QVERIFY(fit.cost.back() <= fit.cost.front());
        for (int m = 1; m < 3; ++m) {
            QVERIFY2(std::abs(delaySamples(fit.slope[0][m], nfft) - d1[m]) < 1, qPrintable(QString::number(delaySamples(fit.slope[0][m], nfft))));
            QVERIFY2(std::abs(delaySamples(fit.slope[1][m], nfft) - d2[m]) < 1, qPrintable(QString::number(delaySamples(fit.slope[1][m], nfft))));
        }
        QVERIFY_THROWS_EXCEPTION(InputError, fitRepeatedAttack(Y, {S1.abs().topRows(10)}, {}));
        QVERIFY_THROWS_EXCEPTION(InputError, fitRepeatedAttack(Y, {}, {}));
        QVERIFY_THROWS_EXCEPTION(InputError, fitRepeatedAttack(Y, {S1.abs()}, RepeatedAttackParams{-1, 5}));
        const Spectrogram picked = selectFrames(Y, {2, 0});
        QVERIFY((picked.col(0) == Y.col(2)).all() && (picked.col(1) == Y.col(0)).all());
        QVERIFY_THROWS_EXCEPTION(InputError, selectFrames(Y, {3}));
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
