// STFT: agreement with a naive DFT, perfect reconstruction, consistency projection, framing,
// invalid configurations.
#include <QtTest>
#include <complex>

#include "core/common/error.h"
#include "core/tf/stft.h"
#include "test_support.h"

using namespace phaselab;

namespace {

// Slow reference: X(f,t) = sum_n x(t*hop + n - N/2) w(n) exp(-2 pi i f m(n) / Nfft), in double.
std::complex<double> naiveBin(const Eigen::ArrayXf& x, const StftConfig& c, Eigen::Index t, int f) {
    const Eigen::ArrayXf w = makeWindow(c.window, c.windowLength);
    std::complex<double> acc = 0;
    for (int n = 0; n < c.windowLength; ++n) {
        const Eigen::Index s = t * c.hop + n - c.windowLength / 2;
        if (s < 0 || s >= x.size()) continue;
        const int m = c.zeroPhase ? n - c.windowLength / 2 : n;
        acc += double(x[s]) * double(w[n]) * std::polar(1.0, -2.0 * M_PI * f * m / c.fft());
    }
    return acc;
}

QList<StftConfig> configurations() {
    return {StftConfig{WindowType::Hann, 2048, 512, 0, true},    StftConfig{WindowType::Hann, 1024, 256, 0, false},
            StftConfig{WindowType::SqrtHann, 1024, 512, 0, true}, StftConfig{WindowType::Hamming, 1000, 250, 1024, true},
            StftConfig{WindowType::Blackman, 256, 64, 512, false}, StftConfig{WindowType::Hann, 513, 100, 1024, true},
            StftConfig{WindowType::Gauss, 2048, 256, 0, true}};
}

double omegaInner(const Spectrogram& a, const Spectrogram& b) {
    Eigen::ArrayXd w = Eigen::ArrayXd::Constant(a.rows(), 2.0);
    w[0] = 1;
    w[a.rows() - 1] = 1;
    return ((a.conjugate() * b).real().cast<double>().colwise() * w).sum();
}

}  // namespace

class TestStft : public QObject {
    Q_OBJECT
private slots:
    // The truncated Gaussian: 1 at the centre, 1 % at the ends, symmetric, by its name.
    void gaussWindowIsTheTruncatedGaussian() {
        for (int n : {256, 2048}) {
            const Eigen::ArrayXf w = makeWindow(WindowType::Gauss, n);
            QCOMPARE(w(n / 2), 1.0f);
            QVERIFY(std::abs(w(0) - 0.01f) < 1e-6f);
            for (int k = 1; k < n / 2; ++k) QVERIFY(std::abs(w(n / 2 - k) - w(n / 2 + k)) < 1e-6f);
            const double gamma = -M_PI * n * n / (4 * std::log(0.01));
            QVERIFY(std::abs(w(n / 4) - float(std::exp(-M_PI * (n / 4.0) * (n / 4.0) / gamma))) < 1e-6f);
        }
        QCOMPARE(windowFromName("gauss"), WindowType::Gauss);
        QCOMPARE(int(allWindows().size()), 5);
    }

    void matchesNaiveDft() {
        const Eigen::ArrayXf x = test::whiteNoise(5000, 3);
        for (const auto& c : configurations()) {
            Stft stft(c);
            const Spectrogram S = stft.analyse(x);
            QCOMPARE(S.rows(), Eigen::Index(c.bins()));
            QCOMPARE(S.cols(), Eigen::Index(1 + x.size() / c.hop));
            double worst = 0, scale = 0;
            for (Eigen::Index t : {Eigen::Index(0), Eigen::Index(1), S.cols() / 2, S.cols() - 1})
                for (int f = 0; f < c.bins(); f += 7) {
                    const auto ref = naiveBin(x, c, t, f);
                    worst = std::max(worst, std::abs(ref - std::complex<double>(S(f, t))));
                    scale = std::max(scale, std::abs(ref));
                }
            QVERIFY2(worst < 1e-5 * scale, qPrintable(QString::fromStdString(c.describe()) + QString(" rel err %1").arg(worst / scale)));
        }
    }

    void zeroPhaseConvention() {
        // An impulse at a frame centre has zero phase in every bin (zeroPhase = true).
        StftConfig c{WindowType::Hann, 512, 128, 0, true};
        Eigen::ArrayXf x = Eigen::ArrayXf::Zero(4096);
        x[10 * 128] = 1;
        Stft stft(c);
        const Spectrogram S = stft.analyse(x);
        QVERIFY(S.col(10).imag().abs().maxCoeff() < 1e-6f);
        QVERIFY(S.col(10).real().minCoeff() > 0.99f);
    }

    void perfectReconstruction() {
        const Eigen::ArrayXf x = test::whiteNoise(12345, 11, 0.3f);
        for (const auto& c : configurations())
            for (int threads : {1, 2}) {
                Stft stft(c, threads);
                const Eigen::ArrayXf y = stft.synthesise(stft.analyse(x), x.size());
                QCOMPARE(y.size(), x.size());
                const float err = (x - y).abs().maxCoeff();
                QVERIFY2(err < 2e-6f, qPrintable(QString::fromStdString(c.describe()) + QString(" err %1").arg(err)));
            }
    }

    void longSignalsReconstructAcrossEnvelopeBlocks() {
        // The synthesis envelope is built 65536 samples at a time: 200003 samples cross three block
        // boundaries, with frames straddling each.
        const Eigen::ArrayXf x = test::whiteNoise(200003, 5, 0.3f);
        for (const StftConfig& c : {StftConfig{WindowType::Hann, 2048, 512}, StftConfig{WindowType::Hann, 1000, 300}}) {
            Stft stft(c);
            const float err = (x - stft.synthesise(stft.analyse(x), x.size())).abs().maxCoeff();
            QVERIFY2(err < 2e-6f, qPrintable(QString::fromStdString(c.describe()) + QString(" err %1").arg(err)));
        }
    }

    void shortSignalsReconstruct() {
        for (Eigen::Index n : {1, 7, 100, 511, 512, 513}) {
            const Eigen::ArrayXf x = test::whiteNoise(n, unsigned(n));
            Stft stft(StftConfig{WindowType::Hann, 512, 128});
            QVERIFY((x - stft.synthesise(stft.analyse(x), n)).abs().maxCoeff() < 1e-5f);
        }
    }

    void threadsGiveIdenticalResults() {
        const Eigen::ArrayXf x = test::whiteNoise(44100, 5);
        Stft one(StftConfig{}, 1), two(StftConfig{}, 2);
        const Spectrogram a = one.analyse(x), b = two.analyse(x);
        QVERIFY((a == b).all());
        QVERIFY((one.synthesise(a, x.size()) - two.synthesise(a, x.size())).abs().maxCoeff() < 1e-7f);
    }

    void frameRangeMatchesWholeAnalysis() {
        const StftConfig c{WindowType::Hann, 1024, 256};
        const Eigen::ArrayXf x = test::whiteNoise(20000, 9);
        Stft stft(c);
        const Spectrogram all = stft.analyse(x);
        const Eigen::Index first = 30, count = 12;
        const Eigen::Index s0 = first * c.hop - c.windowLength / 2, s1 = (first + count - 1) * c.hop + c.windowLength / 2;
        Spectrogram part;
        stft.analyseFrames(x.segment(s0, s1 - s0), s0, first, count, part);
        QVERIFY((part - all.middleCols(first, count)).abs().maxCoeff() < 1e-6f);
    }

    void projectionIsIdempotentAndOrthogonal() {
        const StftConfig c{WindowType::Hann, 512, 128};
        Stft stft(c);
        const Eigen::Index L = 8000;
        const Eigen::Index F = c.bins(), T = stft.frameCount(L);
        std::mt19937 g(4);
        std::normal_distribution<float> d;
        Spectrogram Z(F, T), Y(F, T);
        for (Eigen::Index i = 0; i < Z.size(); ++i) {
            Z(i) = {d(g), d(g)};
            Y(i) = {d(g), d(g)};
        }
        Z.row(0).imag().setZero();
        Z.row(F - 1).imag().setZero();
        Spectrogram GZ = Z, GGZ, GY = Y;
        stft.project(GZ, L);
        GGZ = GZ;
        stft.project(GGZ, L);
        stft.project(GY, L);
        QVERIFY((GGZ - GZ).abs().maxCoeff() < 1e-4f * GZ.abs().maxCoeff());
        // <Z - GZ, GY>_omega = 0: G is the omega-orthogonal projector onto consistent arrays.
        const double cross = omegaInner(Z - GZ, GY);
        QVERIFY2(std::abs(cross) < 1e-4 * std::sqrt(omegaInner(Z, Z) * omegaInner(GY, GY)), qPrintable(QString::number(cross)));
        // The inconsistency of a consistent spectrogram is ~0; of random noise, large.
        QVERIFY(inconsistency(stft, GZ, L).relative < 1e-8);
        QVERIFY(inconsistency(stft, Z, L).relative > 0.5);
        // The map's energy is the inconsistency; zero for a consistent array.
        QVERIFY(std::abs(inconsistencyMap(stft, Z, L).cast<double>().square().sum() / inconsistency(stft, Z, L).absolute - 1) < 1e-4);
        QVERIFY(inconsistencyMap(stft, GZ, L).maxCoeff() < 1e-4f * GZ.abs().maxCoeff());
    }

    void spectralConvergence() {
        Magnitudes V = Magnitudes::Constant(3, 4, 2.0f);
        Spectrogram S = (V * 1.1f).cast<std::complex<float>>();
        QVERIFY(std::abs(spectralConvergenceDb(S, V) - 20 * std::log10(0.1)) < 1e-4);
        QVERIFY_THROWS_EXCEPTION(InputError, spectralConvergenceDb(S, Magnitudes::Zero(3, 4)));
    }

    void invalidConfigurationsAreRejected() {
        QVERIFY_THROWS_EXCEPTION(InputError, Stft(StftConfig{WindowType::Hann, 1024, 600}));   // hop > N/2
        QVERIFY_THROWS_EXCEPTION(InputError, Stft(StftConfig{WindowType::Hann, 1024, 0}));     // hop 0
        QVERIFY_THROWS_EXCEPTION(InputError, Stft(StftConfig{WindowType::Hann, 1024, 256, 512}));  // fft < window
        QVERIFY_THROWS_EXCEPTION(InputError, Stft(StftConfig{WindowType::Hann, 1024, 256, 1025}));  // odd fft
        QVERIFY_THROWS_EXCEPTION(InputError, Stft(StftConfig{WindowType::Hann, 2, 1}));
        try {
            Stft(StftConfig{WindowType::Hann, 1024, 600});
        } catch (const InputError& e) {
            QVERIFY(QString(e.what()).contains("hop 600"));
        }
        Stft stft(StftConfig{WindowType::Hann, 512, 128});
        QVERIFY_THROWS_EXCEPTION(InputError, stft.synthesise(Spectrogram(257, 5), 10000));  // wrong frame count
        QVERIFY_THROWS_EXCEPTION(InputError, windowFromName("kaiser"));
    }

    void helpers() {
        Spectrogram S(1, 2);
        S << std::complex<float>(3, 4), std::complex<float>(0, 0);
        QCOMPARE(magnitude(S)(0, 0), 5.0f);
        QCOMPARE(power(S)(0, 0), 25.0f);
        QCOMPARE(magnitudeDb(magnitude(S), -100)(0, 1), -100.0f);
        const Spectrogram back = polar(magnitude(S), phaseOf(S));
        QVERIFY(std::abs(back(0, 0) - S(0, 0)) < 1e-5f);
        // A full-scale sinusoid on a bin centre reads 0 dBFS.
        Stft stft(StftConfig{WindowType::Hann, 1024, 256});
        const Eigen::ArrayXf x = test::sine(16384, 16000.0 * 64 / 1024, 16000, 1.0);
        const Magnitudes m = magnitude(stft.analyse(x)) / stft.fullScaleMagnitude();
        QVERIFY(std::abs(20 * std::log10(m(64, 30))) < 0.01);
    }
};

QTEST_GUILESS_MAIN(TestStft)
#include "test_stft.moc"
