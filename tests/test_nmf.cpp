// Beta-divergence NMF and supervised NMF: divergence values, gamma(beta), monotone objective,
// recovery of an exact low-rank factorisation, fixed dictionaries, seeding, bad inputs.
#include <QtTest>
#include <array>
#include <random>
#include <vector>

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
            Matrix E2 = E;
            kernels::gemmNT(R.data(), B.data(), E2.data(), m, n, k, true);  // accumulates: 2 A B^T
            const Matrix c = A * B, d = A.transpose() * R, e = R * B.transpose();
            QVERIFY2((E2 - 2 * e).cwiseAbs().maxCoeff() <= 2e-5f * e.cwiseAbs().maxCoeff(), qPrintable(QString("NT+ %1x%2x%3").arg(m).arg(k).arg(n)));
            QVERIFY2((C - c).cwiseAbs().maxCoeff() <= 1e-5f * c.cwiseAbs().maxCoeff(), qPrintable(QString("NN %1x%2x%3").arg(m).arg(k).arg(n)));
            QVERIFY2((D - d).cwiseAbs().maxCoeff() <= 1e-5f * d.cwiseAbs().maxCoeff(), qPrintable(QString("TN %1x%2x%3").arg(m).arg(k).arg(n)));
            QVERIFY2((E - e).cwiseAbs().maxCoeff() <= 1e-5f * e.cwiseAbs().maxCoeff(), qPrintable(QString("NT %1x%2x%3").arg(m).arg(k).arg(n)));
        }
        qInfo("kernels in use: %s", kernels::usingAvx512() ? "AVX-512" : kernels::usingAvx2() ? "AVX2" : "Eigen fallback");
        if (qEnvironmentVariableIsSet("PHASELAB_NO_SIMD")) QVERIFY(!kernels::usingAvx2() && !kernels::usingAvx512());
        if (qEnvironmentVariableIsSet("PHASELAB_NO_AVX512")) QVERIFY(!kernels::usingAvx512());
    }

    void ratiosMatchDivision() {
        // 37 values: a full vector and a masked tail; includes wh = 0 (then 1 / tiny) and large ratios.
        std::mt19937 g(5);
        std::uniform_real_distribution<float> u(-3, 3);
        std::vector<float> v(37), wh(37), r(37), q(37);
        for (int i = 0; i < 37; ++i) {
            v[i] = std::pow(10.0f, u(g));
            wh[i] = i == 3 ? 0.0f : std::pow(10.0f, u(g));
        }
        const float tiny = 1e-30f;
        kernels::ratios(v.data(), wh.data(), r.data(), nullptr, v.size(), tiny);
        for (int i = 0; i < 37; ++i) {
            const double expected = double(v[i]) / (double(wh[i]) + tiny);
            QVERIFY2(std::abs(r[i] - expected) <= 4e-7 * expected, qPrintable(QString("KL %1: %2 vs %3").arg(i).arg(r[i]).arg(expected)));
        }
        kernels::ratios(v.data(), wh.data(), r.data(), q.data(), v.size(), tiny);
        for (int i = 0; i < 37; ++i) {
            const double inv = 1.0 / (double(wh[i]) + tiny);
            QVERIFY2(std::abs(q[i] - inv) <= 4e-7 * inv, qPrintable(QString("1/wh %1").arg(i)));
            if (wh[i] > 0) QVERIFY2(std::abs(r[i] - v[i] * inv * inv) <= 1e-6 * v[i] * inv * inv, qPrintable(QString("IS %1").arg(i)));
        }
    }

    void blockedUpdatesMatchTextbookUpdates_data() {
        QTest::addColumn<double>("beta");
        QTest::addColumn<bool>("updateW");
        for (double beta : {0.0, 0.5, 1.0, 1.5, 2.0}) {
            QTest::addRow("beta %.1f", beta) << beta << true;
            QTest::addRow("beta %.1f, W fixed", beta) << beta << false;
        }
    }

    void blockedUpdatesMatchTextbookUpdates() {
        // The updates run in passes over blocks of 64 columns; T = 150 leaves a partial block and
        // K = 7, F = 37 leave kernel tails. Reference: the update formulas of the header, in double.
        QFETCH(double, beta);
        QFETCH(bool, updateW);
        const int F = 37, T = 150, K = 7, iterations = 4;
        const Matrix V = lowRankPlusNoise(F, T, K, 3);
        BetaNmfParams p;
        p.components = K;
        p.beta = beta;
        p.iterations = iterations;
        p.updateW = updateW;
        p.seed = 9;
        p.trackObjective = false;
        const Matrix W0 = randomFactor(F, K, 0.3, 21), H0 = randomFactor(K, T, 0.3, 22);
        const NmfResult r = betaNmf(V, p, {}, &W0, &H0);

        using MatD = Eigen::MatrixXd;
        const MatD v = V.cast<double>();
        MatD W = W0.cast<double>(), H = H0.cast<double>();
        const double gamma = gammaExponent(beta);
        auto step = [&](const MatD& num, const MatD& den) { return (num.array() / den.array()).pow(gamma); };
        for (int it = 0; it < iterations; ++it) {
            MatD wh = W * H;
            H.array() *= step(W.transpose() * (v.array() * wh.array().pow(beta - 2)).matrix(), W.transpose() * wh.array().pow(beta - 1).matrix());
            if (!updateW) continue;
            wh = W * H;
            W.array() *= step((v.array() * wh.array().pow(beta - 2)).matrix() * H.transpose(), wh.array().pow(beta - 1).matrix() * H.transpose());
            const Eigen::RowVectorXd norms = W.colwise().sum();
            W.array().rowwise() /= norms.array();
            H.array().colwise() *= norms.transpose().array();
        }
        const double errW = (r.W.cast<double>() - W).cwiseAbs().maxCoeff() / W.cwiseAbs().maxCoeff();
        const double errH = (r.H.cast<double>() - H).cwiseAbs().maxCoeff() / H.cwiseAbs().maxCoeff();
        QVERIFY2(errW < 1e-5 && errH < 1e-5, qPrintable(QString("relative error W %1, H %2").arg(errW).arg(errH)));
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
