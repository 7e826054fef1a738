// Complex ISNMF and BAG: the H update's fixed point (the -q/2 derivation), conservativeness, required inputs.
#include <QtTest>
#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "core/common/error.h"
#include "core/io/audio.h"
#include "core/separation/bayesian_ag.h"
#include "core/separation/complex_isnmf.h"
#include "core/separation/complex_nmf.h"
#include "core/separation/magnitudes.h"
#include "core/separation/masks.h"
#include "test_support.h"

using namespace phaselab;
using namespace phaselab::separation;
using nmf::Matrix;

namespace {

// An excerpt of the 16 kHz piano/bass/drums set from 1 s on: the named stems, their sum and the
// oracle input at 1024/256.
struct Excerpt {
    std::vector<Eigen::ArrayXf> sources;
    Eigen::ArrayXf mix;
    SeparationInput input;
};

Excerpt musicExcerpt(std::initializer_list<const char*> names, Eigen::Index samples) {
    Excerpt e;
    for (const char* name : names)
        e.sources.push_back(readAudio(test::sharedAudio(std::string("music_pbd_16k_") + name + ".wav")).mono().segment(16000, samples));
    e.mix = Eigen::ArrayXf::Zero(samples);
    for (const auto& s : e.sources) e.mix += s;
    StftConfig c;
    c.windowLength = 1024;
    c.hop = 256;
    e.input = makeInput(e.mix, c, oracleMagnitudes(e.sources, e.mix.size(), c));
    return e;
}

}  // namespace

class TestSeparationComplex : public QObject {
    Q_OBJECT
private slots:
    void hUpdateConvergesToTheClosedFormVariance() {
        // With W = I, v = H elementwise and the update's fixed point must minimise log v + p/v + q/sqrt(v),
        // i.e. v = ((q + sqrt(q^2 + 16 p)) / 4)^2 (algorithms.md §7.4). The reference code's -q (instead of
        // -q/2) would converge to ((2q + sqrt(4q^2 + 16p)) / 4)^2 instead.
        const int F = 6, T = 5;
        std::mt19937 g(2);
        std::uniform_real_distribution<float> up(0.1f, 3.0f), uq(-2.0f, 0.0f);
        Matrix p(F, T), q(F, T);
        for (Eigen::Index i = 0; i < p.size(); ++i) {
            p.data()[i] = up(g);
            q.data()[i] = uq(g);
        }
        const Matrix W = Matrix::Identity(F, F);
        Matrix H = Matrix::Ones(F, T);
        for (int it = 0; it < 300; ++it) complexIsNmfUpdateH(W, H, p, q);
        for (Eigen::Index i = 0; i < p.size(); ++i) {
            const double pp = p.data()[i], qq = q.data()[i];
            const double closed = std::pow((qq + std::sqrt(qq * qq + 16 * pp)) / 4, 2);
            const double codeVariant = std::pow((2 * qq + std::sqrt(4 * qq * qq + 16 * pp)) / 4, 2);
            QVERIFY2(std::abs(H.data()[i] - closed) < 1e-4 * closed,
                     qPrintable(QString("%1 vs closed form %2").arg(H.data()[i]).arg(closed)));
            if (qq < -0.2) QVERIFY(std::abs(codeVariant - closed) > 1e-3 * closed);  // the two really differ
        }
    }

    void isConservativeAndNeedsIsolatedSources() {
        const Excerpt ex = musicExcerpt({"piano", "bass"}, 16000);
        const std::vector<Eigen::ArrayXf>& src = ex.sources;
        const Eigen::ArrayXf& mix = ex.mix;
        SeparationInput in = ex.input;
        ComplexIsNmfParams p;
        p.components = 5;
        p.learnIterations = 30;
        p.initIterations = 10;
        p.iterations = 8;
        QVERIFY_THROWS_EXCEPTION(InputError, runComplexIsNmf(in, p));
        in.isolated = src;
        for (double kappa : {0.0, 0.5}) {
            p.kappa = kappa;
            const SeparationResult r = runComplexIsNmf(in, p);
            QCOMPARE(int(r.trace.size()), 8);
            const Spectrogram sum = r.stfts[0] + r.stfts[1];
            QVERIFY((sum - in.mixtureStft).abs().maxCoeff() < 1e-4f * in.mixtureStft.abs().maxCoeff());
            for (const auto& s : r.stfts) QVERIFY(s.allFinite());
            // Better than nothing: each estimate is closer to its source than the mixture is.
            for (int j = 0; j < 2; ++j)
                QVERIFY((src[j] - r.waveforms[j]).matrix().norm() < (src[j] - mix).matrix().norm());
        }
    }

    void closedFormVarianceMinimises() {
        // The BAG variance update is the minimiser of log v + p/v + q/sqrt(v): compare with a fine grid.
        for (auto [p, q] : {std::pair{1.0f, 0.0f}, {2.0f, -1.5f}, {0.3f, 0.8f}, {5.0f, -4.0f}}) {
            auto cost = [&](double v) { return std::log(v) + p / v + q / std::sqrt(v); };
            const double v = closedFormVariance(p, q);
            for (double w = 1e-3; w < 50; w *= 1.01) QVERIFY2(cost(v) <= cost(w) + 1e-9, qPrintable(QString("p %1 q %2 at %3").arg(p).arg(q).arg(w)));
        }
        QCOMPARE(closedFormVariance(1.0f, 0.0f), 1.0f);  // q = 0: the IS minimiser v = p
    }

    void bagIsWienerAtKappaZeroAndConservative() {
        const Excerpt ex = musicExcerpt({"piano", "bass", "drums"}, 24000);
        const std::vector<Eigen::ArrayXf>& src = ex.sources;
        const Eigen::ArrayXf& mix = ex.mix;
        const SeparationInput in = ex.input;
        BagParams p;
        p.kappa = 0;
        p.iterations = 3;
        const SeparationResult wiener = runMask(in, {MaskType::Ratio, 2.0});
        const SeparationResult zero = runBayesianAg(in, p);
        for (int j = 0; j < 3; ++j)
            QVERIFY((zero.stfts[j] - wiener.stfts[j]).abs().maxCoeff() < 1e-4f * in.mixtureStft.abs().maxCoeff());

        p = BagParams{};  // kappa 5, tau 0.5
        p.iterations = 20;
        for (bool update : {false, true}) {
            p.updateVariances = update;
            const SeparationResult r = runBayesianAg(in, p);
            QCOMPARE(int(r.trace.size()), 20);
            const Spectrogram sum = r.stfts[0] + r.stfts[1] + r.stfts[2];
            QVERIFY((sum - in.mixtureStft).abs().maxCoeff() < 1e-4f * in.mixtureStft.abs().maxCoeff());
            for (const auto& s : r.stfts) QVERIFY(s.allFinite());
            for (int j = 0; j < 3; ++j)
                QVERIFY((src[j] - r.waveforms[j]).matrix().norm() < (src[j] - mix).matrix().norm());
        }
        p.tau = -1;
        QVERIFY_THROWS_EXCEPTION(InputError, runBayesianAg(in, p));
        QVERIFY_THROWS_EXCEPTION(InputError, bagParams({{"kappa", -2.0}}));
    }

    void complexNmfIsConservativeAndDescends() {
        const Excerpt ex = musicExcerpt({"piano", "bass"}, 16000);
        const std::vector<Eigen::ArrayXf>& src = ex.sources;
        const Eigen::ArrayXf& mix = ex.mix;
        SeparationInput in = ex.input;
        ComplexNmfParams p;
        p.components = 5;
        p.learnIterations = 30;
        p.initIterations = 10;
        p.iterations = 15;
        QVERIFY_THROWS_EXCEPTION(InputError, runComplexNmf(in, p));
        in.isolated = src;
        for (double sigma : {0.0, 0.05}) {
            p.sigma = sigma;
            const SeparationResult r = runComplexNmf(in, p);
            QCOMPARE(int(r.trace.size()), 15);
            const Spectrogram sum = r.stfts[0] + r.stfts[1];
            QVERIFY((sum - in.mixtureStft).abs().maxCoeff() < 1e-4f * in.mixtureStft.abs().maxCoeff());
            const double first = r.trace.front().figures[0].second, last = r.trace.back().figures[0].second;
            QVERIFY2(last < first, qPrintable(QString("objective %1 -> %2").arg(first).arg(last)));
            for (int j = 0; j < 2; ++j)
                QVERIFY((src[j] - r.waveforms[j]).matrix().norm() < (src[j] - mix).matrix().norm());
        }
    }

    // Cancel reaches the inner NMF fits (dictionary learning, the mixture fit): a 10^7-iteration
    // learning stage stops as soon as the flag is set (it used to ignore it).
    void cancelStopsTheDictionaryLearning() {
        Excerpt ex = musicExcerpt({"piano", "bass"}, 16000);
        ex.input.isolated = ex.sources;
        for (int which = 0; which < 2; ++which) {
            std::atomic<bool> cancel{false};
            RunControl control;
            control.cancel = &cancel;
            std::thread stopper([&] {
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
                cancel = true;
            });
            if (which == 0) {
                ComplexIsNmfParams p;
                p.learnIterations = 10000000;
                QVERIFY_THROWS_EXCEPTION(Cancelled, runComplexIsNmf(ex.input, p, control));
            } else {
                ComplexNmfParams p;
                p.learnIterations = 10000000;
                QVERIFY_THROWS_EXCEPTION(Cancelled, runComplexNmf(ex.input, p, control));
            }
            stopper.join();
        }
    }
};

QTEST_GUILESS_MAIN(TestSeparationComplex)
#include "test_separation_complex.moc"
