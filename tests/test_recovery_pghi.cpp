// PGHI (core/recovery/pghi.h, pghi_gradients.h; algorithms-online.md §1): window constants, the
// gradient estimates against analytic values (Gaussian-windowed sinusoid and chirp, computed with a
// naive DFT here) and against the reference values measured on PhaseLab's own Stft, the signs, an
// exact-heap naive implementation, the masked variant, reproducible random phase, the zero-phase
// conversion, PGHI as an initial phase, bad parameters.
#include <QtTest>
#include <cmath>
#include <complex>
#include <queue>

#include "core/common/error.h"
#include "core/io/audio.h"
#include "core/recovery/griffin_lim.h"
#include "core/recovery/pghi.h"
#include "test_support.h"

using namespace phaselab;
using namespace phaselab::recovery;

namespace {

double princarg(double x) { return x - 2 * M_PI * std::round(x / (2 * M_PI)); }

// Naive STFT with the Gaussian window exp(-pi k^2 / gamma), k = -gl/2 .. gl/2-1, frame n centred on
// sample n*hop, sample k at DFT index k mod M: PhaseLab's (timeinv) convention, zero outside x.
Spectrogram gaussianStft(const Eigen::ArrayXd& x, int gl, int hop, double gamma) {
    const int M = gl, F = M / 2 + 1;
    const Eigen::Index T = 1 + x.size() / hop;
    Spectrogram S(F, T);
    for (Eigen::Index n = 0; n < T; ++n)
        for (int m = 0; m < F; ++m) {
            std::complex<double> c = 0;
            for (int k = -gl / 2; k < gl / 2; ++k) {
                const Eigen::Index s = n * hop + k;
                if (s < 0 || s >= x.size()) continue;
                c += x[s] * std::exp(-M_PI * k * k / gamma) * std::polar(1.0, -2 * M_PI * m * k / M);
            }
            S(m, n) = std::complex<float>(c);
        }
    return S;
}

Magnitudes logOf(const Magnitudes& s) {
    Magnitudes l;
    logMagnitude(s, s.maxCoeff() * 1e-15f, l);
    return l;
}

double scOf(const Magnitudes& V, const Magnitudes& phase, const StftConfig& config, Eigen::Index length) {
    Stft stft(config);
    const Eigen::ArrayXf y = stft.synthesise(polar(V, phase), length);
    return spectralConvergenceDb(stft.analyse(y), V);
}

struct Clip {
    Eigen::ArrayXf x;
    Magnitudes V;
    StftConfig config;
};

// First `seconds` of a shared test signal at window / hop (Hann).
Clip clip(const std::string& name, double seconds, int window, int hop) {
    Clip c;
    const Audio a = readAudio(test::sharedAudio(name), ReadOptions{Channels::Mono});
    c.x = a.data.col(0).head(std::min<Eigen::Index>(a.frames(), Eigen::Index(seconds * a.sampleRate)));
    c.config.windowLength = window;
    c.config.hop = hop;
    Stft stft(c.config);
    c.V = stft.analyse(c.x).abs();
    return c;
}

// The literal §1.5 algorithm, slowly: an exact binary heap (std::priority_queue keyed on the
// magnitude) and a full rescan for the largest unreached coefficient at every island start.
Magnitudes naivePghi(const Magnitudes& V, const PhaseGradients& g, double tol1, double tol2) {
    const Eigen::Index F = V.rows(), T = V.cols();
    Magnitudes phase = Magnitudes::Zero(F, T);
    Eigen::ArrayXXi state = Eigen::ArrayXXi::Zero(F, T);  // 0 below, 1 unknown, 2 known
    const float peak = V.maxCoeff();
    for (double tol : {tol1, tol2}) {
        for (Eigen::Index i = 0; i < V.size(); ++i)
            if (state(i) != 2) state(i) = V(i) > tol * peak ? 1 : 0;
        std::priority_queue<std::pair<float, Eigen::Index>> heap;
        for (Eigen::Index n = 0; n < T; ++n)
            for (Eigen::Index m = 0; m < F; ++m) {
                if (state(m, n) != 2) continue;
                const bool border = (m + 1 < F && state(m + 1, n) == 1) || (m > 0 && state(m - 1, n) == 1) ||
                                    (n + 1 < T && state(m, n + 1) == 1) || (n > 0 && state(m, n - 1) == 1);
                if (border) heap.push({V(m, n), m + n * F});
            }
        while (true) {
            while (!heap.empty()) {
                const Eigen::Index w = heap.top().second, m = w % F, n = w / F;
                heap.pop();
                auto visit = [&](Eigen::Index mm, Eigen::Index nn, double step) {
                    if (state(mm, nn) != 1) return;
                    phase(mm, nn) = float(princarg(phase(m, n) + step));
                    state(mm, nn) = 2;
                    heap.push({V(mm, nn), mm + nn * F});
                };
                if (m + 1 < F) visit(m + 1, n, 0.5 * (g.frequency(m, n) + g.frequency(m + 1, n)));
                if (m > 0) visit(m - 1, n, -0.5 * (g.frequency(m, n) + g.frequency(m - 1, n)));
                if (n + 1 < T) visit(m, n + 1, 0.5 * (g.time(m, n) + g.time(m, n + 1)) + g.timeLinear[m]);
                if (n > 0) visit(m, n - 1, -0.5 * (g.time(m, n) + g.time(m, n - 1)) - g.timeLinear[m]);
            }
            Eigen::Index start = -1;
            for (Eigen::Index i = 0; i < V.size(); ++i)
                if (state(i) == 1 && (start < 0 || V(i) > V(start))) start = i;
            if (start < 0) break;
            phase(start) = 0;
            state(start) = 2;
            heap.push({V(start), start});
        }
    }
    return phase;
}

}  // namespace

class TestRecoveryPghi : public QObject {
    Q_OBJECT

private slots:
    void fittedWindowConstantsMatchTheTable() {
        for (WindowType w : allWindows())
            for (int gl : {256, 1024, 2048}) {
                const double fitted = fittedGammaConstant(makeWindow(w, gl));
                QVERIFY2(std::abs(fitted / windowGammaConstant(w) - 1) < 0.002,
                         qPrintable(QString("%1 %2: fitted %3, table %4").arg(windowName(w)).arg(gl).arg(fitted).arg(windowGammaConstant(w))));
            }
        // A truncated Gaussian whose ends are at 1 % of its peak: C_g = pi / (4 ln 100).
        const int gl = 1024;
        Eigen::ArrayXf g(gl);
        const double gamma = -M_PI * double(gl) * gl / (4 * std::log(0.01));
        for (int k = 0; k < gl; ++k) g[k] = float(std::exp(-M_PI * double(k - gl / 2) * (k - gl / 2) / gamma));
        QVERIFY(std::abs(fittedGammaConstant(g) / (M_PI / (4 * std::log(100.0))) - 1) < 0.01);
        QCOMPARE(pghiGamma(StftConfig{}), 0.25645 * 2048.0 * 2048.0);
    }

    // Gaussian window: the log-magnitude of a stationary sinusoid is exactly quadratic in frequency,
    // so tgrad = 2 pi a nu0 in every bin of its main lobe, and fgrad = 0 (nothing changes in time).
    void gradientsOfAGaussianWindowedSinusoid() {
        const int gl = 256, hop = 16;
        const double gamma = 0.1 * gl * gl, nu0 = 40.3 / gl;
        Eigen::ArrayXd x = (2 * M_PI * nu0 * Eigen::ArrayXd::LinSpaced(2048, 0, 2047) + 0.7).cos();
        const Spectrogram S = gaussianStft(x, gl, hop, gamma);
        StftConfig c;
        c.windowLength = gl;
        c.hop = hop;
        const PhaseGradients g = phaseGradients(logOf(S.abs()), c, gamma);
        const Eigen::Index n = 64;  // far from both ends
        int checked = 0;
        for (int m = 38; m <= 42; ++m) {  // the main lobe: within 2 bins (9 dB) of the peak
            const double tgrad = g.time(m, n) + g.timeLinear[m];
            QVERIFY2(std::abs(princarg(tgrad - 2 * M_PI * hop * nu0)) < 1e-3, qPrintable(QString("bin %1: %2").arg(m).arg(tgrad)));
            QVERIFY2(std::abs(g.frequency(m, n)) < 1e-3, qPrintable(QString("bin %1: fgrad %2").arg(m).arg(g.frequency(m, n))));
            ++checked;
        }
        QCOMPARE(checked, 5);
    }

    // Gaussian-windowed linear chirp whose ridge crosses one bin per frame, nu(n a) = (m0 + n) / M:
    // on the ridge the frequency derivative of the log-magnitude vanishes (tgrad = 2 pi a nu) and so
    // does its time derivative at that frequency (fgrad = 0). Off the ridge, an impulse d samples
    // after a frame centre has phase slope -2 pi d / M exactly.
    void gradientsOfAGaussianWindowedChirpAndImpulse() {
        const int gl = 256, hop = 8, M = gl, m0 = 20;
        const double gamma = 0.1 * gl * gl, rate = 1.0 / (double(M) * hop);  // cycles / sample^2
        const Eigen::Index L = 8 * 256;
        Eigen::ArrayXd t = Eigen::ArrayXd::LinSpaced(L, 0, double(L - 1));
        Eigen::ArrayXd x = (2 * M_PI * (double(m0) / M * t + 0.5 * rate * t.square())).cos();
        const Spectrogram S = gaussianStft(x, gl, hop, gamma);
        StftConfig c;
        c.windowLength = gl;
        c.hop = hop;
        const PhaseGradients g = phaseGradients(logOf(S.abs()), c, gamma);
        for (Eigen::Index n = 40; n <= 60; n += 5) {
            const Eigen::Index m = m0 + n;
            const double expected = 2 * M_PI * hop * double(m) / M;
            QVERIFY2(std::abs(princarg(g.time(m, n) + g.timeLinear[m] - expected)) < 0.02,
                     qPrintable(QString("frame %1: tgrad %2, expected %3").arg(n).arg(g.time(m, n) + g.timeLinear[m]).arg(expected)));
            QVERIFY2(std::abs(g.frequency(m, n)) < 0.02, qPrintable(QString("frame %1: fgrad %2").arg(n).arg(g.frequency(m, n))));
        }
        Eigen::ArrayXd impulse = Eigen::ArrayXd::Zero(L);
        const int d = 5;
        impulse[100 * hop + d] = 1;
        const Spectrogram I = gaussianStft(impulse, gl, hop, gamma);
        const PhaseGradients gi = phaseGradients(logOf(I.abs()), c, gamma);
        for (int m = 1; m < M / 2; m += 17)
            QVERIFY2(std::abs(gi.frequency(m, 100) + 2 * M_PI * d / M) < 1e-3,
                     qPrintable(QString("bin %1: fgrad %2, expected %3").arg(m).arg(gi.frequency(m, 100)).arg(-2 * M_PI * d / M)));
    }

    // Reference values measured with PhaseLab's Stft (Hann 1024, hop 128) in algorithms-online.md §1.2.
    void gradientsOnPhaseLabsStftMatchTheReferenceValues() {
        StftConfig c;
        c.windowLength = 1024;
        c.hop = 128;
        Stft stft(c);
        Eigen::ArrayXf impulse = Eigen::ArrayXf::Zero(16384);
        impulse[40 * 128 + 37] = 1;
        const Spectrogram I = stft.analyse(impulse);
        QVERIFY(std::abs(princarg(std::arg(I(101, 40)) - std::arg(I(100, 40))) - (-0.2270)) < 1e-3);
        const PhaseGradients gi = phaseGradients(logOf(I.abs()), c, pghiGamma(c));
        QVERIFY2(std::abs(gi.frequency(100, 40) - (-0.194)) < 0.01, qPrintable(QString::number(gi.frequency(100, 40))));

        const Eigen::ArrayXf x = test::sine(16384, 100.3, 1024, 0.5);
        const Spectrogram X = stft.analyse(x);
        QVERIFY(std::abs(princarg(std::arg(X(100, 41)) - std::arg(X(100, 40))) - (-2.906)) < 2e-3);
        const PhaseGradients gx = phaseGradients(logOf(X.abs()), c, pghiGamma(c));
        QVERIFY2(std::abs(princarg(gx.time(100, 40) + gx.timeLinear[100]) - (-2.917)) < 2e-3,
                 qPrintable(QString::number(princarg(gx.time(100, 40) + gx.timeLinear[100]))));
        // The main-lobe bins share one phase in the zero-phase convention.
        QVERIFY(std::abs(princarg(std::arg(X(99, 40)) - std::arg(X(101, 40)))) < 0.01);
    }

    void causalFrequencyGradientIsExactForAQuadratic() {
        const Eigen::ArrayXf a = Eigen::ArrayXf::Constant(3, 1.0f), b = Eigen::ArrayXf::Constant(3, 4.0f),
                             c = Eigen::ArrayXf::Constant(3, 9.0f);  // l(n) = n^2 at n = 1, 2, 3
        Eigen::ArrayXf out(3);
        causalFrequencyGradientFrame(c.data(), b.data(), a.data(), 3, 2.0, 1, 1, out.data());
        QCOMPARE(out[1], -12.0f);  // -(gamma / (2 a M)) (3 l(3) - 4 l(2) + l(1)) = -(2 / 2) * 12
    }

    void matchesTheExactHeapNaiveImplementation() {
        const Clip c = clip("speech_noise_16k_speech.wav", 2.0, 512, 64);
        const PhaseGradients g = phaseGradients(logOf(c.V), c.config, pghiGamma(c.config));
        const Magnitudes fast = pghiIntegrate(c.V, g, {});
        const Magnitudes slow = naivePghi(c.V, g, 1e-1, 1e-10);
        const double scFast = scOf(c.V, fast, c.config, c.x.size()), scSlow = scOf(c.V, slow, c.config, c.x.size());
        qInfo("PGHI SC %.3f dB, exact-heap naive %.3f dB", scFast, scSlow);
        QVERIFY(scSlow < -15);
        QVERIFY2(std::abs(scFast - scSlow) < 0.1, qPrintable(QString("%1 vs %2").arg(scFast).arg(scSlow)));
        // Same phase (within float rounding) on most of the energy: only near-equal magnitudes are
        // visited in another order.
        const Magnitudes diff = (fast - slow).unaryExpr([](float d) { return float(std::abs(princarg(d))); });
        const double energy = c.V.square().cast<double>().sum();
        const double same = ((diff < 1e-3).cast<float>() * c.V.square()).cast<double>().sum();
        QVERIFY2(same / energy > 0.9, qPrintable(QString::number(same / energy)));
    }

    void reachesTheReferenceFigures() {
        // algorithms-online.md §1.8: speech 512/64 -20.87 dB (15 s of two_speakers spk1); music -23.44.
        const Clip speech = clip("two_speakers_16k_spk1.wav", 15, 512, 64);
        const double sc = pghiRecovery(speech.V, speech.x.size(), speech.config).spectralConvergenceDb;
        qInfo("PGHI on two_speakers_16k_spk1, 512/64: %.2f dB (reference -20.87)", sc);
        QVERIFY(sc < -20.3 && sc > -21.5);
    }

    void flippingAGradientSignCostsAtLeastFiveDb() {
        const Clip c = clip("music_pbd_16k_mix.wav", 4.0, 512, 64);
        const PhaseGradients g = phaseGradients(logOf(c.V), c.config, pghiGamma(c.config));
        const double right = scOf(c.V, pghiIntegrate(c.V, g, {}), c.config, c.x.size());
        PhaseGradients flippedTime = g, flippedFrequency = g;
        flippedTime.time = -g.time;
        flippedFrequency.frequency = -g.frequency;
        const double wrongTime = scOf(c.V, pghiIntegrate(c.V, flippedTime, {}), c.config, c.x.size());
        const double wrongFrequency = scOf(c.V, pghiIntegrate(c.V, flippedFrequency, {}), c.config, c.x.size());
        qInfo("SC %.2f dB; time gradient flipped %.2f, frequency gradient flipped %.2f", right, wrongTime, wrongFrequency);
        QVERIFY(wrongTime > right + 5);
        QVERIFY(wrongFrequency > right + 5);
    }

    void maskedVariantKeepsTheKnownPhaseExactly() {
        const Clip c = clip("speech_noise_16k_speech.wav", 2.0, 512, 128);
        Stft stft(c.config);
        const Magnitudes truePhase = phaseOf(stft.analyse(c.x));
        KnownPhase known;
        known.mask = (c.V > c.V.maxCoeff() * 0.05f).cast<unsigned char>();
        known.phase = truePhase;
        const Magnitudes phase = pghiPhase(c.V, c.config, {}, &known);
        Eigen::Index kept = 0;
        for (Eigen::Index i = 0; i < phase.size(); ++i)
            if (known.mask(i)) {
                QCOMPARE(phase(i), truePhase(i));
                ++kept;
            }
        QVERIFY(kept > 100);
        // Integrating from the true phase of the strong coefficients beats PGHI from scratch.
        const double masked = scOf(c.V, phase, c.config, c.x.size()), plain = scOf(c.V, pghiPhase(c.V, c.config), c.config, c.x.size());
        qInfo("SC with the true phase above -26 dB kept: %.2f dB; PGHI alone %.2f dB", masked, plain);
        QVERIFY(masked < plain - 2);
        KnownPhase wrong = known;
        wrong.mask.resize(3, 3);
        QVERIFY_THROWS_EXCEPTION(InputError, pghiPhase(c.V, c.config, {}, &wrong));
    }

    void randomPhaseBelowToleranceIsSeeded() {
        // Half a second of silence: its coefficients are below every tolerance.
        Eigen::ArrayXf x = test::sine(16000, 440, 16000);
        x.segment(4000, 8000).setZero();
        StftConfig c;
        c.windowLength = 512;
        c.hop = 128;
        Stft stft(c);
        const Magnitudes V = stft.analyse(x).abs();
        PghiParams p;
        const Magnitudes a = pghiPhase(V, c, p), b = pghiPhase(V, c, p);
        QVERIFY((a == b).all());
        p.seed = 7;
        const Magnitudes other = pghiPhase(V, c, p);
        const Eigen::Index silent = 60;  // a frame inside the silence
        QVERIFY((V.col(silent) == 0).all());
        QVERIFY((other.col(silent) != a.col(silent)).any());
        QVERIFY((other.col(5) == a.col(5)).all());  // the integrated part does not depend on the seed
    }

    void startConventionGivesTheSameSignal() {
        const Clip c = clip("speech_noise_16k_speech.wav", 1.0, 512, 128);
        StftConfig start = c.config;
        start.zeroPhase = false;
        Stft centred(c.config), fromStart(start);
        const Eigen::ArrayXf a = centred.synthesise(polar(c.V, pghiPhase(c.V, c.config)), c.x.size());
        const Eigen::ArrayXf b = fromStart.synthesise(polar(c.V, pghiPhase(c.V, start)), c.x.size());
        QVERIFY2((a - b).abs().maxCoeff() < 1e-4f * a.abs().maxCoeff(), qPrintable(QString::number((a - b).abs().maxCoeff())));
    }

    void fastGriffinLimStartsBetterFromPghi() {
        const Clip c = clip("music_pbd_16k_mix.wav", 4.0, 512, 64);
        GriffinLimParams p;
        p.iterations = 100;
        p.momentum = 0.99;
        const double fromZero = griffinLim(c.V, c.x.size(), c.config, p).spectralConvergenceDb;
        p.init.kind = InitialPhaseKind::Pghi;
        const double fromPghi = griffinLim(c.V, c.x.size(), c.config, p).spectralConvergenceDb;
        qInfo("FGLA 100 iterations (512/64) from zero %.2f dB, from PGHI %.2f dB", fromZero, fromPghi);
        QVERIFY(fromPghi < fromZero - 3);
        QCOMPARE(initialPhaseFromName("pghi"), InitialPhaseKind::Pghi);
    }

    void badParametersAreRefusedClearly() {
        const Clip c = clip("speech_noise_16k_speech.wav", 0.5, 512, 128);
        auto refuses = [&](PghiParams p, StftConfig config, const char* words) {
            try {
                const Magnitudes V = Magnitudes::Ones(config.bins(), c.V.cols());
                pghiPhase(V, config, p);
            } catch (const InputError& e) {
                QVERIFY2(QString(e.what()).contains(words), e.what());
                return;
            }
            QFAIL(qPrintable(QString("accepted: ") + words));
        };
        PghiParams p;
        p.tolerance = 0;
        refuses(p, c.config, "between 0 and 1");
        p.tolerance = 1.5;
        refuses(p, c.config, "between 0 and 1");
        p.tolerance = std::nan("");
        refuses(p, c.config, "between 0 and 1");
        p = {};
        p.secondTolerance = 0.5;
        refuses(p, c.config, "must not exceed");
        StftConfig tiny;
        tiny.windowLength = 8;
        tiny.hop = 2;
        refuses({}, tiny, "too short");
        Magnitudes bad = c.V;
        bad(3, 3) = std::nanf("");
        QVERIFY_THROWS_EXCEPTION(InputError, pghiPhase(bad, c.config));
        QVERIFY_THROWS_EXCEPTION(InputError, pghiParamsFrom({{"tolerance", 2.0}}));
        QVERIFY_THROWS_EXCEPTION(InputError, pghiRecovery(Magnitudes::Zero(c.V.rows(), c.V.cols()), c.x.size(), c.config));
    }
};

QTEST_GUILESS_MAIN(TestRecoveryPghi)
#include "test_recovery_pghi.moc"
