// Beta-divergence phase retrieval (core/recovery/bregman.h, algorithms.md §9): finite-difference
// gradient checks (several beta, d = 1 and 2, both sides), the divergence itself, the ADMM
// proximal step, equivalence with Griffin-Lim (beta 2, d 1, step 1), descent, seeds, errors.
#include <QtTest>
#include <atomic>
#include <cmath>
#include <random>

#include "core/common/error.h"
#include "core/io/audio.h"
#include "core/recovery/bregman.h"
#include "core/recovery/griffin_lim.h"
#include "test_support.h"

using namespace phaselab;
using namespace phaselab::recovery;

namespace {

StftConfig smallConfig() {
    StftConfig c;
    c.windowLength = 256;
    c.hop = 64;
    return c;
}

struct Speech {
    Eigen::ArrayXf x;
    Magnitudes V;
    StftConfig config;
};

Speech speech(double seconds) {
    Speech s;
    const Audio a = readAudio(test::sharedAudio("speech_noise_16k_speech.wav"), ReadOptions{Channels::Mono});
    s.x = a.data.col(0).head(Eigen::Index(seconds * a.sampleRate));
    s.config.windowLength = 1024;
    s.config.hop = 256;
    Stft stft(s.config);
    s.V = stft.analyse(s.x).abs();
    return s;
}

const char* sideName(BregmanSide s) { return s == BregmanSide::Right ? "right" : "left"; }

}  // namespace

class TestRecoveryBregman : public QObject {
    Q_OBJECT
private slots:
    // d_beta against its closed forms and basic properties.
    void betaDivergenceValues() {
        const double a = 0.7, b = 1.9;
        QVERIFY(std::abs(betaDivergence(a, b, 2) - 0.5 * (a - b) * (a - b)) < 1e-15);
        QVERIFY(std::abs(betaDivergence(a, b, 1) - (a * std::log(a / b) - a + b)) < 1e-15);
        QVERIFY(std::abs(betaDivergence(a, b, 0) - (a / b - std::log(a / b) - 1)) < 1e-15);
        // the general formula tends to the KL / IS limits
        QVERIFY(std::abs(betaDivergence(a, b, 1 + 1e-6) - betaDivergence(a, b, 1)) < 1e-5);
        QVERIFY(std::abs(betaDivergence(a, b, 1e-6) - betaDivergence(a, b, 0)) < 1e-5);
        QVERIFY(std::abs(betaDivergence(a, b, 0.5) - (std::pow(a, 0.5) - 0.5 * std::pow(b, 0.5) - 0.5 * a * std::pow(b, -0.5)) /
                                                         (0.5 * -0.5)) < 1e-14);
        for (double beta : {0.0, 0.5, 1.0, 1.5, 2.0}) {
            QVERIFY(std::abs(betaDivergence(a, a, beta)) < 1e-14);
            QVERIFY(betaDivergence(a, b, beta) > 0 && betaDivergence(b, a, beta) > 0);
        }
    }

    // <grad J(x), v> against a central difference of J along a random direction v. eps = 1 keeps
    // the curvature bounded so that float STFTs and h = 1e-3 resolve the derivative to ~4e-4;
    // the gradient formula does not depend on eps.
    void gradientMatchesFiniteDifferences() {
        const StftConfig c = smallConfig();
        std::mt19937 g(1);
        std::normal_distribution<float> n(0, 1);
        Eigen::ArrayXf x(2000), v(2000), other(2000);
        for (auto* a : {&x, &v, &other})
            for (auto& e : *a) e = n(g);
        Stft stft(c);
        const Magnitudes V = stft.analyse(other).abs();
        const double h = 1e-3;
        for (double beta : {0.0, 0.5, 1.0, 1.5, 2.0})
            for (int d : {1, 2})
                for (auto side : {BregmanSide::Right, BregmanSide::Left}) {
                    BregmanParams p;
                    p.beta = beta;
                    p.power = d;
                    p.side = side;
                    p.eps = 1.0;
                    const double analytic = (bregmanGradient(x, V, c, p) * v.cast<double>()).sum();
                    const double numeric =
                        (bregmanObjective(x + float(h) * v, V, c, p) - bregmanObjective(x - float(h) * v, V, c, p)) / (2 * h);
                    const double rel = std::abs(analytic - numeric) / std::abs(numeric);
                    QVERIFY2(rel < 2e-3, qPrintable(QString("beta %1 d %2 %3: analytic %4 numeric %5")
                                                       .arg(beta).arg(d).arg(sideName(side)).arg(analytic).arg(numeric)));
                }
    }

    // The ADMM proximal step minimises D(u^d + eps) + rho/2 (u - y)^2 over u >= 0: no point of a
    // fine grid does better (closed forms for beta 2, KL right, IS left with d = 1; Newton otherwise).
    void proxIsTheMinimiser() {
        std::mt19937 g(5);
        std::uniform_real_distribution<double> u01(0.05, 3.0);
        for (double beta : {0.0, 0.5, 1.0, 1.5, 2.0})
            for (int d : {1, 2})
                for (auto side : {BregmanSide::Right, BregmanSide::Left})
                    for (double rho : {0.1, 2.0})
                        for (int trial = 0; trial < 5; ++trial) {
                            BregmanParams p;
                            p.beta = beta, p.power = d, p.side = side, p.rho = rho, p.eps = 1e-8;
                            const double y = u01(g), r = u01(g);
                            auto phi = [&](double u) {
                                const double z = std::pow(u, d) + p.eps, rr = r + p.eps;
                                const double D = side == BregmanSide::Right ? betaDivergence(rr, z, beta) : betaDivergence(z, rr, beta);
                                return D + 0.5 * rho * (u - y) * (u - y);
                            };
                            const double u = bregmanProx(y, r, p);
                            QVERIFY(u >= 0);
                            double best = phi(u);
                            for (double w = 1e-4; w < 6; w += 1e-3) best = std::min(best, phi(w));
                            QVERIFY2(phi(u) <= best + 1e-9 * (1 + std::abs(best)),
                                     qPrintable(QString("beta %1 d %2 %3 rho %4 y %5 r %6: u %7 phi %8 grid %9")
                                                    .arg(beta).arg(d).arg(sideName(side)).arg(rho).arg(y).arg(r).arg(u)
                                                    .arg(phi(u), 0, 'g', 12).arg(best, 0, 'g', 12)));
                        }
    }

    // beta = 2, d = 1, step 1, no acceleration: each gradient step is exactly a Griffin-Lim step.
    void quadraticStepIsGriffinLim() {
        const Speech s = speech(1.0);
        for (int iterations : {1, 5}) {
            BregmanParams b;
            b.beta = 2, b.power = 1, b.step = 1, b.acceleration = 0, b.iterations = iterations, b.eps = 1e-30;
            GriffinLimParams gl;
            gl.iterations = iterations;
            const RecoveryResult rb = bregmanRetrieval(s.V, s.x.size(), s.config, b);
            const RecoveryResult rg = griffinLim(s.V, s.x.size(), s.config, gl);
            const float scale = rg.signal.abs().maxCoeff();
            QVERIFY2((rb.signal - rg.signal).abs().maxCoeff() < 1e-4f * scale,
                     qPrintable(QString::number((rb.signal - rg.signal).abs().maxCoeff() / scale)));
            QVERIFY(std::abs(rb.spectralConvergenceDb - rg.spectralConvergenceDb) < 0.01);
        }
    }

    // Plain gradient descent with a small step decreases the objective at every iteration.
    void gradientDescentDecreasesObjective() {
        const Speech s = speech(1.0);
        for (auto [beta, d, step] : {std::tuple{1.0, 1, 1e-3}, std::tuple{1.5, 2, 0.01}, std::tuple{2.0, 1, 0.5}}) {
            BregmanParams b;
            b.beta = beta, b.power = d, b.step = step, b.acceleration = 0, b.iterations = 15;
            const RecoveryResult r = bregmanRetrieval(s.V, s.x.size(), s.config, b);
            for (std::size_t k = 1; k < r.trace.size(); ++k)
                QVERIFY2(r.trace[k].objective <= r.trace[k - 1].objective,
                         qPrintable(QString("beta %1 d %2 iteration %3").arg(beta).arg(d).arg(k + 1)));
            QVERIFY(r.trace.back().objective < 0.9 * r.trace.front().objective);
        }
    }

    // ADMM (closed-form KL prox and generic Newton prox) improves the spectral convergence and
    // reports its primal residual as the inconsistency.
    void admmImproves() {
        const Speech s = speech(1.0);
        for (double beta : {1.0, 0.5}) {
            BregmanParams b;
            b.beta = beta, b.solver = BregmanSolver::Admm, b.iterations = 20;
            const RecoveryResult r = bregmanRetrieval(s.V, s.x.size(), s.config, b);
            QVERIFY2(r.spectralConvergenceDb < r.trace.front().spectralConvergenceDb - 3,
                     qPrintable(QString("beta %1: %2 -> %3").arg(beta).arg(r.trace.front().spectralConvergenceDb).arg(r.spectralConvergenceDb)));
            QVERIFY(r.trace[5].inconsistency > 0 && r.trace[5].inconsistency < 1);
            QCOMPARE(int(r.trace.size()), 20);
        }
    }

    void seededAndScaleFree() {
        const Speech s = speech(0.5);
        BregmanParams b;
        b.iterations = 8;
        b.init.kind = InitialPhaseKind::Random;
        b.init.seed = 11;
        const RecoveryResult a1 = bregmanRetrieval(s.V, s.x.size(), s.config, b);
        const RecoveryResult a2 = bregmanRetrieval(s.V, s.x.size(), s.config, b);
        QVERIFY((a1.signal == a2.signal).all());
        // scaling the target scales the result (the step is scale-free)
        const RecoveryResult a3 = bregmanRetrieval(s.V * 8.0f, s.x.size(), s.config, b);
        QVERIFY((a3.signal - 8.0f * a1.signal).abs().maxCoeff() < 1e-3f * 8.0f * a1.signal.abs().maxCoeff());
    }

    void cancelStopsBetweenIterations() {
        const Speech s = speech(1.0);
        for (auto solver : {BregmanSolver::GradientDescent, BregmanSolver::Admm}) {
            std::atomic<bool> cancel{false};
            int last = 0;
            RunControl control;
            control.cancel = &cancel;
            control.progress = [&](const ProgressReport& r) {
                last = r.iteration;
                if (r.iteration == 2) cancel = true;
            };
            BregmanParams b;
            b.solver = solver;
            b.iterations = 30;
            QVERIFY_THROWS_EXCEPTION(Cancelled, bregmanRetrieval(s.V, s.x.size(), s.config, b, control));
            QCOMPARE(last, 2);
        }
    }

    void badParameters() {
        const Speech s = speech(1.0);
        auto expectError = [&](BregmanParams p, const QString& words) {
            try {
                bregmanRetrieval(s.V, s.x.size(), s.config, p);
                QFAIL(qPrintable("no error for: " + words));
            } catch (const InputError& e) {
                QVERIFY2(QString(e.what()).contains(words), e.what());
            }
        };
        BregmanParams p;
        p.iterations = 2;
        auto q = p; q.beta = 2.5; expectError(q, "beta must be between 0 and 2");
        q = p; q.beta = std::nan(""); expectError(q, "beta must be between 0 and 2");
        q = p; q.power = 3; expectError(q, "power d must be 1");
        q = p; q.acceleration = 1; expectError(q, "acceleration");
        q = p; q.rho = 0; expectError(q, "rho must be positive");
        q = p; q.step = -1; expectError(q, "step must be positive");
        q = p; q.iterations = 0; expectError(q, "iterations must be at least 1");
        Magnitudes bad = s.V;
        bad(0, 0) = std::numeric_limits<float>::infinity();
        QVERIFY_THROWS_EXCEPTION(InputError, bregmanRetrieval(bad, s.x.size(), s.config, p));
        QVERIFY_THROWS_EXCEPTION(InputError, bregmanRetrieval(s.V, s.x.size() * 2, s.config, p));
        const BregmanParams fromValues = bregmanParamsFrom({{"beta", 0.5}, {"side", std::string("left")},
                                                            {"solver", std::string("admm")}, {"power", 2.0}}, 16000);
        QCOMPARE(fromValues.beta, 0.5);
        QVERIFY(fromValues.side == BregmanSide::Left && fromValues.solver == BregmanSolver::Admm && fromValues.power == 2);
        QVERIFY_THROWS_EXCEPTION(InputError, bregmanParamsFrom({{"power", 3.0}}, 16000));
    }
};

QTEST_APPLESS_MAIN(TestRecoveryBregman)
#include "test_recovery_bregman.moc"
