// SeparationPanel: oracle MISI on the piano/bass/drums excerpt lands in the runs table with SDRs
// that match a direct core computation; HPSS runs without references; export never overwrites.
#include <QPushButton>
#include <numeric>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <QCheckBox>
#include <QLabel>

#include "core/io/audio.h"
#include "core/metrics/bss_eval.h"
#include "core/separation/magnitudes.h"
#include "core/separation/multichannel_wiener.h"
#include "core/separation/pipeline.h"
#include "core/separation/registry.h"
#include "widgets/metrics_panel.h"
#include "widgets/param_form.h"
#include "widgets/run_panel.h"
#include "widgets/separation_panel.h"
#include "test_support.h"

using namespace phaselab;

namespace {
std::shared_ptr<const Audio> load(const char* name) { return std::make_shared<Audio>(readAudio(test::sharedAudio(name))); }

// The stereo speech set (mixture and its two images) as the panel's inputs, with oracle magnitudes.
struct StereoSpeech {
    std::shared_ptr<const Audio> mix = load("stereo/stereo_speech_16k_mix.flac");
    std::vector<std::shared_ptr<const Audio>> refs{load("stereo/stereo_speech_16k_spk1.flac"), load("stereo/stereo_speech_16k_spk2.flac")};
    void into(SeparationPanel& panel) const {
        panel.resize(900, 1100);
        panel.setInputs(mix, "stereo speech", refs, {"spk1", "spk2"});
        panel.setMagnitudeSource("oracle");
    }
};
}  // namespace

class TestSeparationPanel : public QObject {
    Q_OBJECT
private slots:
    void oracleMisiWithMetrics() {
        SeparationPanel panel;
        panel.resize(800, 1100);
        QVERIFY(panel.runPanel()->statusText().contains("Open a mixture"));
        panel.setInputs(load("music_pbd_16k_mix.wav"), "mix", {load("music_pbd_16k_piano.wav"), load("music_pbd_16k_bass.wav"),
                                                                load("music_pbd_16k_drums.wav")},
                        {"piano", "bass", "drums"});
        panel.setMagnitudeSource("oracle");
        panel.runPanel()->selectAlgorithm("misi");
        panel.runPanel()->form()->setValues({{"iterations", 5.0}});
        QSignalSpy added(&panel, &SeparationPanel::runAdded);
        panel.runPanel()->run();
        QVERIFY(added.wait(120000));
        const SeparationRun& run = panel.runs().at(0);
        QCOMPARE(run.sources.size(), std::size_t(3));
        QCOMPARE(run.sourceNames, QStringList({"piano", "bass", "drums"}));
        QCOMPARE(run.sdr.size(), std::size_t(3));
        for (double sdr : run.sdr) QVERIFY2(sdr > 5 && sdr < 40, qPrintable(QString::number(sdr)));
        // The estimates sum to the mixture (MISI is conservative).
        Eigen::ArrayXf sum = Eigen::ArrayXf::Zero(run.sources[0]->frames());
        for (const auto& s : run.sources) sum += s->data.col(0);
        QVERIFY((sum - load("music_pbd_16k_mix.wav")->data.col(0)).abs().maxCoeff() < 1e-4f);
        // The metrics panel computes the same SDRs for the selected run.
        QSignalSpy computed(panel.metricsPanel(), &MetricsPanel::computed);
        QVERIFY(computed.wait(60000) || panel.metricsPanel()->hasResults());
        for (int j = 0; j < 3; ++j) QVERIFY(std::abs(panel.metricsPanel()->rows()[std::size_t(j)].sdr - run.sdr[std::size_t(j)]) < 1e-6);
        auto* table = panel.findChild<QTableWidget*>();
        QCOMPARE(table->rowCount(), 1);
        QDir().mkpath("screenshots");
        QVERIFY(panel.grab().save("screenshots/separation_panel.png"));

        QCOMPARE(run.stfts.size(), std::size_t(3));
        QTemporaryDir dir;
        QCOMPARE(panel.exportRun(0, dir.path()).size(), 3);
        QVERIFY_THROWS_EXCEPTION(InputError, panel.exportRun(0, dir.path()));  // would overwrite
    }
    void bagFormAndRunAgainstWiener() {
        // BAG's generated form shows the reference defaults; a short run beats the Wiener run in mean SDR.
        SeparationPanel panel;
        panel.resize(800, 1100);
        panel.setInputs(load("music_pbd_16k_mix.wav"), "mix", {load("music_pbd_16k_piano.wav"), load("music_pbd_16k_bass.wav"),
                                                                load("music_pbd_16k_drums.wav")},
                        {"piano", "bass", "drums"});
        panel.setMagnitudeSource("oracle");
        QSignalSpy added(&panel, &SeparationPanel::runAdded);
        panel.runPanel()->selectAlgorithm("wiener");
        panel.runPanel()->run();
        QVERIFY(added.wait(120000));
        panel.runPanel()->selectAlgorithm("bag");
        const ParamValues defaults = panel.runPanel()->form()->values();
        QCOMPARE(std::get<double>(defaults.at("kappa")), 5.0);
        QCOMPARE(std::get<double>(defaults.at("tau")), 0.5);
        QCOMPARE(std::get<double>(defaults.at("iterations")), 150.0);
        panel.runPanel()->form()->setValues({{"iterations", 20.0}});
        panel.runPanel()->run();
        QVERIFY(added.wait(300000));
        QCOMPARE(int(panel.runs().size()), 2);
        auto mean = [](const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size()); };
        const double wiener = mean(panel.runs().at(0).sdr), bag = mean(panel.runs().at(1).sdr);
        QVERIFY2(bag > wiener + 0.5, qPrintable(QString("BAG %1 dB, Wiener %2 dB").arg(bag).arg(wiener)));
        // The bar chart shows any of the four figures for every source and run.
        for (QString id : {"sdr", "sir", "sar", "si-sdr"}) {
            panel.setBarMetric(id);
            QCOMPARE(panel.barMetric(), id);
            const auto bars = panel.barValues();
            QCOMPARE(int(bars.size()), 3);
            for (int run = 0; run < 2; ++run) {
                const SeparationRun& r = panel.runs().at(std::size_t(run));
                const auto& expected = id == "sdr" ? r.sdr : id == "sir" ? r.sir : id == "sar" ? r.sar : r.siSdr;
                for (int j = 0; j < 3; ++j) QVERIFY(std::abs(bars[std::size_t(j)][std::size_t(run)] - expected[std::size_t(j)]) < 1e-9);
            }
        }
        QVERIFY_THROWS_EXCEPTION(InputError, panel.setBarMetric("loudness"));
        panel.setBarMetric("sir");
        // The table's per-source column follows the charted figure.
        auto* table = panel.findChild<QTableWidget*>();
        QCOMPARE(table->horizontalHeaderItem(9)->text(), QString("SIR per source (dB)"));
        for (int row = 0; row < table->rowCount(); ++row) {
            const SeparationRun& r = panel.runs().at(std::size_t(table->item(row, 0)->data(Qt::UserRole).toInt()));
            QVERIFY(table->item(row, 9)->text().startsWith(QString::number(r.sir[0], 'f', 2) + " / "));
        }
        QDir().mkpath("screenshots");
        QVERIFY(panel.grab().save("screenshots/separation_panel_bag.png"));
    }

    void hpssNeedsNoReferences() {
        SeparationPanel panel;
        panel.setInputs(load("music_pbd_16k_mix.wav"), "mix", {}, {});
        panel.setMagnitudeSource("oracle");
        QVERIFY(panel.runPanel()->statusText().contains("true sources"));
        panel.setMagnitudeSource("hpss");
        panel.runPanel()->selectAlgorithm("wiener");
        QSignalSpy added(&panel, &SeparationPanel::runAdded);
        panel.runPanel()->run();
        QVERIFY(added.wait(60000));
        QCOMPARE(panel.runs().at(0).sourceNames, QStringList({"harmonic", "percussive"}));
        QVERIFY(panel.runs().at(0).sdr.empty());
        // A masked estimate is not the STFT of any signal: its inconsistency map has structure.
        const QImage map = panel.inconsistencyImage(0, 0, QSize(700, 350));
        QCOMPARE(map.size(), QSize(700, 350));
        QSet<QRgb> colours;
        for (int y = 40; y < 300; y += 4)
            for (int x = 80; x < 600; x += 4) colours.insert(map.pixel(x, y));
        QVERIFY(colours.size() > 50);
        QDir().mkpath("screenshots");
        QVERIFY(map.save("screenshots/inconsistency_map.png"));
    }
    // A stereo mixture is separated channel by channel into stereo images: each channel is what the
    // core gives on that channel alone, the figures are bss_eval_images' (with ISR, in the table too),
    // and ticking the downmix box separates the mono downmix instead.
    void stereoMixtureSeparatesChannelByChannel() {
        const StereoSpeech set;
        const auto& mix = set.mix;
        const auto& refs = set.refs;
        SeparationPanel panel;
        set.into(panel);
        panel.runPanel()->selectAlgorithm("misi");
        panel.runPanel()->form()->setValues({{"iterations", 3.0}});
        auto* downmix = panel.findChild<QCheckBox*>();
        QVERIFY(downmix && !downmix->isHidden() && !downmix->isChecked());
        QSignalSpy added(&panel, &SeparationPanel::runAdded);
        panel.runPanel()->run();
        QVERIFY(added.wait(120000));
        const SeparationRun& run = panel.runs().at(0);
        QCOMPARE(run.channelHandling, QString("per-channel"));
        QCOMPARE(run.sources.size(), std::size_t(2));
        const ParamValues values = panel.runPanel()->form()->values();
        for (int c = 0; c < 2; ++c) {
            separation::PipelineInput in;
            in.mixture = mix->channel(c);
            in.references = {refs[0]->channel(c), refs[1]->channel(c)};
            in.magnitudes = separation::magnitudeSourceFromName("oracle");
            in.config = panel.stftConfig();
            in.threads = 2;
            const separation::SeparationResult alone = separation::separate(*separation::findSeparationMethod("misi"), values, in);
            for (int j = 0; j < 2; ++j) {
                QCOMPARE(run.sources[std::size_t(j)]->channels(), 2);
                const float d = (run.sources[std::size_t(j)]->data.col(c) - alone.waveforms[std::size_t(j)]).abs().maxCoeff();
                QVERIFY2(d < 1e-6f, qPrintable(QString("channel %1 source %2: %3").arg(c).arg(j).arg(d)));
            }
        }
        std::vector<metrics::Signal> r, e;
        for (int j = 0; j < 2; ++j) {
            r.push_back(refs[std::size_t(j)]->data.cast<double>());
            e.push_back(run.sources[std::size_t(j)]->data.cast<double>());
        }
        metrics::BssParams noPerm;
        noPerm.permutation = false;
        const metrics::BssResult images = metrics::bssEvalImages(r, e, noPerm);
        QCOMPARE(run.isr.size(), std::size_t(2));
        for (int j = 0; j < 2; ++j) {
            QVERIFY(std::abs(run.sdr[std::size_t(j)] - images.sdr[j]) < 1e-9);
            QVERIFY(std::abs(run.isr[std::size_t(j)] - images.isr[j]) < 1e-9);
            QVERIFY2(run.isr[std::size_t(j)] > 5, qPrintable(QString::number(run.isr[std::size_t(j)])));
        }
        auto* table = panel.findChild<QTableWidget*>();
        QCOMPARE(table->horizontalHeaderItem(8)->text(), QString("ISR"));
        QVERIFY(std::abs(table->item(0, 8)->data(Qt::DisplayRole).toDouble() - (run.isr[0] + run.isr[1]) / 2) < 0.006);
        // The metrics panel measures the images too (its ISR column filled).
        QSignalSpy computed(panel.metricsPanel(), &MetricsPanel::computed);
        QVERIFY(computed.wait(60000) || panel.metricsPanel()->hasResults());
        for (int j = 0; j < 2; ++j) QVERIFY(std::abs(panel.metricsPanel()->rows()[std::size_t(j)].isr - run.isr[std::size_t(j)]) < 1e-4);
        QDir().mkpath("screenshots");
        QVERIFY(panel.grab().save("screenshots/separation_panel_stereo.png"));

        panel.setSeparateDownmix(true);
        QVERIFY(downmix->isChecked());
        panel.runPanel()->run();
        QVERIFY(added.wait(120000));
        const SeparationRun& mono = panel.runs().at(1);
        QCOMPARE(mono.channelHandling, QString("mono-downmix"));
        QCOMPARE(mono.sources[0]->channels(), 1);
        QVERIFY(mono.isr.empty());
        QCOMPARE(mono.sdr.size(), std::size_t(2));
    }
    // The multichannel Wiener filter in the panel: all channels at once from the references' images,
    // as separation::multichannelWienerImages gives them; HPSS magnitudes from the mixture alone.
    void multichannelWienerSeparatesJointly() {
        const StereoSpeech set;
        const auto& mix = set.mix;
        const auto& refs = set.refs;
        SeparationPanel panel;
        set.into(panel);
        panel.runPanel()->selectAlgorithm("mc-wiener");
        QCOMPARE(panel.runPanel()->statusText(), QString("Ready."));
        QVERIFY(panel.findChild<QLabel*>("separationInputs")->text().contains("separated jointly"));
        panel.runPanel()->form()->setValues({{"iterations", 2.0}});
        QSignalSpy added(&panel, &SeparationPanel::runAdded);
        panel.runPanel()->run();
        QVERIFY(added.wait(120000));
        const SeparationRun& run = panel.runs().at(0);
        QCOMPARE(run.channelHandling, QString("joint"));
        separation::McWienerParams params;
        params.iterations = 2;
        const auto images = separation::multichannelWienerImages(mix->data, {refs[0]->data, refs[1]->data}, panel.stftConfig(), params);
        for (int j = 0; j < 2; ++j) {
            QCOMPARE(run.sources[std::size_t(j)]->channels(), 2);
            QVERIFY((run.sources[std::size_t(j)]->data - images[std::size_t(j)]).abs().maxCoeff() < 1e-6f);
        }
        QCOMPARE(run.isr.size(), std::size_t(2));
        QCOMPARE(run.stfts.size(), std::size_t(2));  // channel 1's, for the inconsistency map
        QVERIFY(panel.runPanel()->statusText().contains("2 channels jointly"));
        // HPSS magnitudes, per channel from the mixture alone: a harmonic and a percussive image.
        panel.setMagnitudeSource("hpss");
        panel.runPanel()->form()->setValues({{"iterations", 0.0}});
        panel.runPanel()->run();
        QVERIFY(added.wait(120000));
        const SeparationRun& hpss = panel.runs().at(1);
        QCOMPARE(hpss.sourceNames, QStringList({"harmonic", "percussive"}));
        QCOMPARE(hpss.sources[0]->channels(), 2);
        QVERIFY(((hpss.sources[0]->data + hpss.sources[1]->data) - mix->data).abs().maxCoeff() < 1e-3f);  // soft masks sum to 1
        QDir().mkpath("screenshots");
        QVERIFY(panel.grab().save("screenshots/separation_panel_mc_wiener.png"));
    }
    void mismatchedReferencesAreRefused() {
        SeparationPanel panel;
        QVERIFY_THROWS_EXCEPTION(InputError, panel.setInputs(load("music_pbd_16k_mix.wav"), "mix", {load("tone440_16k.wav")}, {"tone"}));
        // A reference with another channel count than the stereo mixture (a mono one serves every channel).
        const auto stereo = std::make_shared<const Audio>(readAudio(test::sharedAudio("stereo/stereo_speech_16k_mix.flac")));
        auto three = std::make_shared<Audio>();
        three->sampleRate = stereo->sampleRate;
        three->data = Eigen::ArrayXXf::Zero(stereo->frames(), 3);
        try {
            panel.setInputs(stereo, "mix", {three}, {"spk1"});
            QFAIL("a 3-channel reference of a stereo mixture was accepted");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("reference 'spk1' has 3 channels, the mixture 2"), e.what());
        }
        panel.setInputs(stereo, "mix", {std::make_shared<const Audio>(Audio::fromMono(stereo->mono(), stereo->sampleRate))}, {"mono"});
    }
};

QTEST_MAIN(TestSeparationPanel)
#include "test_widgets_separation_panel.moc"
