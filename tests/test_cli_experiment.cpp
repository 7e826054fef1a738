// Experiment files: write/read round trip, a re-run reproduces the stored metrics (also through
// phaselab-cli run), changed inputs and corrupted or truncated files give clear errors, writes are
// atomic and never replace a file unasked.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>

#include "cli_support.h"
#include "core/common/error.h"
#include "core/experiment/experiment.h"

using namespace phaselab;

namespace {

experiment::Experiment twoTone(const QTemporaryDir& dir) {
    // Copies of the inputs beside the experiment, referred to by relative paths.
    for (const char* f : {"twotone_16k_mix.wav", "twotone_16k_a440.wav", "twotone_16k_b1320.wav"})
        QFile::copy(QString::fromStdString(test::sharedAudio(f)), dir.filePath(f));
    experiment::Experiment e;
    e.mixture = {"mix", "twotone_16k_mix.wav", experiment::checksum(dir.filePath("twotone_16k_mix.wav").toStdString())};
    e.references = {{"a440", "twotone_16k_a440.wav", experiment::checksum(dir.filePath("twotone_16k_a440.wav").toStdString())},
                    {"b1320", "twotone_16k_b1320.wav", experiment::checksum(dir.filePath("twotone_16k_b1320.wav").toStdString())}};
    experiment::RunSpec wiener;
    wiener.algorithm = "wiener";
    wiener.stft = StftConfig{WindowType::Hann, 1024, 256};
    experiment::RunSpec misi = wiener;
    misi.algorithm = "misi";
    misi.parameters = {{"iterations", 5.0}, {"order", std::string("magnitude-first")}};
    experiment::RunSpec gl;
    gl.kind = "recovery";
    gl.algorithm = "fgla";
    gl.parameters = {{"iterations", 10.0}};
    gl.stft = wiener.stft;
    e.runs = {wiener, misi, gl};
    return e;
}

void expectError(const std::function<void()>& f, const QString& fragment) {
    try {
        f();
    } catch (const InputError& e) {
        QVERIFY2(QString(e.what()).contains(fragment), e.what());
        return;
    }
    QFAIL(qPrintable("no InputError containing '" + fragment + "'"));
}

}  // namespace

class TestCliExperiment : public QObject {
    Q_OBJECT
private slots:
    void roundTripAndReproduce() {
        QTemporaryDir dir;
        experiment::Experiment e = twoTone(dir);
        const std::string base = dir.path().toStdString();
        for (auto& run : e.runs) run.metrics = experiment::execute(e, run, base).metrics;
        QCOMPARE(e.runs[0].metrics.at("sdr").size(), std::size_t(2));
        QVERIFY(e.runs[1].metrics.at("sdr")[0] > e.runs[0].metrics.at("sdr")[0]);  // MISI beats Wiener on the tones
        QVERIFY(e.runs[2].metrics.at("spectral_convergence_db")[0] < -10);
        const std::string path = dir.filePath("exp.json").toStdString();
        experiment::write(e, path);
        QVERIFY(!QFile::exists(dir.filePath("exp.json.part")));
        expectError([&] { experiment::write(e, path); }, "exists already");

        const experiment::Experiment back = experiment::read(path);
        QCOMPARE(back.runs.size(), std::size_t(3));
        QCOMPARE(back.runs[1].algorithm, std::string("misi"));
        QCOMPARE(std::get<double>(back.runs[1].parameters.at("iterations")), 5.0);
        QCOMPARE(std::get<std::string>(back.runs[1].parameters.at("order")), std::string("magnitude-first"));
        QCOMPARE(back.runs[2].stft.hop, 256);
        QCOMPARE(back.references[1].name, std::string("b1320"));
        for (const auto& run : back.runs) {
            const double d = experiment::maxDifference(run, experiment::execute(back, run, base));
            QVERIFY2(d >= 0 && d < 0.01, qPrintable(QString::number(d)));
        }

        // The same through the CLI, into a fresh folder; a second run without --force refuses.
        auto r = test::runCli({"run", dir.filePath("exp.json"), "-o", dir.filePath("out")});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(r.out.contains("largest difference"));
        QVERIFY(QFile::exists(dir.filePath("out/run-2-misi/a440.wav")));
        QVERIFY(QFile::exists(dir.filePath("out/metrics.csv")));
        r = test::runCli({"run", dir.filePath("exp.json"), "-o", dir.filePath("out")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("exists already"));
    }

    // A stereo mixture: "per-channel" runs give stereo outputs and the figures `phaselab-cli separate
    // --eval` / `recover` give (images, with ISR; recovery over both channels); a run without
    // "channels" (files written before it existed) still works on the downmix, as it did.
    void stereoRunsPerChannelAsTheCli() {
        QTemporaryDir dir;
        for (const char* f : {"stereo_speech_16k_mix.flac", "stereo_speech_16k_spk1.flac", "stereo_speech_16k_spk2.flac"})
            QVERIFY(QFile::copy(QString::fromStdString(test::sharedAudio(std::string("stereo/") + f)), dir.filePath(f)));
        experiment::Experiment e;
        e.mixture = {"mix", "stereo_speech_16k_mix.flac", ""};
        e.references = {{"spk1", "stereo_speech_16k_spk1.flac", ""}, {"spk2", "stereo_speech_16k_spk2.flac", ""}};
        experiment::RunSpec wiener;
        wiener.algorithm = "wiener";
        wiener.stft = StftConfig{WindowType::Hann, 1024, 256};
        wiener.channels = "per-channel";
        experiment::RunSpec gl;
        gl.kind = "recovery";
        gl.algorithm = "gl";
        gl.parameters = {{"iterations", 5.0}};
        gl.stft = wiener.stft;
        gl.channels = "per-channel";
        experiment::RunSpec downmix = wiener;
        downmix.channels = "mono-downmix";
        e.runs = {wiener, gl, downmix};
        const std::string base = dir.path().toStdString();

        const experiment::RunOutput images = experiment::execute(e, wiener, base);
        QCOMPARE(images.waveforms.size(), std::size_t(2));
        QCOMPARE(images.waveforms[0].cols(), Eigen::Index(2));
        QCOMPARE(images.metrics.at("isr").size(), std::size_t(2));
        auto sep = test::runCli({"separate", dir.filePath("stereo_speech_16k_mix.flac"), "--method", "wiener", "--window", "1024",
                                 "--hop", "256", "--reference", dir.filePath("stereo_speech_16k_spk1.flac"),
                                 dir.filePath("stereo_speech_16k_spk2.flac"), "--eval", "--json", "-o", dir.filePath("sep")});
        QVERIFY2(sep.code == 0, sep.err.constData());
        const QJsonObject cli = QJsonDocument::fromJson(sep.out).object();
        const QJsonArray sources = cli["metrics"].toObject()["sources"].toArray();
        QCOMPARE(sources.size(), 2);
        for (int j = 0; j < 2; ++j) {
            QVERIFY(std::abs(sources[j].toObject()["sdr"].toDouble() - images.metrics.at("sdr")[std::size_t(j)]) < 1e-6);
            QVERIFY(std::abs(sources[j].toObject()["isr"].toDouble() - images.metrics.at("isr")[std::size_t(j)]) < 1e-6);
        }

        const experiment::RunOutput rebuilt = experiment::execute(e, gl, base);
        QCOMPARE(rebuilt.waveforms[0].cols(), Eigen::Index(2));
        auto rec = test::runCli({"recover", dir.filePath("stereo_speech_16k_mix.flac"), "--method", "gl", "--iterations", "5",
                                 "--window", "1024", "--hop", "256", "--json", "-o", dir.filePath("rec.wav")});
        QVERIFY2(rec.code == 0, rec.err.constData());
        const QJsonObject recJson = QJsonDocument::fromJson(rec.out).object();
        QVERIFY(std::abs(recJson["spectral_convergence_db"].toDouble() - rebuilt.metrics.at("spectral_convergence_db")[0]) < 1e-6);
        QVERIFY(std::abs(recJson["snr_db"].toDouble() - rebuilt.metrics.at("snr_db")[0]) < 1e-6);

        const experiment::RunOutput mono = experiment::execute(e, downmix, base);
        QCOMPARE(mono.waveforms[0].cols(), Eigen::Index(1));
        QVERIFY(!mono.metrics.count("isr"));
        // Written and read back: the channel handling is kept; absent, it means the downmix.
        const std::string path = dir.filePath("exp.json").toStdString();
        experiment::write(e, path);
        const experiment::Experiment back = experiment::read(path);
        QCOMPARE(back.runs[0].channels, std::string("per-channel"));
        QCOMPARE(back.runs[2].channels, std::string("mono-downmix"));
        QCOMPARE(experiment::parse(R"({"format": "phaselab-experiment", "version": 1, "mixture": {"path": "m.wav"},
                                      "runs": [{"algorithm": "wiener"}]})", "old.json").runs[0].channels,
                 std::string("mono-downmix"));
        expectError([&] {
            experiment::parse(R"({"format": "phaselab-experiment", "version": 1, "mixture": {"path": "m.wav"},
                                  "runs": [{"algorithm": "wiener", "channels": "left"}]})", "bad.json");
        }, "(per-channel, mono-downmix or joint)");
        // mc-wiener separates the channels jointly ("joint"), as `separate --method mc-wiener` does.
        experiment::RunSpec mcw = wiener;
        mcw.algorithm = "mc-wiener";
        mcw.parameters = {{"iterations", 2.0}};
        mcw.channels = "joint";
        const experiment::RunOutput jointly = experiment::execute(e, mcw, base);
        QCOMPARE(jointly.waveforms[0].cols(), Eigen::Index(2));
        auto mc = test::runCli({"separate", dir.filePath("stereo_speech_16k_mix.flac"), "--method", "mc-wiener", "--iterations", "2",
                                "--window", "1024", "--hop", "256", "--reference", dir.filePath("stereo_speech_16k_spk1.flac"),
                                dir.filePath("stereo_speech_16k_spk2.flac"), "--eval", "--json", "-o", dir.filePath("mc")});
        QVERIFY2(mc.code == 0, mc.err.constData());
        const QJsonArray mcSources = QJsonDocument::fromJson(mc.out).object()["metrics"].toObject()["sources"].toArray();
        for (int j = 0; j < 2; ++j) {
            QVERIFY(std::abs(mcSources[j].toObject()["sdr"].toDouble() - jointly.metrics.at("sdr")[std::size_t(j)]) < 1e-6);
            QVERIFY(std::abs(mcSources[j].toObject()["isr"].toDouble() - jointly.metrics.at("isr")[std::size_t(j)]) < 1e-6);
        }
        expectError([&] {
            experiment::parse(R"({"format": "phaselab-experiment", "version": 1, "mixture": {"path": "m.wav"},
                                  "runs": [{"algorithm": "mc-wiener", "channels": "per-channel"}]})", "bad.json");
        }, "mc-wiener separates the channels jointly");
        expectError([&] {
            experiment::parse(R"({"format": "phaselab-experiment", "version": 1, "mixture": {"path": "m.wav"},
                                  "runs": [{"algorithm": "wiener", "channels": "joint"}]})", "bad.json");
        }, "every other method per channel");

        // A reference whose channel count is neither 1 nor the mixture's is refused, with its name.
        Audio three;
        three.sampleRate = 16000;
        three.data = Eigen::ArrayXXf::Zero(readAudio(dir.filePath("stereo_speech_16k_mix.flac").toStdString()).frames(), 3);
        writeAudio(dir.filePath("three.wav").toStdString(), three);
        experiment::Experiment bad = e;
        bad.references[1] = {"spk2", "three.wav", ""};
        expectError([&] { experiment::execute(bad, wiener, base); }, "reference 'spk2' has 3 channels, the mixture 2");
    }

    void changedInputsAndBadFiles() {
        QTemporaryDir dir;
        experiment::Experiment e = twoTone(dir);
        const std::string path = dir.filePath("exp.json").toStdString();
        experiment::write(e, path);
        // A changed input is refused.
        QFile mix(dir.filePath("twotone_16k_mix.wav"));
        QVERIFY(mix.open(QIODevice::Append));
        mix.write("x");
        mix.close();
        expectError([&] { experiment::execute(e, e.runs[0], dir.path().toStdString()); }, "has changed");
        // Truncated and corrupted files.
        QFile f(QString::fromStdString(path));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray full = f.readAll();
        f.close();
        const auto writeBytes = [&](const QByteArray& bytes) {
            QFile g(QString::fromStdString(path));
            QVERIFY(g.open(QIODevice::WriteOnly | QIODevice::Truncate));
            g.write(bytes);
        };
        writeBytes(full.left(full.size() / 2));
        expectError([&] { experiment::read(path); }, "corrupted or truncated");
        writeBytes("{\"hello\": 1}");
        expectError([&] { experiment::read(path); }, "not a PhaseLab experiment");
        writeBytes(QByteArray(full).replace("\"version\": 1", "\"version\": 7"));
        expectError([&] { experiment::read(path); }, "version 7");
        writeBytes(QByteArray(full).replace("\"algorithm\": \"wiener\"", "\"algorithm\": 3"));
        expectError([&] { experiment::read(path); }, "names no algorithm");
        expectError([&] { experiment::read(dir.filePath("missing.json").toStdString()); }, "cannot open");
        auto r = test::runCli({"run", QString::fromStdString(path), "-o", dir.filePath("o")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("names no algorithm"));
    }
};

QTEST_GUILESS_MAIN(TestCliExperiment)
#include "test_cli_experiment.moc"
