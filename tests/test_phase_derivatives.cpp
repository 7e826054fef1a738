// Instantaneous frequency and group delay against analytic signals.
#include <QtTest>

#include "core/phase/phase_derivatives.h"
#include "core/io/audio.h"
#include "test_support.h"

using namespace phaselab;

class TestPhaseDerivatives : public QObject {
    Q_OBJECT
private slots:
    void stationarySinusoid() {
        const double sr = 16000, f0 = 1234.5;
        const StftConfig c{WindowType::Hann, 1024, 256};
        Stft stft(c);
        const Spectrogram S = stft.analyse(test::sine(32000, f0, sr));
        const Magnitudes IF = instantaneousFrequencyHz(S, c.hop, c.fft(), sr);
        const int k = int(std::lround(f0 * c.fft() / sr));
        for (Eigen::Index t = 4; t < S.cols() - 4; t += 10)
            // The estimate is unambiguous within +-2 bins of the partial at hop = N/4.
            for (int f = k - 1; f <= k + 1; ++f) QVERIFY2(std::abs(IF(f, t) - f0) < 0.5, qPrintable(QString::number(IF(f, t))));
    }

    void chirpWithinOneBin() {
        // sox "synth 2 sine 50:7500" is a linear sweep (':' in sox; shared/testaudio calls it
        // exponential): f(t) = 50 + 7450 t / 2.
        const Audio chirp = readAudio(test::sharedAudio("chirp_16k.wav"));
        const StftConfig c{WindowType::Hann, 1024, 128};
        Stft stft(c);
        const Spectrogram S = stft.analyse(chirp.data.col(0));
        const Magnitudes IF = instantaneousFrequencyHz(S, c.hop, c.fft(), chirp.sampleRate);
        const double binHz = chirp.sampleRate / c.fft();
        int checked = 0;
        for (Eigen::Index t = 20; t < S.cols() - 20; t += 5) {
            Eigen::Index peak;
            S.col(t).abs().maxCoeff(&peak);
            const double expected = 50.0 + 7450.0 * (t * c.hop / chirp.sampleRate) / 2.0;
            if (expected < 200 || expected > 7000) continue;
            QVERIFY2(std::abs(IF(peak, t) - expected) < binHz,
                     qPrintable(QString("t=%1 IF %2 expected %3").arg(t).arg(IF(peak, t)).arg(expected)));
            ++checked;
        }
        QVERIFY(checked > 30);
    }

    void groupDelayOfAnImpulse() {
        const double sr = 16000;
        const StftConfig c{WindowType::Hann, 512, 128};
        Stft stft(c);
        Eigen::ArrayXf x = Eigen::ArrayXf::Zero(8000);
        x[20 * 128 + 37] = 1;  // 37 samples after the centre of frame 20
        const Spectrogram S = stft.analyse(x);
        const Magnitudes gd = groupDelayMs(S, c.fft(), sr);
        const float expectedMs = float(37 / sr * 1000);
        for (int f = 5; f < 250; f += 9) QVERIFY2(std::abs(gd(f, 20) - expectedMs) < 1e-3f, qPrintable(QString::number(gd(f, 20))));
    }
};

QTEST_GUILESS_MAIN(TestPhaseDerivatives)
#include "test_phase_derivatives.moc"
