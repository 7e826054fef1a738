// Sinusoidal phase model (core/phase/sinusoidal.h, algorithms.md §4.1 and §16): phase advance of
// a stationary sinusoid, QIFFT accuracy, regions of influence, frames without peaks, unwrapping.
#include <QtTest>
#include <cmath>
#include <numbers>

#include "core/common/error.h"
#include "core/phase/sinusoidal.h"
#include "core/tf/stft.h"
#include "test_support.h"

using namespace phaselab;
using namespace phaselab::sinusoidal;

class TestSinusoidal : public QObject {
    Q_OBJECT
    static constexpr double fs = 44100, frequency = 440.3;

    static StftConfig config4096() {
        StftConfig c;
        c.windowLength = 4096;
        c.hop = 1024;
        return c;
    }

private slots:
    // §1.1/§16: 440.3 Hz at 44.1 kHz, Hann 4096 / 1024: the observed frame-to-frame phase increment
    // equals +2 pi hop k / Nfft within 0.02 rad for all bins within ±3 of the peak (both phase
    // references), i.e. centredPhase() is ~0 there.
    void stationarySinusoidIncrement() {
        for (bool zeroPhase : {true, false}) {
            StftConfig c = config4096();
            c.zeroPhase = zeroPhase;
            Stft stft(c);
            const Spectrogram S = stft.analyse(test::sine(Eigen::Index(fs), frequency, fs));
            const Magnitudes psi = centredPhase(S, c.hop, c.fft());
            const int peak = int(std::lround(frequency * c.fft() / fs));
            float worst = 0;
            for (Eigen::Index t = 3; t < S.cols() - 3; ++t)  // frames entirely inside the signal
                for (int f = peak - 3; f <= peak + 3; ++f) worst = std::max(worst, std::abs(psi(f, t)));
            QVERIFY2(worst < 0.02f, qPrintable(QString("increment error %1 rad").arg(worst)));
            QVERIFY(worst > 0.0f);  // not trivially zero: QIFFT is only approximate (about 0.013 rad here)
        }
    }

    // §4.1: QIFFT bin error below 0.01 bin (about -0.008 for this case).
    void qifftBinError() {
        StftConfig c = config4096();
        Stft stft(c);
        const Spectrogram S = stft.analyse(test::sine(Eigen::Index(fs), frequency, fs));
        const std::vector<Peak> peaks = findPeaks(S.col(10).abs());
        QCOMPARE(int(peaks.size()), 1);
        const double trueBin = frequency * c.fft() / fs;
        QCOMPARE(peaks[0].bin, int(std::lround(trueBin)));
        QVERIFY2(std::abs(peaks[0].refinedBin - trueBin) < 0.01, qPrintable(QString::number(peaks[0].refinedBin - trueBin)));
        QVERIFY(std::abs(peaks[0].refinedBin - trueBin) > 1e-4);
    }

    // A hand-made 2-peak spectrum: regions split at floor((a2 k1 + a1 k2) / (a1 + a2)), each bin takes
    // its peak's refined frequency.
    void regionsOfInfluence() {
        Eigen::ArrayXf v = Eigen::ArrayXf::Constant(16, 0.1f);
        v[2] = 2, v[3] = 4, v[4] = 2;       // peak 1 at bin 3, symmetric: delta 0
        v[9] = 0.5f, v[10] = 1, v[11] = 0.25f;  // peak 2 at bin 10, amplitude 1, skewed left
        const std::vector<Peak> peaks = findPeaks(v);
        QCOMPARE(int(peaks.size()), 2);
        QCOMPARE(peaks[0].bin, 3);
        QCOMPARE(peaks[1].bin, 10);
        const double a = std::log(0.5), b = 0, cc = std::log(0.25);
        const float k2 = float(10 + (cc - a) / (2 * (2 * b - a - cc)));
        QVERIFY(std::abs(peaks[0].refinedBin - 3.0f) < 1e-6f);
        QVERIFY(std::abs(peaks[1].refinedBin - k2) < 1e-5f);
        QVERIFY(k2 < 10.0f);
        Eigen::ArrayXf k(16);
        binFrequencies(v, k);
        const int boundary = (1 * 3 + 4 * 10) / 5;  // = 8, the stronger peak gets the wider region
        for (int f = 0; f < 16; ++f) {
            const float expected = f <= boundary ? 3.0f : k2;
            QVERIFY2(std::abs(k[f] - expected) < 1e-5f, qPrintable(QString("bin %1: %2").arg(f).arg(k[f])));
        }
    }

    // Frames without peaks (flat, monotonic, silent) keep each bin's own frequency: k(f) = f.
    void noPeakFrameKeepsBinFrequency() {
        const Eigen::ArrayXf flat = Eigen::ArrayXf::Constant(9, 1.0f);
        const Eigen::ArrayXf ramp = Eigen::ArrayXf::LinSpaced(9, 1.0f, 9.0f);
        const Eigen::ArrayXf silent = Eigen::ArrayXf::Zero(9);
        for (const Eigen::ArrayXf& v : {flat, ramp, silent}) {
            QVERIFY(findPeaks(v).empty());
            Eigen::ArrayXf k(9);
            binFrequencies(v, k);
            for (int f = 0; f < 9; ++f) QCOMPARE(k[f], float(f));
        }
    }

    // Peaks below the relative floor are ignored.
    void peakFloor() {
        Eigen::ArrayXf v = Eigen::ArrayXf::Constant(20, 1e-4f);
        v[5] = 1, v[4] = v[6] = 0.5f;
        v[14] = 0.005f, v[13] = v[15] = 0.002f;  // -46 dB
        QCOMPARE(int(findPeaks(v).size()), 1);
        QCOMPARE(int(findPeaks(v, PeakOptions{0.001f}).size()), 2);
    }

    // Unwrapping from the magnitudes alone reproduces the phase of a stationary sinusoid. On a
    // bin-centred frequency the QIFFT is exact and the error stays below 1e-3 rad over 40 frames;
    // at 440.3 Hz it drifts by at most 0.015 rad per frame (the increment error above).
    void unwrapReproducesSinusoidPhase() {
        StftConfig c = config4096();
        Stft stft(c);
        for (double f0 : {43 * fs / 4096, frequency}) {
            const Spectrogram S = stft.analyse(test::sine(Eigen::Index(fs), f0, fs, 0.5, 0.7));
            const Magnitudes V = S.abs(), truePhase = S.arg();
            const Eigen::Index first = 3, last = S.cols() - 4;
            const Magnitudes sub = V.middleCols(first, last - first + 1);
            Magnitudes init = Magnitudes::Zero(sub.rows(), sub.cols());
            init.col(0) = truePhase.col(first);
            const Magnitudes phi = unwrapPhase(sub, init, c.hop, c.fft());
            const int peak = int(std::lround(f0 * c.fft() / fs));
            for (Eigen::Index t = 0; t < sub.cols(); ++t) {
                const float error = std::abs(wrapPhase(phi(peak, t) - truePhase(peak, first + t)));
                const float allowed = f0 == frequency ? 0.015f * float(t) + 1e-3f : 1e-3f;
                QVERIFY2(error <= allowed, qPrintable(QString("f0 %1 frame %2 error %3").arg(f0).arg(t).arg(error)));
            }
        }
    }

    void unwrapRestartsAndChecksShapes() {
        Magnitudes V = Magnitudes::Constant(9, 4, 1.0f);
        V(4, 0) = V(4, 1) = V(4, 2) = V(4, 3) = 3.0f;
        Magnitudes init = Magnitudes::Constant(9, 4, 0.5f);
        const Magnitudes phi = unwrapPhase(V, init, 2, 16, {false, false, true, false});
        QCOMPARE(phi(4, 0), 0.5f);
        QVERIFY(std::abs(phi(4, 1) - wrapPhase(0.5f + float(2 * std::numbers::pi * 2 * 4 / 16))) < 1e-6f);
        QCOMPARE(phi(4, 2), 0.5f);  // onset: restart
        QVERIFY_THROWS_EXCEPTION(InputError, unwrapPhase(V, Magnitudes::Zero(9, 3), 2, 16));
        QVERIFY_THROWS_EXCEPTION(InputError, unwrapPhase(V, init, 2, 16, {true, false}));
    }
};

QTEST_APPLESS_MAIN(TestSinusoidal)
#include "test_sinusoidal.moc"
