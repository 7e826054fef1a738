// Inter-channel views (core/phase/inter_channel.h; issue 14): the IPD's slope over frequency gives
// back a known inter-channel delay within 1 sample (synthetic, and the stereo test set's images);
// the ILD of a constant-power pan gives back its gains within 0.1 dB and the pan position; the IPD
// of a coherent image is concentrated (large kappa), of decorrelated channels not; the panning map
// puts each source's energy at its pan.
#include <QtTest>
#include <cmath>
#include <numbers>

#include "core/common/error.h"
#include "core/io/audio.h"
#include "core/phase/inter_channel.h"
#include "core/phase/phase_statistics.h"
#include "test_support.h"

using namespace phaselab;

namespace {

Eigen::ArrayXf delayed(const Eigen::ArrayXf& x, int d) {
    Eigen::ArrayXf y = Eigen::ArrayXf::Zero(x.size());
    if (d >= 0) y.tail(x.size() - d) = x.head(x.size() - d);
    else y.head(x.size() + d) = x.tail(x.size() + d);
    return y;
}

float median(const Magnitudes& m) {
    std::vector<float> v;
    for (Eigen::Index i = 0; i < m.size(); ++i)
        if (std::isfinite(m.data()[i])) v.push_back(m.data()[i]);
    std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(v.size() / 2), v.end());
    return v[v.size() / 2];
}

}  // namespace

class TestInterChannel : public QObject {
    Q_OBJECT
private slots:
    void delayFromTheIpdSlope() {
        StftConfig c;
        c.windowLength = 1024;
        c.hop = 256;
        Stft stft(c);
        const Eigen::ArrayXf x = test::whiteNoise(32000, 4, 0.3f);
        for (int d : {14, -9, 0, 3}) {
            const Spectrogram L = stft.analyse(0.8f * x), R = stft.analyse(0.6f * delayed(x, d));
            const double estimate = interChannelDelay(L, R, c.fft(), 40);
            qInfo("delay %d samples: estimated %.2f", d, estimate);
            QVERIFY2(std::abs(estimate - d) < 1.0, qPrintable(QString::number(estimate)));
        }
        // the stereo test set's images (pan, delay, room tail): spk1 -4 samples, spk2 +5
        for (const auto& [name, d] : {std::pair<const char*, int>{"spk1", -4}, {"spk2", 5}}) {
            const Audio a = readAudio(test::sharedAudio(std::string("stereo/stereo_speech_16k_") + name + ".flac"));
            const double estimate = interChannelDelay(stft.analyse(a.channel(0)), stft.analyse(a.channel(1)), c.fft(), 40);
            qInfo("stereo_speech_16k %s: delay %d samples, estimated %.2f", name, d, estimate);
            QVERIFY2(std::abs(estimate - d) < 1.0, qPrintable(QString::number(estimate)));
        }
    }

    void levelAndPanOfAConstantPowerPan() {
        StftConfig c;
        c.windowLength = 1024;
        c.hop = 256;
        Stft stft(c);
        const Eigen::ArrayXf x = test::whiteNoise(16000, 5, 0.3f);
        for (double pan : {-0.55, 0.05, 0.35, 0.9}) {
            const double theta = (pan + 1) * std::numbers::pi / 4, gl = std::cos(theta), gr = std::sin(theta);
            const Spectrogram L = stft.analyse(float(gl) * x), R = stft.analyse(float(gr) * x);
            const float floor = 1e-3f * L.abs().maxCoeff();
            const double ild = median(interChannelLevel(L, R, floor)), expected = 20 * std::log10(gl / gr);
            const double position = median(panPosition(L, R, floor));
            qInfo("pan %.2f: ILD %.3f dB (gains say %.3f), pan estimate %.4f", pan, ild, expected, position);
            QVERIFY(std::abs(ild - expected) < 0.1);
            QVERIFY(std::abs(position - pan) < 0.01);
            // IPD of an in-phase pan: 0 wherever it is defined
            const Magnitudes ipd = interChannelPhase(L, R, floor);
            QVERIFY((ipd.isNaN() || ipd.abs() < 1e-3f).all());
        }
        // masked where a channel is below the floor
        const Spectrogram L = stft.analyse(x), R = Spectrogram::Zero(L.rows(), L.cols());
        QVERIFY(interChannelLevel(L, R, 1e-6f).isNaN().all());
    }

    void ipdConcentrationSaysHowCoherentTheImageIs() {
        StftConfig c;
        c.windowLength = 1024;
        c.hop = 256;
        Stft stft(c);
        const Eigen::ArrayXf x = test::whiteNoise(32000, 6, 0.3f), y = test::whiteNoise(32000, 7, 0.3f);
        const auto coherent = interChannelPhaseFit(stft.analyse(x), stft.analyse(0.5f * x), 0, -1, 0, -1, 40);
        const auto decorrelated = interChannelPhaseFit(stft.analyse(x), stft.analyse(y), 0, -1, 0, -1, 40);
        const auto mixed = interChannelPhaseFit(stft.analyse(x), stft.analyse(x + 0.7f * y), 0, -1, 0, -1, 40);
        qInfo("IPD kappa: coherent %.1f, partly decorrelated %.2f, decorrelated %.3f", coherent.kappa, mixed.kappa, decorrelated.kappa);
        QVERIFY(coherent.kappa > 100);
        QVERIFY(std::abs(coherent.mu) < 1e-3);
        QVERIFY(decorrelated.kappa < 0.1);
        QVERIFY(mixed.kappa > decorrelated.kappa && mixed.kappa < coherent.kappa);
    }

    // The IPD histogram (block by block, from the signals) against the fit on whole STFTs: the same
    // cells and weights, so the same von Mises fit, and a density that integrates to 1 peaking at
    // the mean IPD of a right channel delayed by 3 samples over a low band.
    void ipdHistogramAgreesWithTheFit() {
        StftConfig c;
        c.windowLength = 1024;
        c.hop = 256;
        Stft stft(c);
        const Eigen::ArrayXf x = test::whiteNoise(40000, 8, 0.3f), y = test::whiteNoise(40000, 9, 0.3f);
        Eigen::ArrayXf right = 0.8f * x + 0.3f * y;
        PhaseRegion region;
        region.firstFrame = 20;
        region.lastFrame = 130;
        region.firstBin = 5;
        region.lastBin = 300;
        region.rangeDb = 30;
        const PhaseHistogram h = interChannelPhaseHistogram(x, right, c, region);
        const vonmises::Fit f = interChannelPhaseFit(stft.analyse(x), stft.analyse(right), 20, 130, 5, 300, 30);
        QVERIFY2(std::abs(h.fit.kappa - f.kappa) < 1e-6 * f.kappa, qPrintable(QString("%1 vs %2").arg(h.fit.kappa).arg(f.kappa)));
        QVERIFY(std::abs(h.fit.mu - f.mu) < 1e-6);
        QCOMPARE(h.fit.n, f.n);
        double total = 0;
        for (double d : h.density) total += d * h.width;
        QVERIFY(std::abs(total - 1) < 1e-9);
        // Delay: IPD = 2 pi m d / N; over bins 5..40 (m ~ 22 on average) with d = 3 the mean is ~0.4 rad.
        Eigen::ArrayXf delayed = Eigen::ArrayXf::Zero(x.size());
        delayed.tail(x.size() - 3) = x.head(x.size() - 3);
        region.lastBin = 40;
        const PhaseHistogram d = interChannelPhaseHistogram(x, delayed, c, region);
        QVERIFY2(d.fit.mu > 0.2 && d.fit.mu < 0.6, qPrintable(QString::number(d.fit.mu)));
        const auto peak = std::max_element(d.density.begin(), d.density.end()) - d.density.begin();
        QVERIFY(std::abs(d.centres[std::size_t(peak)] - d.fit.mu) < 0.5);
        QVERIFY_THROWS_EXCEPTION(InputError, interChannelPhaseHistogram(x, Eigen::ArrayXf::Zero(x.size()), c, region));
    }

    void panningMapPutsEachSourceAtItsPan() {
        StftConfig c;
        c.windowLength = 512;
        c.hop = 128;
        Stft stft(c);
        const Eigen::ArrayXf a = test::whiteNoise(16000, 8, 0.3f), b = test::whiteNoise(16000, 9, 0.3f);
        Eigen::ArrayXf l = Eigen::ArrayXf::Zero(32000), r = l;
        auto put = [&](const Eigen::ArrayXf& s, double pan, Eigen::Index at) {
            const double theta = (pan + 1) * std::numbers::pi / 4;
            l.segment(at, s.size()) += float(std::cos(theta)) * s;
            r.segment(at, s.size()) += float(std::sin(theta)) * s;
        };
        put(a, -0.6, 0);
        put(b, 0.6, 16000);
        const Magnitudes map = panningMap(stft.analyse(l), stft.analyse(r), 41, 1e-6f);
        QCOMPARE(map.rows(), 41);
        Eigen::Index row = 0;
        map.col(30).maxCoeff(&row);  // frame 30: the first source
        QCOMPARE(row, Eigen::Index(std::lround((-0.6 + 1) / 2 * 41 - 0.5)));
        map.col(200).maxCoeff(&row);
        QCOMPARE(row, Eigen::Index(std::lround((0.6 + 1) / 2 * 41 - 0.5)));
    }

    void azimuthOfAPanPosition() {
        QCOMPARE(panToAzimuthDegrees(-1), -30.0);
        QCOMPARE(panToAzimuthDegrees(0), 0.0);
        QVERIFY(std::abs(panToAzimuthDegrees(1) - 30) < 1e-12);
        QVERIFY(std::abs(panToAzimuthDegrees(1, 45) - 45) < 1e-12);
        // Tangent law from the gains themselves: pan 0.5 is theta = 67.5 degrees.
        const double theta = 0.75 * std::numbers::pi / 2, gl = std::cos(theta), gr = std::sin(theta);
        const double expected = std::atan(std::tan(std::numbers::pi / 6) * (gr - gl) / (gr + gl)) * 180 / std::numbers::pi;
        QVERIFY(std::abs(panToAzimuthDegrees(0.5) - expected) < 1e-12);
        QVERIFY(std::abs(expected - 13.4496) < 1e-3);
        QVERIFY(std::abs(panToAzimuthDegrees(-0.5) + expected) < 1e-12);
        for (double pan = -1; pan <= 1; pan += 0.125) QVERIFY(std::abs(azimuthToPan(panToAzimuthDegrees(pan)) - pan) < 1e-12);
        QCOMPARE(azimuthToPan(90), 1.0);  // beyond the loudspeakers: the nearest one
    }

    void badInputIsRefused() {
        const Spectrogram a = Spectrogram::Ones(5, 4), b = Spectrogram::Ones(5, 3);
        QVERIFY_THROWS_EXCEPTION(InputError, interChannelPhase(a, b, 0));
        QVERIFY_THROWS_EXCEPTION(InputError, interChannelDelay(a, Spectrogram::Zero(5, 4), 8, 4));
        QVERIFY_THROWS_EXCEPTION(InputError, panningMap(a, a, 1, 0));
        QVERIFY_THROWS_EXCEPTION(InputError, interChannelPhaseFit(a, a, 3, 1, 0, -1, 40));
    }
};

QTEST_APPLESS_MAIN(TestInterChannel)
#include "test_inter_channel.moc"
