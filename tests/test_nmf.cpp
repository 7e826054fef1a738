// Beta-divergence NMF and supervised NMF: divergence values, gamma(beta), monotone objective,
// recovery of an exact low-rank factorisation, fixed dictionaries, seeding, bad inputs.
#include <QtTest>
#include <array>

#include "core/common/error.h"
#include "core/io/audio.h"
#include "core/nmf/beta_nmf.h"
#include "core/nmf/em_isnmf.h"
#include "core/nmf/gemm_kernels.h"
#include "core/nmf/supervised_nmf.h"
#include "core/separation/magnitudes.h"
#include "test_support.h"

using namespace phaselab;
using namespace phaselab::nmf;

namespace {

Matrix lowRankPlusNoise(int F, int T, int K, unsigned seed) {
    Matrix W = randomFactor(F, K, 1.0, seed), H = randomFactor(K, T, 1.0, seed + 7);
    std::mt19937 g(seed + 11);
    std::uniform_real_distribution<float> u(0, 0.2f);
    Matrix V = W * H;
    for (Eigen::Index i = 0; i < V.size(); ++i) V.data()[i] += u(g);
    return V;
}

double naiveBeta(double a, double b, double beta) {
    if (beta == 0) return a / b - std::log(a / b) - 1;
    if (beta == 1) return a * std::log(a / b) - a + b;
    return (std::pow(a, beta) + (beta - 1) * std::pow(b, beta) - beta * a * std::pow(b, beta - 1)) / (beta * (beta - 1));
}

}  // namespace

class TestNmf : public QObject {
    Q_OBJECT
private slots:
    void gammaExponents() {
        QCOMPARE(gammaExponent(0.0), 0.5);
        QCOMPARE(gammaExponent(0.5), 1.0 / 1.5);
        QCOMPARE(gammaExponent(1.0), 1.0);
        QCOMPARE(gammaExponent(2.0), 1.0);
        QCOMPARE(gammaExponent(3.0), 0.5);
    }

    void divergenceValues() {
        Matrix a(1, 2), b(1, 2);
        a << 2, 0.5f;
        b << 1, 1.5f;
        for (double beta : {0.0, 0.5, 1.0, 1.5, 2.0, 3.0}) {
            const double expected = naiveBeta(2, 1, beta) + naiveBeta(0.5, 1.5, beta);
            QVERIFY2(std::abs(betaDivergence(a, b, beta) - expected) < 1e-6 * std::max(1.0, expected),
                     qPrintable(QString("beta %1").arg(beta)));
        }
        QCOMPARE(betaDivergence(a, a, 1.0), 0.0);
        // Euclidean is (a-b)^2/2.
        QVERIFY(std::abs(betaDivergence(a, b, 2.0) - 0.5 * (1 + 1)) < 1e-6);
    }

    void objectiveNeverIncreases_data() {
        QTest::addColumn<double>("beta");
        for (double b : {0.0, 0.5, 1.0, 1.5, 2.0, 3.0}) QTest::newRow(qPrintable(QString("beta=%1").arg(b))) << b;
    }
    void objectiveNeverIncreases() {
        QFETCH(double, beta);
        const Matrix V = lowRankPlusNoise(40, 60, 4, 5);
        BetaNmfParams p;
        p.components = 6;
        p.iterations = 60;
        p.beta = beta;
        p.seed = 9;
        const NmfResult r = betaNmf(V, p);
        QCOMPARE(int(r.objective.size()), 60);
        for (std::size_t i = 1; i < r.objective.size(); ++i)
            QVERIFY2(r.objective[i] <= r.objective[i - 1] * (1 + 2e-6),
                     qPrintable(QString("iteration %1: %2 > %3").arg(i + 1).arg(r.objective[i]).arg(r.objective[i - 1])));
        BetaNmfParams none = p;
        none.iterations = 0;
        const NmfResult start = betaNmf(V, none);
        const double initial = betaDivergence(V, start.W * start.H, beta);
        QVERIFY(r.objective.front() <= initial);
        QVERIFY(r.objective.back() < 0.9 * r.objective.front());
        // Unit L1 columns of W.
        QVERIFY((r.W.colwise().sum().array() - 1).abs().maxCoeff() < 1e-4f);
    }

    void exactLowRankIsRecovered() {
        const Matrix W = randomFactor(30, 3, 1.0, 1), H = randomFactor(3, 50, 1.0, 2);
        const Matrix V = W * H;
        BetaNmfParams p;
        p.components = 3;
        p.iterations = 2000;
        p.beta = 1;
        p.trackObjective = false;
        const NmfResult r = betaNmf(V, p);
        const double rel = (r.W * r.H - V).norm() / V.norm();
        QVERIFY2(rel < 1e-2, qPrintable(QString("relative error %1").arg(rel)));
    }

    void fixedDictionaryAndSeeds() {
        const Matrix V = lowRankPlusNoise(20, 30, 3, 2);
        BetaNmfParams p;
        p.components = 3;
        p.iterations = 20;
        const NmfResult a = betaNmf(V, p), b = betaNmf(V, p);
        QVERIFY(a.W == b.W && a.H == b.H);  // same seed, same result
        p.seed = 1;
        QVERIFY(!(betaNmf(V, p).W == a.W));
        // W fixed: only H moves.
        p.updateW = false;
        const NmfResult c = betaNmf(V, p, {}, &a.W);
        QVERIFY(c.W == a.W);
        for (std::size_t i = 1; i < c.objective.size(); ++i) QVERIFY(c.objective[i] <= c.objective[i - 1] * (1 + 2e-6));
    }

    void emIsNmfIsMonotone() {
        const Matrix P = lowRankPlusNoise(50, 80, 4, 21).array().square().matrix();
        EmIsNmfParams p;
        p.components = 5;
        p.iterations = 80;
        p.seed = 4;
        const NmfResult r = emIsNmf(P, p);
        QCOMPARE(int(r.objective.size()), 80);
        for (std::size_t i = 1; i < r.objective.size(); ++i)
            QVERIFY2(r.objective[i] <= r.objective[i - 1] * (1 + 2e-6),
                     qPrintable(QString("iteration %1: %2 > %3").arg(i + 1).arg(r.objective[i]).arg(r.objective[i - 1])));
        QVERIFY(r.objective.back() < 0.5 * r.objective.front());
        QVERIFY((r.W.colwise().norm().array() - 1).abs().maxCoeff() < 1e-4f);  // unit L2 columns
        QVERIFY((r.W.array() > 0).all() && (r.H.array() > 0).all());
        // Same model as MU IS-NMF: both reach a comparable fit.
        BetaNmfParams mu;
        mu.components = 5;
        mu.iterations = 80;
        mu.beta = 0;
        mu.seed = 4;
        const double muFit = betaNmf(P, mu).objective.back();
        QVERIFY2(r.objective.back() < 3 * muFit && muFit < 3 * r.objective.back(),
                 qPrintable(QString("EM %1, MU %2").arg(r.objective.back()).arg(muFit)));
        // Fixed dictionary: only H moves, still monotone.
        p.updateW = false;
        const NmfResult f = emIsNmf(P, p, {}, &r.W);
        QVERIFY(f.W == r.W);
        for (std::size_t i = 1; i < f.objective.size(); ++i) QVERIFY(f.objective[i] <= f.objective[i - 1] * (1 + 2e-6));
        Matrix bad = P;
        bad(0, 0) = -1;
        QVERIFY_THROWS_EXCEPTION(InputError, emIsNmf(bad, p, {}, &r.W));
    }

    void kernelsMatchEigen() {
        // Odd sizes exercise every remainder path (rows % 32, columns % 4, inner % 8, k % 4).
        for (auto [m, k, n] : {std::array<int, 3>{1025, 30, 67}, {33, 3, 5}, {7, 1, 1}, {64, 8, 130}, {49, 13, 25}, {16, 30, 12}}) {
            const Matrix A = randomFactor(m, k, 1.0, 1), B = randomFactor(k, n, 1.0, 2), R = randomFactor(m, n, 1.0, 3);
            Matrix C(m, n), D(k, n), E(m, k);
            kernels::gemmNN(A.data(), B.data(), C.data(), m, k, n);
            kernels::gemmTN(A.data(), R.data(), D.data(), m, k, n);
            kernels::gemmNT(R.data(), B.data(), E.data(), m, n, k);
            const Matrix c = A * B, d = A.transpose() * R, e = R * B.transpose();
            QVERIFY2((C - c).cwiseAbs().maxCoeff() <= 1e-5f * c.cwiseAbs().maxCoeff(), qPrintable(QString("NN %1x%2x%3").arg(m).arg(k).arg(n)));
            QVERIFY2((D - d).cwiseAbs().maxCoeff() <= 1e-5f * d.cwiseAbs().maxCoeff(), qPrintable(QString("TN %1x%2x%3").arg(m).arg(k).arg(n)));
            QVERIFY2((E - e).cwiseAbs().maxCoeff() <= 1e-5f * e.cwiseAbs().maxCoeff(), qPrintable(QString("NT %1x%2x%3").arg(m).arg(k).arg(n)));
        }
        qInfo("kernels in use: %s", kernels::usingAvx512() ? "AVX-512" : kernels::usingAvx2() ? "AVX2" : "Eigen fallback");
    }

    void badInputs() {
        Matrix V = Matrix::Ones(5, 6);
        BetaNmfParams p;
        p.components = 2;
        V(1, 1) = -1;
        QVERIFY_THROWS_EXCEPTION(InputError, betaNmf(V, p));
        V(1, 1) = std::numeric_limits<float>::quiet_NaN();
        QVERIFY_THROWS_EXCEPTION(InputError, betaNmf(V, p));
        V(1, 1) = 1;
        p.updateW = false;
        QVERIFY_THROWS_EXCEPTION(InputError, betaNmf(V, p));  // fixed W not given
        const Matrix W = Matrix::Ones(4, 2);
        QVERIFY_THROWS_EXCEPTION(InputError, betaNmf(V, p, {}, &W));  // wrong shape
        p.updateW = true;
        p.components = 0;
        QVERIFY_THROWS_EXCEPTION(InputError, betaNmf(V, p));
    }

    void supervisedNmfOnMusic() {
        // Dictionaries learned on each true source (2 s, 16 kHz), fitted on the mixture: the models
        // must approximate the mixture and favour the right source.
        std::vector<Eigen::ArrayXf> src;
        for (const char* name : {"piano", "bass", "drums"})
            src.push_back(readAudio(test::sharedAudio(std::string("music_pbd_16k_") + name + ".wav")).mono().segment(16000, 32000));
        const Eigen::ArrayXf mix = src[0] + src[1] + src[2];
        StftConfig c;
        c.windowLength = 1024;
        c.hop = 256;
        Stft stft(c);
        const Spectrogram X = stft.analyse(mix);
        SupervisedNmfParams p;
        p.components = 8;
        p.learnIterations = 60;
        p.iterations = 60;
        const auto V = separation::nmfMagnitudes(X, src, c, p);
        QCOMPARE(int(V.size()), 3);
        const auto oracle = separation::oracleMagnitudes(src, mix.size(), c);
        for (int j = 0; j < 3; ++j) {
            QCOMPARE(V[j].rows(), X.rows());
            QCOMPARE(V[j].cols(), X.cols());
            // Correlation of log-magnitudes with the right source beats the others.
            auto corr = [](const Magnitudes& a, const Magnitudes& b) {
                Eigen::ArrayXXd x = (a.cast<double>() + 1e-3).log(), y = (b.cast<double>() + 1e-3).log();
                x -= x.mean();
                y -= y.mean();
                return (x * y).sum() / std::sqrt(x.square().sum() * y.square().sum());
            };
            for (int k = 0; k < 3; ++k)
                if (k != j) QVERIFY2(corr(V[j], oracle[j]) > corr(V[j], oracle[k]), qPrintable(QString("source %1 vs %2").arg(j).arg(k)));
        }
        const SupervisedNmfResult r = supervisedNmf(X.abs(), {oracle[0], oracle[1]}, p);
        for (std::size_t i = 1; i < r.objective.size(); ++i) QVERIFY(r.objective[i] <= r.objective[i - 1] * (1 + 2e-6));
        QVERIFY_THROWS_EXCEPTION(InputError, supervisedNmf(X.abs(), {oracle[0].topRows(10)}, p));
    }
};

QTEST_GUILESS_MAIN(TestNmf)
#include "test_nmf.moc"
