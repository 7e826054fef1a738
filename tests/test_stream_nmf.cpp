// Live source magnitudes from supervised NMF (core/stream/nmf_stream.h; issue 13): with a cold start
// the per-frame activations equal offline beta-NMF with the dictionaries fixed and the same start
// (the frames of a fixed-dictionary fit are independent) for beta 0.5, 1 and 2; a live NMF + online
// Wiener separation of a mixture alone, dictionaries learned on the true sources, comes within
// 1 dB SDR of the offline supervised-NMF Wiener separation and far above the mixture.
#include <QtTest>
#include <cmath>

#include "core/common/error.h"
#include "core/io/audio.h"
#include "core/metrics/bss_eval.h"
#include "core/nmf/supervised_nmf.h"
#include "core/separation/masks.h"
#include "core/stream/nmf_stream.h"
#include "core/stream/online_separation.h"
#include "test_support.h"

using namespace phaselab;
using namespace phaselab::stream;

namespace {

using test::clip;

std::vector<Eigen::ArrayXf> streamAligned(StreamEngine& engine, const Eigen::ArrayXf& x) {
    const Eigen::Index L = x.size(), total = L + engine.latency();
    Eigen::ArrayXf in = Eigen::ArrayXf::Zero(total);
    in.head(L) = x;
    const int J = engine.processor().outputs();
    std::vector<Eigen::ArrayXf> out(std::size_t(J), Eigen::ArrayXf::Zero(total));
    std::vector<float*> op(std::size_t(J), nullptr);
    for (Eigen::Index at = 0; at < total; at += 256) {
        const int n = int(std::min<Eigen::Index>(256, total - at));
        const float* ip[] = {in.data() + at};
        for (int j = 0; j < J; ++j) op[std::size_t(j)] = out[std::size_t(j)].data() + at;
        engine.process(ip, op.data(), n);
    }
    for (auto& o : out) o = o.segment(engine.latency(), L).eval();
    return out;
}

}  // namespace

class TestStreamNmf : public QObject {
    Q_OBJECT
private slots:
    void coldStartEqualsOfflineFixedDictionaryNmf_data() {
        QTest::addColumn<double>("beta");
        QTest::newRow("IS-like 0.5") << 0.5;
        QTest::newRow("KL") << 1.0;
        QTest::newRow("Euclidean") << 2.0;
    }
    void coldStartEqualsOfflineFixedDictionaryNmf() {
        QFETCH(double, beta);
        StftConfig c;
        c.windowLength = 1024;
        c.hop = 256;
        Stft stft(c);
        const Magnitudes X = stft.analyse(clip("music_pbd_16k_mix.wav", 3)).abs();
        std::vector<Magnitudes> training;
        for (const char* name : {"music_pbd_16k_piano.wav", "music_pbd_16k_bass.wav"})
            training.push_back(stft.analyse(clip(name, 3)).abs());
        nmf::SupervisedNmfParams sp;
        sp.components = 8;
        sp.learnIterations = 40;
        sp.beta = beta;
        const std::vector<nmf::Matrix> W = nmf::learnDictionaries(training, sp);
        nmf::Matrix stacked(X.rows(), 16);
        stacked << W[0], W[1];

        // offline: W fixed, each column started at sum(v) / K, 25 iterations
        nmf::Matrix H0(16, X.cols());
        for (Eigen::Index t = 0; t < X.cols(); ++t) H0.col(t).setConstant(std::max(X.col(t).sum() / 16.0f, 1e-30f));
        nmf::BetaNmfParams p;
        p.components = 16;
        p.iterations = 25;
        p.beta = beta;
        p.updateW = false;
        p.trackObjective = false;
        const nmf::NmfResult offline = nmf::betaNmf(X.matrix(), p, {}, &stacked, &H0);
        QVERIFY((X > 1e-9f * X.maxCoeff()).all() || beta >= 1);  // no bin at the IS floor: the floors agree

        NmfFrameModel model(W, {25, beta, false});
        double worst = 0;
        for (Eigen::Index t = 0; t < X.cols(); ++t) {
            model.solve(X.col(t).matrix());
            for (int j = 0; j < 2; ++j) {
                const Eigen::VectorXf expected = W[std::size_t(j)] * offline.H.col(t).segment(8 * j, 8);
                worst = std::max(worst, double((model.magnitude(j) - expected).cwiseAbs().maxCoeff() /
                                               (X.col(t).maxCoeff() + 1e-12f)));
            }
        }
        qInfo("beta %.1f: largest difference from the offline fit %.2e of the frame's peak", beta, worst);
        QVERIFY2(worst < 1e-4, qPrintable(QString::number(worst)));
    }

    // The mixture alone streamed through NMF magnitudes + online Wiener, dictionaries learned on the
    // true sources ("informed" NMF, algorithms.md §10.2) with the defaults (50 iterations per frame,
    // warm start), against offline supervised NMF (200 iterations on the whole mixture) + Wiener.
    void liveNmfSeparationMatchesOffline() {
        const auto [mix, refs] = test::musicPbd16k(8);
        StftConfig c;
        c.windowLength = 1024;
        c.hop = 256;
        Stft stft(c);
        std::vector<Magnitudes> training;
        for (const auto& r : refs) training.push_back(stft.analyse(r).abs());
        nmf::SupervisedNmfParams sp;
        sp.components = 10;
        sp.learnIterations = 100;
        const nmf::SupervisedNmfResult offlineNmf = nmf::supervisedNmf(stft.analyse(mix).abs(), training, sp);
        const auto offline = separation::runMask(separation::makeInput(mix, c, offlineNmf.models),
                                                 {separation::MaskType::Ratio, 2.0});

        auto model = std::make_unique<NmfFrameModel>(offlineNmf.dictionaries, NmfFrameParams{});
        StreamEngine engine(c, std::make_unique<NmfSeparationProcessor>(std::move(model),
                                                                        std::make_unique<OnlineWienerProcessor>(c, 3)));
        QCOMPARE(engine.latency(), 1024);
        const std::vector<Eigen::ArrayXf> live = streamAligned(engine, mix);

        std::vector<metrics::Signal> R, E, O, M;
        for (int j = 0; j < 3; ++j) {
            R.push_back(refs[std::size_t(j)].cast<double>());
            E.push_back(live[std::size_t(j)].cast<double>());
            O.push_back(offline.waveforms[std::size_t(j)].cast<double>());
            M.push_back(mix.cast<double>());
        }
        metrics::BssParams bp;
        bp.permutation = false;
        const double liveSdr = metrics::bssEvalSources(R, E, bp).sdr.mean();
        const double offlineSdr = metrics::bssEvalSources(R, O, bp).sdr.mean();
        const double mixtureSdr = metrics::bssEvalSources(R, M, bp).sdr.mean();
        qInfo("music_pbd_16k 8 s, mean SDR: live NMF + online Wiener %.2f dB, offline supervised NMF + Wiener %.2f dB, "
              "mixture %.2f dB", liveSdr, offlineSdr, mixtureSdr);
        QVERIFY(std::abs(liveSdr - offlineSdr) < 1.0);
        QVERIFY(liveSdr > mixtureSdr + 5);
    }

    void badSettingsAreRefused() {
        const std::vector<nmf::Matrix> W{nmf::Matrix::Constant(513, 4, 0.01f)};
        QVERIFY_THROWS_EXCEPTION(InputError, NmfFrameModel({}, {}));
        QVERIFY_THROWS_EXCEPTION(InputError, NmfFrameModel(W, {0, 1.0, true}));
        QVERIFY_THROWS_EXCEPTION(InputError, NmfFrameModel(W, {10, 3.0, true}));
        QVERIFY_THROWS_EXCEPTION(InputError, NmfFrameModel({W[0], nmf::Matrix::Constant(512, 4, 0.01f)}, {}));
        QVERIFY_THROWS_EXCEPTION(InputError, NmfFrameModel({nmf::Matrix::Constant(513, 4, -1.0f)}, {}));
        StftConfig c;
        c.windowLength = 1024;
        // two dictionaries, a separator for three sources
        QVERIFY_THROWS_EXCEPTION(InputError,
                                 NmfSeparationProcessor(std::make_unique<NmfFrameModel>(std::vector<nmf::Matrix>{W[0], W[0]}, NmfFrameParams{}),
                                                        std::make_unique<OnlineWienerProcessor>(c, 3)));
    }
};

QTEST_APPLESS_MAIN(TestStreamNmf)
#include "test_stream_nmf.moc"
