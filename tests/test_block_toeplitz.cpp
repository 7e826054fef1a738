// BlockToeplitz (core/metrics/block_toeplitz.h) against the dense matrix it stands for: the
// Gram matrix of delayed signals built entry by entry from direct sums, solved by Cholesky.

#include <QtTest>

#include <Eigen/Cholesky>
#include <random>

#include "core/metrics/block_toeplitz.h"

using namespace phaselab::metrics;

namespace {

// K signals of n samples: coloured noise (a short random filter on white noise), fixed seed.
std::vector<Eigen::VectorXd> makeSignals(int K, int n, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> g;
    std::vector<Eigen::VectorXd> out;
    for (int k = 0; k < K; ++k) {
        Eigen::VectorXd w(n + 8), h(8), x(n);
        for (auto& v : w) v = g(rng);
        for (auto& v : h) v = g(rng);
        for (int i = 0; i < n; ++i) x(i) = h.dot(w.segment(i, 8));
        out.push_back(x);
    }
    return out;
}

// r_ab[m] = sum_n x_a[n + m] x_b[n], by direct sums.
double lagSum(const Eigen::VectorXd& a, const Eigen::VectorXd& b, int m) {
    double s = 0;
    for (Eigen::Index i = 0; i < b.size(); ++i)
        if (i + m >= 0 && i + m < a.size()) s += a(i + m) * b(i);
    return s;
}

BlockToeplitz gram(const std::vector<Eigen::VectorXd>& x, int L) {
    const int K = int(x.size());
    std::vector<Eigen::MatrixXd> lags(std::size_t(L), Eigen::MatrixXd(K, K));
    for (int m = 0; m < L; ++m)
        for (int a = 0; a < K; ++a)
            for (int b = 0; b < K; ++b) lags[std::size_t(m)](a, b) = lagSum(x[std::size_t(a)], x[std::size_t(b)], m);
    return BlockToeplitz(std::move(lags));
}

// The Gram matrix written from its definition: G[(a,i),(b,k)] = sum_n x_a[n - i] x_b[n - k].
Eigen::MatrixXd denseGram(const std::vector<Eigen::VectorXd>& x, int L) {
    const int K = int(x.size());
    Eigen::MatrixXd G(K * L, K * L);
    for (int a = 0; a < K; ++a)
        for (int i = 0; i < L; ++i)
            for (int b = 0; b < K; ++b)
                for (int k = 0; k < L; ++k) G(a * L + i, b * L + k) = lagSum(x[std::size_t(a)], x[std::size_t(b)], k - i);
    return G;
}

}  // namespace

class TestBlockToeplitz : public QObject {
    Q_OBJECT
private slots:
    void denseMultiplyAndSubsetMatchTheDefinition() {
        const auto x = makeSignals(3, 300, 1);
        const int L = 17;
        const BlockToeplitz T = gram(x, L);
        const Eigen::MatrixXd G = denseGram(x, L);
        QCOMPARE(T.size(), Eigen::Index(3 * L));
        QVERIFY((T.dense() - G).cwiseAbs().maxCoeff() < 1e-9 * G.cwiseAbs().maxCoeff());
        const Eigen::MatrixXd v = Eigen::MatrixXd::Random(3 * L, 4);
        QVERIFY((T.multiply(v) - G * v).norm() < 1e-12 * (G * v).norm());
        QVERIFY(std::abs(T.norm1() - G.cwiseAbs().colwise().sum().maxCoeff()) < 1e-9 * T.norm1());
        const BlockToeplitz S = T.subset({2, 0});
        Eigen::MatrixXd Gs(2 * L, 2 * L);
        const int pick[2] = {2, 0};
        for (int p = 0; p < 2; ++p)
            for (int q = 0; q < 2; ++q) Gs.block(p * L, q * L, L, L) = G.block(pick[p] * L, pick[q] * L, L, L);
        QVERIFY((S.dense() - Gs).cwiseAbs().maxCoeff() < 1e-9 * Gs.cwiseAbs().maxCoeff());
    }

    void levinsonEqualsCholesky_data() {
        QTest::addColumn<int>("K");
        QTest::addColumn<int>("L");
        QTest::addColumn<double>("ridge");
        QTest::newRow("1 signal, 64 taps") << 1 << 64 << 0.0;
        QTest::newRow("3 signals, 40 taps") << 3 << 40 << 0.0;
        QTest::newRow("6 signals, 24 taps, ridge") << 6 << 24 << 0.5;
    }
    void levinsonEqualsCholesky() {
        QFETCH(int, K);
        QFETCH(int, L);
        QFETCH(double, ridge);
        const auto x = makeSignals(K, 2000, unsigned(10 + K));
        const BlockToeplitz T = gram(x, L);
        Eigen::MatrixXd G = denseGram(x, L);
        G.diagonal().array() += ridge;
        const Eigen::MatrixXd y = Eigen::MatrixXd::Random(K * L, 3);
        const Eigen::MatrixXd expected = G.llt().solve(y);
        const auto got = T.solve(y, ridge);
        QVERIFY(got.has_value());
        const double rel = (*got - expected).norm() / expected.norm();
        QVERIFY2(rel < 1e-9, QByteArray::number(rel));
    }

    // A signal repeated: the matrix is singular. The recursion must not return its garbage; the
    // dense least-squares solver is the caller's business.
    void singularMatrixIsRefused() {
        auto x = makeSignals(2, 1000, 5);
        x.push_back(x[0]);
        const BlockToeplitz T = gram(x, 16);
        QVERIFY(!T.solve(Eigen::MatrixXd::Random(3 * 16, 2), 0.0).has_value());
    }

    // A pure tone of finite length: ill-conditioned (predictable from two past samples except at
    // its ends) but positive definite; the recursion answers, and as accurately as Cholesky.
    void illConditionedToneStillAccurate() {
        Eigen::VectorXd tone(4000);
        for (int i = 0; i < 4000; ++i) tone(i) = std::sin(0.1 * i);
        const int L = 32;
        const BlockToeplitz T = gram({tone}, L);
        const Eigen::MatrixXd G = denseGram({tone}, L);
        const Eigen::VectorXd y = G * Eigen::VectorXd::LinSpaced(L, -1, 1);  // consistent right-hand side
        const auto got = T.solve(y, 0.0);
        QVERIFY(got.has_value());
        const Eigen::VectorXd expected = G.llt().solve(y);
        const double rel = (*got - expected).norm() / expected.norm();
        QVERIFY2(rel < 1e-6, QByteArray::number(rel));
        QVERIFY((G * *got - y).norm() < 1e-9 * y.norm());
    }
};

QTEST_APPLESS_MAIN(TestBlockToeplitz)
#include "test_block_toeplitz.moc"
