// Separation core: masks, MISI, HPSS, magnitude sources, registry (invariants on short excerpts).
#include <QtTest>
#include <atomic>
#include <set>

#include "core/common/error.h"
#include "core/io/audio.h"
#include "core/separation/hpss.h"
#include "core/separation/magnitudes.h"
#include "core/separation/masks.h"
#include "core/separation/misi.h"
#include "core/separation/registry.h"
#include "test_support.h"

using namespace phaselab;
using namespace phaselab::separation;

namespace {

struct Set {
    Eigen::ArrayXf mix;
    std::vector<Eigen::ArrayXf> sources;
};

// 1.5 s of the 16 kHz piano/bass/drums set (mixture = exact sum of the sources).
Set music(double seconds = 1.5) {
    Set s;
    const Eigen::Index n = Eigen::Index(seconds * 16000);
    for (const char* name : {"piano", "bass", "drums"})
        s.sources.push_back(readAudio(test::sharedAudio(std::string("music_pbd_16k_") + name + ".wav")).mono().segment(16000, n));
    s.mix = s.sources[0] + s.sources[1] + s.sources[2];
    return s;
}

StftConfig config16k() {
    StftConfig c;
    c.windowLength = 1024;
    c.hop = 256;
    return c;
}

SeparationInput oracleInput(const Set& s, const StftConfig& c = config16k()) {
    return makeInput(s.mix, c, oracleMagnitudes(s.sources, s.mix.size(), c));
}

double snrDb(const Eigen::ArrayXf& ref, const Eigen::ArrayXf& est) {
    return 10 * std::log10(ref.cast<double>().square().sum() / (ref - est).cast<double>().square().sum());
}

float maxAbs(const Eigen::ArrayXf& x) { return x.abs().maxCoeff(); }

}  // namespace

class TestSeparation : public QObject {
    Q_OBJECT
private slots:
    void ratioAndBinaryMasksAreConservative() {
        const Set s = music();
        const SeparationInput in = oracleInput(s);
        for (MaskParams p : {MaskParams{MaskType::Ratio, 1.0}, MaskParams{MaskType::Ratio, 2.0},
                             MaskParams{MaskType::Binary, 1.0}}) {
            const SeparationResult r = runMask(in, p);
            QCOMPARE(int(r.stfts.size()), 3);
            Spectrogram sum = r.stfts[0] + r.stfts[1] + r.stfts[2];
            QVERIFY((sum - in.mixtureStft).abs().maxCoeff() <= 1e-5f * in.mixtureStft.abs().maxCoeff());
            Eigen::ArrayXf total = r.waveforms[0] + r.waveforms[1] + r.waveforms[2];
            QVERIFY(maxAbs(total - s.mix) < 1e-4f * maxAbs(s.mix));
        }
    }

    void masksValues() {
        // Hand-made 1 x 2 magnitudes: ratio and binary masks by their definition; all-zero bins split equally.
        std::vector<Magnitudes> V{Magnitudes(1, 3), Magnitudes(1, 3)};
        V[0] << 3, 0, 1;
        V[1] << 1, 0, 1;
        const auto r1 = ratioMasks(V, 1.0), r2 = ratioMasks(V, 2.0), b = binaryMasks(V);
        QCOMPARE(r1[0](0, 0), 0.75f);
        QCOMPARE(r2[0](0, 0), 0.9f);
        QCOMPARE(r1[1](0, 1), 0.5f);
        QCOMPARE(b[0](0, 0), 1.0f);
        QCOMPARE(b[1](0, 0), 0.0f);
        QCOMPARE(b[0](0, 2), 1.0f);  // tie: first source
        QCOMPARE(b[1](0, 2), 0.0f);
    }

    void maskedStftsEqualTheDefinitionExactly() {
        // The fused (AVX2 when the CPU has it) ratio-mask pass against the definition written element
        // by element in float: bit-identical, including all-zero bins (split equally) and a bin count
        // that is not a multiple of the vector width.
        const Set s = music(0.4);
        SeparationInput in = oracleInput(s);
        in.magnitudes[0].col(3).setZero();
        in.magnitudes[1].col(3).setZero();
        in.magnitudes[2].col(3).setZero();
        QVERIFY(in.mixtureStft.size() % 8 != 0);
        for (float p : {1.0f, 2.0f, 1.5f}) {
            const std::vector<Spectrogram> out = maskedStfts(in, {MaskType::Ratio, double(p)});
            for (Eigen::Index i = 0; i < in.mixtureStft.size(); ++i) {
                float power[3], sum = 0;
                for (int j = 0; j < 3; ++j) {
                    const float v = in.magnitudes[std::size_t(j)](i);
                    power[j] = p == 1.0f ? v : p == 2.0f ? v * v : std::pow(v, p);
                    sum += power[j];
                }
                for (int j = 0; j < 3; ++j) {
                    const std::complex<float> expected = (sum > 0 ? power[j] / sum : 1.0f / 3) * in.mixtureStft(i);
                    if (out[std::size_t(j)](i) != expected)
                        QFAIL(qPrintable(QString("p %1, source %2, bin %3 differs").arg(p).arg(j).arg(i)));
                }
            }
        }
    }

    void maskedStftsRefuseBadMagnitudesAndReuseTheirOutputs() {
        // The ratio-mask pass checks the magnitudes as it reads them (instead of a separate pass): a
        // negative, NaN or infinite value anywhere, in the vectorised body or in the scalar tail, is
        // refused with the message naming the source, for every exponent and path.
        const Set s = music(0.4);
        const SeparationInput good = oracleInput(s);
        const Eigen::Index n = good.mixtureStft.size();
        QVERIFY(n % 8 != 0);
        const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
        for (float p : {1.0f, 2.0f, 1.5f})
            for (const auto& [value, words] : std::vector<std::pair<float, QString>>{{-1e-3f, "negative"}, {nan, "NaN"}, {inf, "infinite"}, {-inf, "infinite"}})
                for (Eigen::Index at : {Eigen::Index(17), n - 1}) {
                    SeparationInput in = good;
                    in.magnitudes[1](at) = value;
                    std::vector<Spectrogram> out;
                    try {
                        maskedStfts(in, {MaskType::Ratio, double(p)}, out);
                        QFAIL(qPrintable(QString("p %1, value %2 at %3 accepted").arg(p).arg(value).arg(at)));
                    } catch (const InputError& e) {
                        const QString message = e.what();
                        QVERIFY2(message.contains("source 2") && message.contains(words), e.what());
                    }
                }
        // Outputs of the right shape are written in place, with the values of a fresh call.
        for (float p : {1.0f, 2.0f, 1.5f}) {
            std::vector<Spectrogram> out;
            maskedStfts(good, {MaskType::Ratio, double(p)}, out);
            const std::complex<float>* first = out[2].data();
            out[2].setConstant(std::complex<float>(7, 7));
            maskedStfts(good, {MaskType::Ratio, double(p)}, out);
            QCOMPARE(out[2].data(), first);
            const std::vector<Spectrogram> fresh = maskedStfts(good, {MaskType::Ratio, double(p)});
            for (int j = 0; j < 3; ++j) QVERIFY((out[std::size_t(j)] == fresh[std::size_t(j)]).all());
        }
    }

    void mixturePhaseKeepsMagnitudes() {
        const Set s = music();
        const SeparationInput in = oracleInput(s);
        const SeparationResult r = runMask(in, {MaskType::MixturePhase, 1.0});
        for (int j = 0; j < 3; ++j)
            QVERIFY((r.stfts[j].abs() - in.magnitudes[j]).abs().maxCoeff() <= 1e-5f * in.magnitudes[j].maxCoeff());
    }

    void oracleWienerSeparatesTwoTones() {
        Set s;
        s.sources = {test::sine(16000, 440, 16000, 0.5), test::sine(16000, 1320, 16000, 0.3)};
        s.mix = s.sources[0] + s.sources[1];
        const SeparationResult r = runMask(oracleInput(s), {MaskType::Ratio, 2.0});
        const Eigen::Index a = 2000, n = 12000;  // away from the edges
        QVERIFY(snrDb(s.sources[0].segment(a, n), r.waveforms[0].segment(a, n)) > 40);
        QVERIFY(snrDb(s.sources[1].segment(a, n), r.waveforms[1].segment(a, n)) > 40);
    }

    void misiMagnitudeFirstIsConservativeAndMonotone() {
        const Set s = music();
        const SeparationInput in = oracleInput(s);
        MisiParams p;
        p.iterations = 12;
        const SeparationResult r = runMisi(in, p);
        Eigen::ArrayXf total = r.waveforms[0] + r.waveforms[1] + r.waveforms[2];
        QVERIFY(maxAbs(total - s.mix) < 1e-5f * maxAbs(s.mix));
        QCOMPARE(int(r.trace.size()), 12);
        // The amplitude-mask start does not satisfy sum_j s_j = x; from the first (feasible) iterate on
        // the objective must not increase.
        double previous = r.trace.front().figures.at(0).second;
        for (const auto& rep : r.trace) {
            const double loss = rep.figures.at(0).second;
            QVERIFY2(loss <= previous * (1 + 1e-5), qPrintable(QString("iteration %1: %2 > %3").arg(rep.iteration).arg(loss).arg(previous)));
            previous = loss;
        }
        // Better than the amplitude-mask start and than the Wiener filter after 12 iterations.
        const SeparationResult w = runMask(in, {MaskType::Ratio, 2.0});
        double misiMean = 0, wienerMean = 0;
        for (int j = 0; j < 3; ++j) {
            misiMean += snrDb(s.sources[j], r.waveforms[j]) / 3;
            wienerMean += snrDb(s.sources[j], w.waveforms[j]) / 3;
        }
        QVERIFY2(misiMean > wienerMean + 2, qPrintable(QString("MISI %1 dB, Wiener %2 dB").arg(misiMean).arg(wienerMean)));
    }

    void misiMixFirstAndEqualSplit() {
        const Set s = music(1.0);
        const SeparationInput in = oracleInput(s);
        MisiParams a;
        a.iterations = 10;
        a.order = MisiParams::Order::MixFirst;
        a.init = MisiParams::Init::EqualSplit;
        const SeparationResult r = runMisi(in, a);
        // Variant A ends with the magnitude projection: not conservative, but it improves the objective.
        QVERIFY(r.trace.back().figures[0].second < 0.5 * r.trace.front().figures[0].second);
        // Zero iterations with equal split: x / J each.
        a.iterations = 0;
        const SeparationResult z = runMisi(in, a);
        QVERIFY(maxAbs(z.waveforms[1] - s.mix / 3) < 1e-6f);
    }

    void misiParamsFromValues() {
        const MisiParams p = misiParams({{"iterations", 7.0}, {"order", std::string("mix-first")}});
        QCOMPARE(p.iterations, 7);
        QVERIFY(p.order == MisiParams::Order::MixFirst);
        QVERIFY_THROWS_EXCEPTION(InputError, misiParams({{"iterations", -1.0}}));
        QVERIFY_THROWS_EXCEPTION(InputError, misiParams({{"order", std::string("sideways")}}));
    }

    void cancelStopsMisi() {
        const Set s = music(1.0);
        const SeparationInput in = oracleInput(s);
        std::atomic<bool> cancel{false};
        RunControl c;
        c.cancel = &cancel;
        int reports = 0;
        c.progress = [&](const ProgressReport&) {
            if (++reports == 2) cancel = true;
        };
        QVERIFY_THROWS_EXCEPTION(Cancelled, runMisi(in, MisiParams{50}, c));
        QCOMPARE(reports, 2);
    }

    void iterationsReportTheTimeLeft() {
        // Reported messages say the iteration and, until the last, the estimated time left; the trace
        // keeps the plain message (a saved run does not depend on how fast the machine was).
        const SeparationInput in = oracleInput(music(1.0));
        std::vector<std::string> messages;
        RunControl c;
        c.progress = [&](const ProgressReport& r) {
            if (r.iteration > 0) messages.push_back(r.message);
        };
        const SeparationResult r = runMisi(in, MisiParams{4}, c);
        QCOMPARE(int(messages.size()), 4);
        for (int k = 0; k < 3; ++k)
            QVERIFY2(QRegularExpression(QString("^iteration %1 / 4, about \\d+ s left$").arg(k + 1))
                         .match(QString::fromStdString(messages[std::size_t(k)])).hasMatch(),
                     messages[std::size_t(k)].c_str());
        QCOMPARE(messages[3], std::string("iteration 4 / 4"));
        QCOMPARE(int(r.trace.size()), 4);
        for (int k = 0; k < 4; ++k) QCOMPARE(r.trace[std::size_t(k)].message, "iteration " + std::to_string(k + 1) + " / 4");
    }

    void badInputs() {
        const Set s = music(1.0);
        const StftConfig c = config16k();
        auto V = oracleMagnitudes(s.sources, s.mix.size(), c);
        // Shape mismatch.
        auto wrong = V;
        wrong[1] = wrong[1].leftCols(wrong[1].cols() - 1).eval();
        QVERIFY_THROWS_EXCEPTION(InputError, makeInput(s.mix, c, wrong));
        // Negative and NaN magnitudes.
        auto neg = V;
        neg[0](3, 3) = -1;
        QVERIFY_THROWS_EXCEPTION(InputError, makeInput(s.mix, c, neg));
        auto nan = V;
        nan[2](5, 5) = std::numeric_limits<float>::quiet_NaN();
        QVERIFY_THROWS_EXCEPTION(InputError, makeInput(s.mix, c, nan));
        // Silent reference (oracle) and wrong-length reference.
        auto refs = s.sources;
        refs[1].setZero();
        QVERIFY_THROWS_EXCEPTION(InputError, oracleMagnitudes(refs, s.mix.size(), c));
        refs = s.sources;
        refs[0] = refs[0].head(refs[0].size() - 10).eval();
        QVERIFY_THROWS_EXCEPTION(InputError, oracleMagnitudes(refs, s.mix.size(), c));
        // A silent imported stem is allowed.
        refs = s.sources;
        refs[1].setZero();
        QCOMPARE(int(importedMagnitudes(refs, s.mix.size(), c).size()), 3);
        // MISI needs two sources.
        QVERIFY_THROWS_EXCEPTION(InputError, runMisi(makeInput(s.mix, c, {V[0]}), MisiParams{}));
        // NaN mixture.
        Eigen::ArrayXf m = s.mix;
        m[10] = std::numeric_limits<float>::infinity();
        QVERIFY_THROWS_EXCEPTION(InputError, makeInput(m, c, V));
    }

    void medianFilterMatchesNaive() {
        Magnitudes m(7, 9);
        std::mt19937 g(3);
        std::uniform_real_distribution<float> u(0, 1);
        for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = u(g);
        auto reflect = [](Eigen::Index i, Eigen::Index n) {
            while (i < 0 || i >= n) i = i < 0 ? -1 - i : 2 * n - 1 - i;
            return i;
        };
        for (int axis : {0, 1}) {
            const Magnitudes f = medianFilter(m, 5, axis);
            for (Eigen::Index r = 0; r < m.rows(); ++r)
                for (Eigen::Index c = 0; c < m.cols(); ++c) {
                    std::vector<float> w;
                    for (int d = -2; d <= 2; ++d)
                        w.push_back(axis == 1 ? m(r, reflect(c + d, m.cols())) : m(reflect(r + d, m.rows()), c));
                    std::sort(w.begin(), w.end());
                    QCOMPARE(f(r, c), w[2]);
                }
        }
        QVERIFY_THROWS_EXCEPTION(InputError, medianFilter(m, 4, 0));
    }

    void hpssSplitsToneFromClicks() {
        const int n = 32000;
        Eigen::ArrayXf tone = test::sine(n, 440, 16000, 0.3);
        Eigen::ArrayXf clicks = Eigen::ArrayXf::Zero(n);
        for (int k = 2000; k < n; k += 4000) clicks[k] = 0.9f;
        const Eigen::ArrayXf mix = tone + clicks;
        const SeparationResult r = runHpss(makeInput(mix, config16k(), {}), {});
        QCOMPARE(int(r.waveforms.size()), 2);
        QVERIFY(maxAbs(r.waveforms[0] + r.waveforms[1] - mix) < 1e-4f);
        QVERIFY(snrDb(tone, r.waveforms[0]) > 10);
        QVERIFY(snrDb(clicks, r.waveforms[1]) > 5);
    }

    void registryRunsEveryMethod() {
        const Set s = music(0.5);
        SeparationInput in = oracleInput(s);
        in.isolated = s.sources;  // AW-var and complex ISNMF use the isolated sources
        std::set<std::string> ids;
        for (const auto& m : separationMethods()) {
            QVERIFY(ids.insert(m.description->id).second);
            QCOMPARE(m.description->category, std::string("separation"));
            ParamValues values;
            if (m.description->id == "cisnmf" || m.description->id == "cnmf")
                values = {{"iterations", 3.0}, {"nmf-iterations", 10.0}};
            const SeparationResult r = m.run(in, values, {});
            QCOMPARE(int(r.waveforms.size()), m.usesMagnitudes ? 3 : 2);
            for (const auto& w : r.waveforms) QCOMPARE(w.size(), s.mix.size());
        }
        QVERIFY(findSeparationMethod("misi"));
        QVERIFY(!findSeparationMethod("no-such-method"));
        for (const auto& id : plannedSeparationMethods()) QVERIFY(!findSeparationMethod(id));
        QVERIFY_THROWS_EXCEPTION(InputError, findSeparationMethod("wiener")->run(in, {{"exponent", 2.0}}, {}));
    }
};

QTEST_GUILESS_MAIN(TestSeparation)
#include "test_separation.moc"
