// Defaults that work (issue 11): with every parameter at its default, on the bundled demo and on
// ../shared/testaudio/music_pbd_44k_mix.wav,
// - every phase-recovery method ends with a better spectral convergence than its start (the
//   zero-phase spectrogram every method starts from by default), and
// - every phase-aware separation method reaches a mean SDR (BSS Eval v3) no lower than the Wiener
//   filter with the same magnitudes: oracle magnitudes for MISI, AW, BAG, CW, CAW, PU-Iter and
//   Bregman MISI; their own IS-NMF magnitudes (kappa = 0) for complex ISNMF; their own NMF start
//   (0 iterations) for complex NMF, which falls short (expected failure, see below).
#include <QtTest>

#include "core/io/audio.h"
#include "core/metrics/bss_eval.h"
#include "core/recovery/registry.h"
#include "core/recovery/run_recovery.h"
#include "core/separation/pipeline.h"
#include "core/separation/registry.h"
#include "core/tf/stft.h"
#include "test_support.h"

using namespace phaselab;

namespace {

struct Set {
    std::string mixture;
    std::vector<std::string> sources;
};

Set demo() {
    const std::string d = std::string(PHASELAB_SOURCE_DIR) + "/resources/demo/";
    return {d + "mix.flac", {d + "piano.flac", d + "bass.flac", d + "drums.flac"}};
}

Set music() {
    return {test::sharedAudio("music_pbd_44k_mix.wav"),
            {test::sharedAudio("music_pbd_44k_piano.wav"), test::sharedAudio("music_pbd_44k_bass.wav"),
             test::sharedAudio("music_pbd_44k_drums.wav")}};
}

Set setNamed(const QString& name) { return name == "demo" ? demo() : music(); }

double meanSdr(const separation::SeparationResult& r, const std::vector<Eigen::ArrayXf>& refs) {
    std::vector<metrics::Signal> rs, es;
    for (const auto& a : refs) rs.push_back(a.cast<double>());
    for (const auto& a : r.waveforms) es.push_back(a.cast<double>());
    metrics::BssParams p;
    p.permutation = false;
    p.threads = 2;
    return metrics::bssEvalSources(rs, es, p).sdr.mean();
}

}  // namespace

class TestDefaults : public QObject {
    Q_OBJECT
private slots:
    void recoveryImprovesOnItsStart_data() {
        QTest::addColumn<QString>("set");
        QTest::addColumn<QString>("algorithm");
        for (const char* set : {"demo", "music"})
            for (const AlgorithmDescription* d : recovery::recoveryAlgorithms())
                QTest::newRow(qPrintable(QString("%1 %2").arg(set, QString::fromStdString(d->id)))) << set << QString::fromStdString(d->id);
    }
    void recoveryImprovesOnItsStart() {
        QFETCH(QString, set);
        QFETCH(QString, algorithm);
        const Audio a = readAudio(setNamed(set).mixture, ReadOptions{Channels::Mono});
        const Eigen::ArrayXf x = a.data.col(0);
        StftConfig config;  // Hann 2048 / 512, the GUI's and the CLI's default
        Stft stft(config);
        const Magnitudes V = stft.analyse(x).abs();
        Eigen::ArrayXf start(x.size());
        stft.synthesise(Spectrogram(V.cast<std::complex<float>>()), x.size(), start);
        const double startSc = spectralConvergenceDb(stft.analyse(start), V);
        const recovery::RecoveryResult r =
            recovery::runRecovery(*recovery::findRecoveryAlgorithm(algorithm.toStdString()), {}, V, x.size(), config, a.sampleRate, {}, &x);
        QVERIFY2(r.spectralConvergenceDb < startSc - 1,
                 qPrintable(QString("%1 on %2: %3 dB, start %4 dB").arg(algorithm, set).arg(r.spectralConvergenceDb).arg(startSc)));
        // The trace holds only what was computed: finite spectral convergence every iteration.
        for (const auto& f : r.trace) QVERIFY(std::isfinite(f.spectralConvergenceDb));
    }

    void phaseAwareSeparationIsNoWorseThanWiener_data() {
        QTest::addColumn<QString>("set");
        QTest::addColumn<QString>("method");
        for (const char* set : {"demo", "music"})
            for (const char* method : {"misi", "aw", "bag", "cw", "caw", "pu-iter", "bregman-misi", "cisnmf", "cnmf"})
                QTest::newRow(qPrintable(QString("%1 %2").arg(set, method))) << set << method;
    }
    void phaseAwareSeparationIsNoWorseThanWiener() {
        QFETCH(QString, set);
        QFETCH(QString, method);
        const Set s = setNamed(set);
        separation::PipelineInput in;
        in.mixture = readAudio(s.mixture, ReadOptions{Channels::Mono}).data.col(0);
        for (const auto& f : s.sources) in.references.push_back(readAudio(f, ReadOptions{Channels::Mono}).data.col(0));
        in.threads = 2;
        auto run = [&](const std::string& id, const ParamValues& values) {
            return meanSdr(separation::separate(*separation::findSeparationMethod(id), values, in), in.references);
        };
        const double sdr = run(method.toStdString(), {});
        double baseline = 0;
        if (method == "cisnmf") baseline = run("cisnmf", {{"kappa", 0.0}});  // IS-NMF + Wiener
        else if (method == "cnmf") baseline = run("cnmf", {{"iterations", 0.0}});  // its NMF start
        else baseline = run("wiener", {});
        const QString what = QString("%1 on %2: mean SDR %3 dB, Wiener with the same magnitudes %4 dB").arg(method, set).arg(sdr).arg(baseline);
        qInfo("%s", qPrintable(what));
        if (method == "cnmf")
            QEXPECT_FAIL("", "complex NMF fits the mixture, not each source: its iterations lower the SDR of its own Wiener start "
                             "(closing note of issue 11)", Continue);
        QVERIFY2(sdr >= baseline - 1e-6, qPrintable(what));
    }
};

QTEST_GUILESS_MAIN(TestDefaults)
#include "test_defaults.moc"
