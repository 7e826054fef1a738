// Von Mises: Bessel ratios, ML kappa (algorithms.md §6 table), moments (§7.1), sampling recovery.
#include <QtTest>
#include <numbers>

#include "core/phase/von_mises.h"

using namespace phaselab;

class TestVonMises : public QObject {
    Q_OBJECT
private slots:
    void besselRatiosMatchTheStandardLibrary() {
        for (double k : {0.01, 0.5, 1.0, 3.7, 20.0, 150.0, 600.0}) {
            const double i0 = std::cyl_bessel_i(0.0, k), i1 = std::cyl_bessel_i(1.0, k), i2 = std::cyl_bessel_i(2.0, k);
            QVERIFY(std::abs(vonmises::meanResultantLength(k) - i1 / i0) < 1e-13);
            QVERIFY(std::abs(vonmises::secondMomentRatio(k) - i2 / i0) < 1e-13);
            QVERIFY(std::abs(vonmises::scaledBesselI0(k) / (i0 * std::exp(-k)) - 1) < 1e-12);
        }
        QCOMPARE(vonmises::meanResultantLength(0), 0.0);
    }
    void noOverflowForLargeKappa() {
        for (double k : {714.0, 1000.0, 1e4, 1e5}) {
            const double a = vonmises::meanResultantLength(k);
            QVERIFY(std::isfinite(a));
            QVERIFY(std::abs(a - (1 - 1 / (2 * k) - 1 / (8 * k * k))) < 1e-8);  // asymptotic expansion
            QVERIFY(std::isfinite(vonmises::density(0, 0, k)));
            QVERIFY(std::abs(vonmises::scaledBesselI0(k) * std::sqrt(2 * std::numbers::pi * k) - 1) < 1e-3);
        }
    }
    void kappaTable() {
        // algorithms.md §6: A^-1(R) to 1e-6 relative.
        const std::vector<std::pair<double, double>> table{{0.2, 0.408277}, {0.4, 0.874080}, {0.53, 1.256723},
                                                           {0.6, 1.515739}, {0.7, 2.013628}, {0.85, 3.680408},
                                                           {0.9, 5.304689}, {0.95, 10.271689}, {0.99, 50.253847}};
        for (const auto& [r, kappa] : table) {
            const double k = vonmises::kappaFromMeanResultant(r);
            QVERIFY2(std::abs(k - kappa) <= 1e-6 * kappa + 5e-7, qPrintable(QString("R=%1 kappa=%2").arg(r).arg(k, 0, 'g', 10)));
            QVERIFY(std::abs(vonmises::meanResultantLength(k) - r) < 1e-12);
        }
        QCOMPARE(vonmises::kappaFromMeanResultant(0), 0.0);
        QCOMPARE(vonmises::kappaFromMeanResultant(-0.3), 0.0);
        QCOMPARE(vonmises::kappaFromMeanResultant(1.0), 1e3);
    }
    void anisotropicMoments() {
        // algorithms.md §7.1: lambda = A(kappa), rho = I2/I0 - lambda^2.
        const std::vector<std::tuple<double, double, double>> table{{1.0, 0.446390, -0.092044}, {1.6, 0.619899, -0.159148},
                                                                    {5.0, 0.893383, -0.155487}};
        for (const auto& [k, lambda, rho] : table) {
            const double l = vonmises::meanResultantLength(k);
            QVERIFY(std::abs(l - lambda) < 1e-6);
            QVERIFY(std::abs(vonmises::secondMomentRatio(k) - l * l - rho) < 1e-6);
            const vonmises::AgMoments m = vonmises::agMoments(k);
            QVERIFY(std::abs(m.lambda - lambda) < 1e-6 && std::abs(m.rho - rho) < 1e-6);
        }
    }
    void densityIntegratesToOne() {
        for (double k : {0.0, 0.7, 4.0, 80.0}) {
            double sum = 0;
            const int n = 20000;
            for (int i = 0; i < n; ++i) sum += vonmises::density(-std::numbers::pi + 2 * std::numbers::pi * (i + 0.5) / n, 0.4, k);
            QVERIFY(std::abs(sum * 2 * std::numbers::pi / n - 1) < 1e-6);
        }
    }
    void fitRecoversSeededSamples() {
        // The ML estimate's standard error is about 1 / sqrt(n A'(kappa)); allow 4 of them.
        const std::size_t n = 20000;
        for (double kappa : {0.5, 2.0, 10.0}) {
            const auto theta = vonmises::sample(1.0, kappa, n, 42);
            const vonmises::Fit f = vonmises::fit(theta);
            const double a = vonmises::meanResultantLength(kappa);
            const double se = 1.0 / std::sqrt(n * (1 - a * a - a / kappa));
            QVERIFY2(std::abs(f.kappa - kappa) < 4 * se, qPrintable(QString("kappa %1 fit %2 se %3").arg(kappa).arg(f.kappa).arg(se)));
            QVERIFY(std::abs(std::remainder(f.mu - 1.0, 2 * std::numbers::pi)) < 0.05);
            QCOMPARE(f.n, std::int64_t(n));
            std::vector<float> centred(theta.size());
            for (std::size_t i = 0; i < theta.size(); ++i) centred[i] = float(std::remainder(theta[i] - 1.0, 2 * std::numbers::pi));
            QVERIFY(std::abs(vonmises::fitCentred(centred).kappa - kappa) < 4 * se);
        }
        // Uniform phases: kappa near 0.
        const auto uniform = vonmises::sample(0, 0, n, 7);
        QVERIFY(vonmises::fit(uniform).kappa < 0.05);
        QCOMPARE(vonmises::sample(0, 3, 100, 5), vonmises::sample(0, 3, 100, 5));  // seeded
        QCOMPARE(vonmises::fit({}).n, std::int64_t(0));
        Eigen::ArrayXXf psi(2, 2);
        psi << 0.0f, 3.14159265f, 1.0f, 0.5f;
        vonmises::Mask mask(2, 2);
        mask << true, false, true, false;
        QVERIFY(std::abs(vonmises::meanResultant(psi, mask) - (1 + std::cos(1.0)) / 2) < 1e-7);
    }
};

QTEST_GUILESS_MAIN(TestVonMises)
#include "test_von_mises.moc"
