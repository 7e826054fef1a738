// Phase-aware separation: anisotropic Wiener (AW, AW-var), consistent Wiener (CW), consistent
// anisotropic Wiener (CAW), PU-Iter, Bregman MISI, and their PGHI starts (source_start.h).
// Invariants on short 16 kHz excerpts.
#include <QtTest>
#include <Eigen/LU>
#include <random>

#include "core/common/error.h"
#include "core/io/audio.h"
#include "core/separation/anisotropic_wiener.h"
#include "core/separation/bregman_misi.h"
#include "core/separation/consistent_anisotropic_wiener.h"
#include "core/separation/consistent_wiener.h"
#include "core/separation/magnitudes.h"
#include "core/separation/masks.h"
#include "core/separation/misi.h"
#include "core/separation/pcg.h"
#include "core/separation/pu_iter.h"
#include "core/separation/source_start.h"
#include "core/recovery/pghi.h"
#include "test_support.h"

using namespace phaselab;
using namespace phaselab::separation;
using cd = std::complex<double>;

namespace {

struct Set {
    Eigen::ArrayXf mix;
    std::vector<Eigen::ArrayXf> sources;
};

Set music(int J = 3, double seconds = 1.5) {
    Set s;
    const Eigen::Index n = Eigen::Index(seconds * 16000);
    const char* names[] = {"piano", "bass", "drums"};
    for (int j = 0; j < J; ++j)
        s.sources.push_back(readAudio(test::sharedAudio(std::string("music_pbd_16k_") + names[j] + ".wav")).mono().segment(16000, n));
    s.mix = Eigen::ArrayXf::Zero(n);
    for (const auto& x : s.sources) s.mix += x;
    return s;
}

StftConfig config16k() {
    StftConfig c;
    c.windowLength = 1024;
    c.hop = 256;
    return c;
}

SeparationInput oracleInput(const Set& s) {
    SeparationInput in = makeInput(s.mix, config16k(), oracleMagnitudes(s.sources, s.mix.size(), config16k()));
    in.isolated = s.sources;
    return in;
}

float relMaxDiff(const Spectrogram& a, const Spectrogram& b) { return (a - b).abs().maxCoeff() / std::max(1e-30f, b.abs().maxCoeff()); }

double meanSnr(const Set& s, const SeparationResult& r) {
    double m = 0;
    for (std::size_t j = 0; j < s.sources.size(); ++j)
        m += 10 * std::log10(s.sources[j].cast<double>().square().sum() / (s.sources[j] - r.waveforms[j]).cast<double>().square().sum());
    return m / double(s.sources.size());
}

void checkConservative(const SeparationInput& in, const SeparationResult& r, float tol = 1e-5f) {
    Spectrogram sum = Spectrogram::Zero(in.mixtureStft.rows(), in.mixtureStft.cols());
    for (const auto& s : r.stfts) sum += s;
    QVERIFY2(relMaxDiff(sum, in.mixtureStft) < tol, qPrintable(QString("sum error %1").arg(relMaxDiff(sum, in.mixtureStft))));
}

// CW cost for J = 2 with the internal weight (gamma / Nfft): sum |S|^2/vS + |X-S|^2/vN + g ||S - G S||^2 (unweighted
// data terms, omega-weighted consistency term as the normal equations assume).
double cwCost(const SeparationInput& in, const Spectrogram& S, double gamma) {
    Stft stft(in.config);
    const Eigen::ArrayXXd vS = in.magnitudes[0].cast<double>().square(), vN = in.magnitudes[1].cast<double>().square();
    const double eps = 1e-12 * std::max(vS.maxCoeff(), vN.maxCoeff());
    Eigen::ArrayXXd w = Eigen::ArrayXXd::Constant(S.rows(), S.cols(), 2.0);
    w.row(0) = 1;
    w.row(S.rows() - 1) = 1;
    Spectrogram G = S;
    stft.project(G, in.length());
    const double data = (w * (S.abs2().cast<double>() / (vS + eps) + (in.mixtureStft - S).abs2().cast<double>() / (vN + eps))).sum();
    return data + gamma / in.config.fft() * weightedInner(S - G, S - G);
}

}  // namespace

class TestSeparationPhaseAware : public QObject {
    Q_OBJECT
private slots:
    void posteriorMeanMatchesRealGaussianConditioning() {
        // Random moments for J = 3: compare with generic real Gaussian conditioning of s_1 on x = sum s_j.
        std::mt19937 g(4);
        std::normal_distribution<double> n(0, 1);
        for (int trial = 0; trial < 20; ++trial) {
            const int J = 3;
            cd m[J], c[J], out[J];
            double gamma[J];
            Eigen::Matrix2d covX = Eigen::Matrix2d::Zero(), cov0;
            for (int j = 0; j < J; ++j) {
                m[j] = cd(n(g), n(g));
                gamma[j] = 1 + std::abs(n(g));
                c[j] = std::polar(0.8 * gamma[j] * std::abs(std::tanh(n(g))), 3 * n(g));
                Eigen::Matrix2d C;  // covariance of [Re s, Im s]
                C << 0.5 * (gamma[j] + c[j].real()), 0.5 * c[j].imag(), 0.5 * c[j].imag(), 0.5 * (gamma[j] - c[j].real());
                covX += C;
                if (j == 0) cov0 = C;
            }
            const cd x(n(g) * 3, n(g) * 3);
            anisotropicPosteriorMean(m, gamma, c, J, x, out);
            cd mX = m[0] + m[1] + m[2];
            const Eigen::Vector2d e(x.real() - mX.real(), x.imag() - mX.imag());
            const Eigen::Vector2d post = Eigen::Vector2d(m[0].real(), m[0].imag()) + cov0 * covX.inverse() * e;
            QVERIFY(std::abs(out[0] - cd(post[0], post[1])) < 1e-10 * (1 + std::abs(out[0])));
            QVERIFY(std::abs(out[0] + out[1] + out[2] - x) < 1e-10 * (1 + std::abs(x)));
        }
    }

    void awWithZeroKappaIsWiener() {
        const Set s = music();
        const SeparationInput in = oracleInput(s);
        const SeparationResult aw = runAnisotropicWiener(in, AwParams{0.0, {}});
        const SeparationResult w = runMask(in, {MaskType::Ratio, 2.0});
        for (int j = 0; j < 3; ++j) QVERIFY2(relMaxDiff(aw.stfts[j], w.stfts[j]) < 1e-5f, qPrintable(QString::number(relMaxDiff(aw.stfts[j], w.stfts[j]))));
    }

    void awIsConservativeAndBeatsWiener() {
        const Set s = music();
        const SeparationInput in = oracleInput(s);
        const SeparationResult w = runMask(in, {MaskType::Ratio, 2.0});
        for (double kappa : {0.5, 1.6, 50.0, 1e4}) {
            const SeparationResult r = runAnisotropicWiener(in, AwParams{kappa, {}});
            checkConservative(in, r, 1e-4f);
            for (const auto& x : r.stfts) QVERIFY(x.allFinite());
            if (kappa == 1.6) QVERIFY(meanSnr(s, r) > meanSnr(s, w));
        }
        // AW-var: per-source kappa from the isolated sources.
        const AwParams var = awParams({{"kappa-mode", std::string("estimated")}}, in);
        QCOMPARE(int(var.sourceKappas.size()), 3);
        for (double k : var.sourceKappas) QVERIFY(k > 0.05 && k < 100);
        checkConservative(in, runAnisotropicWiener(in, var), 1e-4f);
    }

    void kappaOfASinusoidIsHigh() {
        Stft stft(config16k());
        const double tone = estimateSourceKappa(stft.analyse(test::sine(16000, 440, 16000)), 256, 1024);
        const double noise = estimateSourceKappa(stft.analyse(test::whiteNoise(16000, 3)), 256, 1024);
        QVERIFY2(tone > 20, qPrintable(QString::number(tone)));
        // Overlapping frames make even noise slightly predictable (kappa ~ 1.3 at 75 % overlap).
        QVERIFY2(noise < 2 && noise < tone / 10, qPrintable(QString::number(noise)));
    }

    void awBadInputs() {
        const Set s = music(2, 0.5);
        SeparationInput in = oracleInput(s);
        QVERIFY_THROWS_EXCEPTION(InputError, runAnisotropicWiener(in, AwParams{1.0, {1.0, 2.0, 3.0}}));
        QVERIFY_THROWS_EXCEPTION(InputError, runAnisotropicWiener(in, AwParams{-1.0, {}}));
        in.isolated.clear();
        QVERIFY_THROWS_EXCEPTION(InputError, awParams({{"kappa-mode", std::string("estimated")}}, in));
    }

    void cwConvergesAndLowersItsCost() {
        const Set s = music(2);
        const SeparationInput in = oracleInput(s);
        CwParams p;
        p.gamma = 100;
        p.maxIterations = 200;
        p.tolerance = 1e-12;
        const SeparationResult cw = runConsistentWiener(in, p);
        const SeparationResult w = runMask(in, {MaskType::Ratio, 2.0});
        checkConservative(in, cw);
        QVERIFY(!cw.trace.empty());
        const double first = cw.trace.front().figures[0].second, last = cw.trace.back().figures[0].second;
        QVERIFY2(last < 1e-3 && last < first, qPrintable(QString("residual %1 -> %2").arg(first).arg(last)));
        QVERIFY(cwCost(in, cw.stfts[0], p.gamma) < cwCost(in, w.stfts[0], p.gamma));
        Stft stft(in.config);
        QVERIFY(inconsistency(stft, cw.stfts[0], in.length()).relative < inconsistency(stft, w.stfts[0], in.length()).relative);
        // Weight 0 is the Wiener filter; the iteration cap is honoured.
        p.gamma = 0;
        QVERIFY(relMaxDiff(runConsistentWiener(in, p).stfts[0], w.stfts[0]) < 1e-6f);
        p.gamma = 100;
        p.maxIterations = 3;
        QCOMPARE(int(runConsistentWiener(in, p).trace.size()), 3);
    }

    void cwThreeSourcesConservative() {
        const Set s = music(3, 1.0);
        const SeparationInput in = oracleInput(s);
        const SeparationResult r = runConsistentWiener(in, CwParams{});
        checkConservative(in, r);
        QVERIFY(meanSnr(s, r) > meanSnr(s, runMask(in, {MaskType::Ratio, 2.0})));
    }

    void cawLimits() {
        const Set s = music(2);
        const SeparationInput in = oracleInput(s);
        // delta = 0: AW unchanged.
        CawParams p;
        p.aw.kappa = 1.0;
        p.delta = 0;
        const SeparationResult aw = runAnisotropicWiener(in, p.aw);
        QVERIFY(relMaxDiff(runConsistentAnisotropicWiener(in, p).stfts[0], aw.stfts[0]) == 0.0f);
        // kappa = 0, delta = gamma, J = 2: the CW system with the same preconditioner.
        p.aw.kappa = 0;
        p.delta = 30;
        p.maxIterations = 40;
        CwParams c;
        c.gamma = 30;
        c.maxIterations = 40;
        const SeparationResult caw = runConsistentAnisotropicWiener(in, p), cw = runConsistentWiener(in, c);
        QVERIFY2(relMaxDiff(caw.stfts[0], cw.stfts[0]) < 1e-3f, qPrintable(QString::number(relMaxDiff(caw.stfts[0], cw.stfts[0]))));
        QCOMPARE(caw.trace.size(), cw.trace.size());
    }

    void cawConvergesAndIsConservative() {
        const Set s = music(3, 1.0);
        const SeparationInput in = oracleInput(s);
        CawParams p;
        p.aw.kappa = 1.0;
        p.delta = 50;
        p.maxIterations = 100;
        p.tolerance = 1e-12;
        const SeparationResult r = runConsistentAnisotropicWiener(in, p);
        checkConservative(in, r, 1e-4f);
        // Per pair the residual ends far below its start.
        for (int pair = 0; pair < 2; ++pair) {
            double last = 1;
            for (const auto& rep : r.trace)
                if (rep.figures[1].second == pair) last = rep.figures[0].second;
            QVERIFY2(last < 1e-3, qPrintable(QString("pair %1 residual %2").arg(pair).arg(last)));
        }
    }

    void puIterFrameErrorNeverIncreases() {
        std::mt19937 g(7);
        std::normal_distribution<float> n(0, 1);
        const int F = 200, J = 3;
        std::vector<Eigen::ArrayXf> V(J), w(J);
        std::vector<Eigen::ArrayXcf> S(J);
        Eigen::ArrayXcf x = Eigen::ArrayXcf::Zero(F);
        Eigen::ArrayXf total = Eigen::ArrayXf::Zero(F);
        for (int j = 0; j < J; ++j) {
            Eigen::ArrayXcf s(F);
            for (auto& v : s) v = {n(g), n(g)};
            x += s;
            V[j] = s.abs();
            total += V[j].square();
            S[j] = V[j].cast<std::complex<float>>();  // zero phase start
        }
        for (int j = 0; j < J; ++j) w[j] = V[j].square() / total;
        std::vector<double> errors;
        puIterFrame(x, V, w, S, 100, &errors);
        QCOMPARE(int(errors.size()), 101);
        for (std::size_t i = 1; i < errors.size(); ++i) QVERIFY(errors[i] <= errors[i - 1] * (1 + 1e-5) + 1e-9);
        QVERIFY(errors.back() < 0.5 * errors.front());
        for (int j = 0; j < J; ++j) QVERIFY((S[j].abs() - V[j]).abs().maxCoeff() < 1e-4f);
    }

    void puIterKeepsMagnitudesAndBeatsMixturePhase() {
        const Set s = music();
        const SeparationInput in = oracleInput(s);
        const SeparationResult r = runPuIter(in, PuIterParams{20});
        for (int j = 0; j < 3; ++j) QVERIFY((r.stfts[j].abs() - in.magnitudes[j]).abs().maxCoeff() <= 1e-4f * in.magnitudes[j].maxCoeff());
        const SeparationResult am = runMask(in, {MaskType::MixturePhase, 1.0});
        QVERIFY2(meanSnr(s, r) > meanSnr(s, am) + 1, qPrintable(QString("%1 vs %2").arg(meanSnr(s, r)).arg(meanSnr(s, am))));
        QVERIFY(!r.trace.empty());
        QVERIFY(r.trace.back().figures[0].second < 0.1);
    }

    void bregmanQuadraticIsMisi() {
        const Set s = music(3, 1.0);
        const SeparationInput in = oracleInput(s);
        const SeparationResult b = runBregmanMisi(in, BregmanMisiParams{});
        MisiParams m;
        m.iterations = 5;
        const SeparationResult misi = runMisi(in, m);
        for (int j = 0; j < 3; ++j)
            QVERIFY2((b.waveforms[j] - misi.waveforms[j]).abs().maxCoeff() < 1e-3f * misi.waveforms[j].abs().maxCoeff(),
                     qPrintable(QString::number((b.waveforms[j] - misi.waveforms[j]).abs().maxCoeff())));
    }

    void bregmanKlPowerIsConservative() {
        const Set s = music(2, 1.0);
        const SeparationInput in = oracleInput(s);
        BregmanMisiParams p;
        p.beta = 1;
        p.exponent = 2;
        p.step = 1e-3 / in.magnitudes[0].square().maxCoeff();
        p.iterations = 5;
        const SeparationResult r = runBregmanMisi(in, p);
        QVERIFY((r.waveforms[0] + r.waveforms[1] - s.mix).abs().maxCoeff() < 1e-5f * s.mix.abs().maxCoeff());
        QCOMPARE(int(r.trace.size()), 5);
        QVERIFY(r.trace.back().figures[0].second < r.trace.front().figures[0].second);
        p.exponent = 3;
        QVERIFY_THROWS_EXCEPTION(InputError, runBregmanMisi(in, p));
    }

    void pghiStartPhases() {
        const Set s = music(3, 1.0);
        const SeparationInput in = oracleInput(s);
        const Magnitudes mixturePhase = phaseOf(in.mixtureStft);
        const auto mixture = sourceStartPhases(in, SourceStart::Mixture);
        for (const auto& phi : mixture) QVERIFY((phi == mixturePhase).all());
        const auto plain = sourceStartPhases(in, SourceStart::Pghi);
        const auto masked = sourceStartPhases(in, SourceStart::PghiMasked);
        Magnitudes total = Magnitudes::Zero(mixturePhase.rows(), mixturePhase.cols());
        for (const auto& V : in.magnitudes) total += V.square();
        for (int j = 0; j < 3; ++j) {
            QVERIFY((plain[j] == recovery::pghiPhase(in.magnitudes[j], in.config)).all());
            Eigen::Index dominant = 0;
            for (Eigen::Index i = 0; i < total.size(); ++i)
                if (in.magnitudes[j](i) > 0 && in.magnitudes[j](i) * in.magnitudes[j](i) >= kDominantShare * total(i)) {
                    QCOMPARE(masked[j](i), mixturePhase(i));
                    ++dominant;
                }
            QVERIFY2(dominant > total.size() / 20, qPrintable(QString("source %1 dominates %2 bins").arg(j).arg(dominant)));
        }
        QCOMPARE(sourceStartFromName("pghi-masked"), SourceStart::PghiMasked);
        QCOMPARE(sourceStartFromName("amplitude-mask"), SourceStart::Mixture);
    }

    // Every start keeps MISI's mixing constraint; keeping the mixture phase where a source dominates
    // beats PGHI alone (whose per-island offsets are unrelated to the mixture). Which of the masked and
    // the mixture-phase start is better depends on the signal (closing note of issue 12): the default
    // stays the mixture phase, best on the full music and speech test sets.
    void misiFromPghiStarts() {
        const Set s = music(3, 1.5);
        const SeparationInput in = oracleInput(s);
        std::map<std::string, double> snr;
        for (const char* init : {"amplitude-mask", "pghi", "pghi-masked"}) {
            const SeparationResult r = runMisi(in, misiParams({{"iterations", 20.0}, {"init", std::string(init)}}));
            Eigen::ArrayXf sum = Eigen::ArrayXf::Zero(s.mix.size());
            for (const auto& w : r.waveforms) sum += w;
            QVERIFY((sum - s.mix).abs().maxCoeff() < 1e-4f * s.mix.abs().maxCoeff());
            snr[init] = meanSnr(s, r);
        }
        qInfo("MISI 20 it. mean SNR: mixture phase %.2f, PGHI %.2f, PGHI masked %.2f dB", snr["amplitude-mask"], snr["pghi"],
              snr["pghi-masked"]);
        QVERIFY(snr["pghi-masked"] > snr["pghi"] + 3);
        QCOMPARE(misiParams({}).init, MisiParams::Init::AmplitudeMask);
    }

    void puIterAndBregmanMisiFromPghi() {
        const Set s = music(3, 1.0);
        const SeparationInput in = oracleInput(s);
        const SeparationResult unwrapped = runPuIter(in, puIterParams({{"iterations", 20.0}}));
        const SeparationResult pghi = runPuIter(in, puIterParams({{"iterations", 20.0}, {"init", std::string("pghi-masked")}}));
        for (int j = 0; j < 3; ++j)
            QVERIFY((pghi.stfts[j].abs() - in.magnitudes[j]).abs().maxCoeff() <= 1e-4f * in.magnitudes[j].maxCoeff());
        qInfo("PU-Iter mean SNR: unwrapping %.2f dB, PGHI-masked advance %.2f dB", meanSnr(s, unwrapped), meanSnr(s, pghi));
        QVERIFY(meanSnr(s, pghi) > meanSnr(s, unwrapped) - 1);
        QVERIFY_THROWS_EXCEPTION(InputError, puIterParams({{"init", std::string("zero")}}));

        BregmanMisiParams b = bregmanMisiParams({{"init", std::string("pghi-masked")}});
        QCOMPARE(b.start, SourceStart::PghiMasked);
        const SeparationResult r = runBregmanMisi(in, b);
        QVERIFY((r.waveforms[0] + r.waveforms[1] + r.waveforms[2] - s.mix).abs().maxCoeff() < 1e-4f * s.mix.abs().maxCoeff());
    }
};

QTEST_GUILESS_MAIN(TestSeparationPhaseAware)
#include "test_separation_phase_aware.moc"
