// Band-limiting by STFT masking: tones inside the band are kept, outside removed; bad bands refused.
#include <QtTest>

#include "core/common/error.h"
#include "core/tf/band_limit.h"
#include "test_support.h"

using namespace phaselab;

class TestBandLimit : public QObject {
    Q_OBJECT
private slots:
    void keepsTheBandOnly() {
        const double sr = 16000;
        const Eigen::ArrayXf inside = test::sine(32000, 1000, sr, 0.5), outside = test::sine(32000, 3000, sr, 0.5);
        const Eigen::ArrayXf y = bandLimit(inside + outside, sr, 800, 1200, StftConfig{WindowType::Hann, 1024, 256});
        const Eigen::Index a = 2000, n = 28000;  // away from the edges
        const double err = (y.segment(a, n) - inside.segment(a, n)).cast<double>().square().sum();
        const double ref = inside.segment(a, n).cast<double>().square().sum();
        QVERIFY2(10 * std::log10(err / ref) < -40, qPrintable(QString::number(10 * std::log10(err / ref))));
        // The full band is the identity (perfect reconstruction).
        const Eigen::ArrayXf all = bandLimit(inside + outside, sr, 0, sr / 2);
        QVERIFY(((inside + outside) - all).abs().maxCoeff() < 1e-5f);
    }
    void badBands() {
        const Eigen::ArrayXf x = test::whiteNoise(1000, 1);
        QVERIFY_THROWS_EXCEPTION(InputError, bandLimit(x, 16000, 500, 400));
        QVERIFY_THROWS_EXCEPTION(InputError, bandLimit(x, 16000, 9000, 10000));
    }
};

QTEST_GUILESS_MAIN(TestBandLimit)
#include "test_band_limit.moc"
