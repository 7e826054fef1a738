// Griffin-Lim / fast Griffin-Lim (core/recovery/griffin_lim.h): librosa's figures, monotone error,
// seeded reproducibility, cancel, progress figures, input errors, initial phases, registry.
#include <QtTest>
#include <atomic>
#include <cmath>
#include <limits>

#include "core/common/error.h"
#include "core/io/audio.h"
#include "core/recovery/griffin_lim.h"
#include "core/recovery/pghi.h"
#include "core/recovery/registry.h"
#include "test_support.h"

using namespace phaselab;
using namespace phaselab::recovery;

namespace {

struct Target {
    Eigen::ArrayXf x;
    Magnitudes V;
    StftConfig config;
};

Target speech(double seconds, bool zeroPhase = true) {
    Target t;
    const Audio a = readAudio(test::sharedAudio("speech_noise_16k_speech.wav"), ReadOptions{Channels::Mono});
    t.x = a.data.col(0).head(Eigen::Index(seconds * a.sampleRate));
    t.config.windowLength = 1024;
    t.config.hop = 256;
    t.config.zeroPhase = zeroPhase;
    Stft stft(t.config);
    t.V = stft.analyse(t.x).abs();
    return t;
}

}  // namespace

class TestRecovery : public QObject {
    Q_OBJECT
private slots:
    // Issue 4 acceptance: librosa 0.11 griffinlim (n_fft 2048, hop 512, Hann, center=True, zero
    // padding, init=None, 100 iterations) gives -19.20 dB, fast GL (0.99) -26.24 dB on the 30 s music
    // mix. With librosa's phase reference (frame start, zeroPhase = false) a zero initial phase is
    // librosa's init=None; we must land within 0.2 dB (measured: -19.200 and -26.236).
    void matchesLibrosaOnMusic() {
        const Audio a = readAudio(test::sharedAudio("music_pbd_44k_mix.wav"), ReadOptions{Channels::Mono});
        StftConfig c;
        c.zeroPhase = false;
        Stft stft(c);
        const Magnitudes V = stft.analyse(a.data.col(0)).abs();
        for (auto [momentum, librosa] : {std::pair{0.0, -19.20}, std::pair{0.99, -26.24}}) {
            GriffinLimParams p;
            p.momentum = momentum;
            p.threads = 2;
            const RecoveryResult r = griffinLim(V, a.frames(), c, p);
            qInfo("momentum %.2f: %.3f dB (librosa %.2f) in %.2f s", momentum, r.spectralConvergenceDb, librosa, r.seconds);
            QVERIFY2(std::abs(r.spectralConvergenceDb - librosa) < 0.2, qPrintable(QString::number(r.spectralConvergenceDb)));
            // the returned figure is that of the returned signal
            QVERIFY(std::abs(spectralConvergenceDb(stft.analyse(r.signal), V) - r.spectralConvergenceDb) < 1e-3);
            QCOMPARE(r.iterations, 100);
            QCOMPARE(int(r.trace.size()), 100);
        }
    }

    // GL never increases the spectral-convergence error nor the inconsistency (exact in the
    // omega-weighted norm; the unweighted figures reported here are allowed 1e-4 relative slack
    // for the DC/Nyquist weighting and float rounding).
    void glErrorNeverIncreases() {
        const Target t = speech(2.0);
        for (auto kind : {InitialPhaseKind::Zero, InitialPhaseKind::Random}) {
            GriffinLimParams p;
            p.iterations = 60;
            p.init.kind = kind;
            p.init.seed = 3;
            const RecoveryResult r = griffinLim(t.V, t.x.size(), t.config, p);
            for (std::size_t k = 1; k < r.trace.size(); ++k) {
                const auto &a = r.trace[k - 1], &b = r.trace[k];
                QVERIFY2(b.objective <= a.objective * (1 + 1e-4), qPrintable(QString("iteration %1").arg(b.iteration)));
                QVERIFY2(b.inconsistency <= a.inconsistency * (1 + 1e-4), qPrintable(QString("iteration %1").arg(b.iteration)));
            }
            QVERIFY(r.trace.back().spectralConvergenceDb < r.trace.front().spectralConvergenceDb - 5);
            QVERIFY(r.spectralConvergenceDb <= r.trace.back().spectralConvergenceDb + 1e-3);
        }
    }

    void fastGlConvergesFaster() {
        const Target t = speech(2.0);
        GriffinLimParams gl, fgla;
        gl.iterations = fgla.iterations = 50;
        fgla.momentum = 0.99;
        const double a = griffinLim(t.V, t.x.size(), t.config, gl).spectralConvergenceDb;
        const double b = griffinLim(t.V, t.x.size(), t.config, fgla).spectralConvergenceDb;
        QVERIFY2(b < a - 2, qPrintable(QString("GL %1 dB, FGLA %2 dB").arg(a).arg(b)));
    }

    void seededRunsReproducible() {
        const Target t = speech(1.0);
        GriffinLimParams p;
        p.iterations = 10;
        p.momentum = 0.99;
        p.init.kind = InitialPhaseKind::Random;
        p.init.seed = 42;
        for (int threads : {1, 2}) {
            p.threads = threads;
            const RecoveryResult a = griffinLim(t.V, t.x.size(), t.config, p);
            const RecoveryResult b = griffinLim(t.V, t.x.size(), t.config, p);
            QVERIFY(a.signal.size() == t.x.size());
            QVERIFY((a.signal == b.signal).all());  // bit for bit
        }
        p.threads = 1;
        const RecoveryResult a = griffinLim(t.V, t.x.size(), t.config, p);
        p.init.seed = 43;
        const RecoveryResult c = griffinLim(t.V, t.x.size(), t.config, p);
        QVERIFY(!(a.signal == c.signal).all());
        // the random phase itself
        InitialPhase init;
        init.kind = InitialPhaseKind::Random;
        init.seed = 7;
        const Magnitudes ph = initialPhase(t.V, t.x.size(), t.config, init);
        QVERIFY((ph == initialPhase(t.V, t.x.size(), t.config, init)).all());
        QVERIFY(ph.minCoeff() >= -float(M_PI) && ph.maxCoeff() < float(M_PI));
        QVERIFY(std::abs(ph.mean()) < 0.05f);
    }

    void cancelStopsBetweenIterations() {
        const Target t = speech(1.0);
        std::atomic<bool> cancel{false};
        int last = 0;
        RunControl control;
        control.cancel = &cancel;
        control.progress = [&](const ProgressReport& r) {
            last = r.iteration;
            if (r.iteration == 3) cancel = true;
        };
        GriffinLimParams p;
        p.iterations = 50;
        QVERIFY_THROWS_EXCEPTION(Cancelled, griffinLim(t.V, t.x.size(), t.config, p, control));
        QCOMPARE(last, 3);
    }

    void progressReportsFigures() {
        const Target t = speech(1.0);
        std::vector<ProgressReport> reports;
        RunControl control;
        control.progress = [&](const ProgressReport& r) { reports.push_back(r); };
        GriffinLimParams p;
        p.iterations = 5;
        const RecoveryResult r = griffinLim(t.V, t.x.size(), t.config, p, control);
        QCOMPARE(int(reports.size()), 5);
        QCOMPARE(reports.back().fraction, 1.0);
        for (int k = 0; k < 5; ++k) {
            QCOMPARE(reports[k].iteration, k + 1);
            QCOMPARE(int(reports[k].figures.size()), 3);
            QCOMPARE(reports[k].figures[0].first, std::string("spectral_convergence_db"));
            QCOMPARE(reports[k].figures[0].second, r.trace[k].spectralConvergenceDb);
            QCOMPARE(reports[k].figures[1].first, std::string("inconsistency"));
            QCOMPARE(reports[k].figures[2].first, std::string("objective"));
        }
        // the message says the iteration and, until the last, the time left
        QCOMPARE(QString::fromStdString(reports[0].message).section(',', 0, 0), QString("iteration 1 / 5"));
        QVERIFY2(QString::fromStdString(reports[0].message).contains(QRegularExpression(", about \\d+ s left$")), reports[0].message.c_str());
        QCOMPARE(reports.back().message, std::string("iteration 5 / 5"));
        QCOMPARE(timeLeftText(200.4), std::string("about 3 min 20 s left"));
        QCOMPARE(timeLeftText(7300), std::string("about 2 h 1 min left"));
        // figures agree with the library's definitions (first iteration: y_1 = iSTFT(V), zero phase)
        Stft stft(t.config);
        const Spectrogram X0 = polar(t.V, Magnitudes::Zero(t.V.rows(), t.V.cols()));
        const Eigen::ArrayXf y1 = stft.synthesise(X0, t.x.size());
        QVERIFY(std::abs(spectralConvergenceDb(stft.analyse(y1), t.V) - r.trace[0].spectralConvergenceDb) < 1e-3);
        QVERIFY(std::abs(inconsistency(stft, X0, t.x.size()).relative - r.trace[0].inconsistency) < 1e-4);
    }

    void givenSignalPhase() {
        const Target t = speech(1.0);
        GriffinLimParams p;
        p.iterations = 1;
        p.init.kind = InitialPhaseKind::Signal;
        p.init.signal = t.x;
        const RecoveryResult r = griffinLim(t.V, t.x.size(), t.config, p);
        QVERIFY2(r.spectralConvergenceDb < -60, qPrintable(QString::number(r.spectralConvergenceDb)));
        QVERIFY((r.signal - t.x).abs().maxCoeff() < 1e-3f * t.x.abs().maxCoeff());
        p.init.signal = t.x.head(100);
        QVERIFY_THROWS_EXCEPTION(InputError, griffinLim(t.V, t.x.size(), t.config, p));
    }

    void badInputsGiveClearErrors() {
        const Target t = speech(0.5);
        auto expectError = [&](const Magnitudes& V, Eigen::Index length, GriffinLimParams p, const QString& words) {
            try {
                griffinLim(V, length, t.config, p);
                QFAIL(qPrintable("no error for: " + words));
            } catch (const InputError& e) {
                QVERIFY2(QString(e.what()).contains(words), e.what());
            }
        };
        GriffinLimParams ok;
        ok.iterations = 2;
        GriffinLimParams p = ok;
        p.momentum = 1.5;
        expectError(t.V, t.x.size(), p, "momentum must be between 0 and 1");
        p.momentum = -0.1;
        expectError(t.V, t.x.size(), p, "momentum must be between 0 and 1");
        p.momentum = std::numeric_limits<double>::quiet_NaN();
        expectError(t.V, t.x.size(), p, "momentum must be between 0 and 1");
        p = ok;
        p.iterations = 0;
        expectError(t.V, t.x.size(), p, "iterations must be at least 1");
        p = ok;
        p.threads = 0;
        expectError(t.V, t.x.size(), p, "threads");
        Magnitudes bad = t.V;
        bad(3, 4) = std::numeric_limits<float>::quiet_NaN();
        expectError(bad, t.x.size(), ok, "NaN");
        bad = t.V;
        bad(3, 4) = -1;
        expectError(bad, t.x.size(), ok, "non-negative");
        expectError(t.V, t.x.size() + 4 * t.config.hop, ok, "needs 513 x");
        expectError(t.V.topRows(100), t.x.size(), ok, "100 bins");
        expectError(Magnitudes::Zero(t.V.rows(), t.V.cols()), t.x.size(), ok, "all zero");
    }

    void registryDescribesEveryAlgorithm() {
        const auto all = recoveryAlgorithms();
        QStringList ids;
        for (const auto* d : all) {
            ids << QString::fromStdString(d->id);
            QVERIFY(!d->name.empty() && !d->summary.empty());
            QCOMPARE(d->category, std::string("recovery"));
            for (const auto& s : d->params) {
                QVERIFY2(!s.tooltip.empty() && !s.label.empty(), s.id.c_str());
                if (s.type == ParamSpec::Type::Choice)
                    QVERIFY(std::find(s.choices.begin(), s.choices.end(), s.defaultChoice) != s.choices.end());
                else
                    QVERIFY2(s.defaultValue >= s.minimum && s.defaultValue <= s.maximum, s.id.c_str());
            }
        }
        QCOMPARE(ids, (QStringList{"gl", "fgla", "pghi", "pu", "bregman"}));
        QCOMPARE(findRecoveryAlgorithm("pghi"), &pghiDescription());
        QCOMPARE(findRecoveryAlgorithm("fgla"), &fastGriffinLimDescription());
        QVERIFY(findRecoveryAlgorithm("nope") == nullptr);
        const GriffinLimParams f = griffinLimParamsFrom(fastGriffinLimDescription(), {}, 16000);
        QCOMPARE(f.momentum, 0.99);
        QCOMPARE(f.iterations, 100);
        const GriffinLimParams g = griffinLimParamsFrom(
            griffinLimDescription(), {{"iterations", 7.0}, {"init", std::string("random")}, {"seed", 5.0}}, 16000);
        QCOMPARE(g.momentum, 0.0);
        QCOMPARE(g.iterations, 7);
        QVERIFY(g.init.kind == InitialPhaseKind::Random);
        QCOMPARE(g.init.seed, 5u);
        QVERIFY_THROWS_EXCEPTION(InputError, griffinLimParamsFrom(griffinLimDescription(), {{"momentum", 2.0}}, 16000));
    }
};

QTEST_APPLESS_MAIN(TestRecovery)
#include "test_recovery.moc"
