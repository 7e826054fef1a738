// phaselab-cli separate / algorithms: outputs, names, JSON, evaluation, refusals and exit codes.
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "core/io/audio.h"
#include "cli_support.h"

namespace {

using phaselab::test::runCli;

QString audio(const char* name) { return QString::fromStdString(phaselab::test::sharedAudio(name)); }

const QStringList kTwoTone{audio("twotone_16k_mix.wav"), "--reference", audio("twotone_16k_a440.wav"),
                           audio("twotone_16k_b1320.wav"), "--window", "1024", "--hop", "256"};

}  // namespace

class TestCliSeparate : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
private slots:
    void wienerWithEvalJson() {
        const QString out = dir.filePath("wiener");
        const auto r = runCli(QStringList{"separate"} + kTwoTone + QStringList{"-o", out, "--method", "wiener", "--eval", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o["method"].toString(), QString("wiener"));
        QCOMPARE(o["magnitudes"].toString(), QString("oracle"));
        QVERIFY(o["seconds"].toDouble() > 0);
        const QJsonArray outputs = o["outputs"].toArray();
        QCOMPARE(outputs.size(), 2);
        QCOMPARE(QFileInfo(outputs[0].toString()).fileName(), QString("twotone_16k_a440.wav"));
        QCOMPARE(QFileInfo(outputs[1].toString()).fileName(), QString("twotone_16k_b1320.wav"));
        const QJsonObject m = o["metrics"].toObject();  // the shape of eval --json
        QCOMPARE(m["mode"].toString(), QString("sources"));
        const QJsonArray sources = m["sources"].toArray();
        QCOMPARE(sources.size(), 2);
        for (const auto& s : sources) {
            QVERIFY(s.toObject()["sdr"].toDouble() > 20);
            QVERIFY(s.toObject().contains("sir") && s.toObject().contains("sar") && s.toObject().contains("reference"));
        }
        QCOMPARE(sources[1].toObject()["estimate"].toString(), outputs[1].toString());
        QVERIFY(o["trace"].toArray().isEmpty());
        // The Wiener estimates add up to the mixture.
        const auto a = phaselab::readAudio(outputs[0].toString().toStdString()).mono();
        const auto b = phaselab::readAudio(outputs[1].toString().toStdString()).mono();
        const auto x = phaselab::readAudio(audio("twotone_16k_mix.wav").toStdString()).mono();
        QCOMPARE(a.size(), x.size());
        QVERIFY((a + b - x).abs().maxCoeff() < 1e-4f);
    }

    void misiTraceAndNames() {
        const QString out = dir.filePath("misi");
        const auto r = runCli(QStringList{"separate"} + kTwoTone +
                              QStringList{"-o", out, "--method", "misi", "--iterations", "3", "--order", "mix-first", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        const QJsonArray trace = o["trace"].toArray();
        QCOMPARE(trace.size(), 3);
        QCOMPARE(trace[2].toObject()["iteration"].toInt(), 3);
        QVERIFY(trace[2].toObject()["figures"].toObject().contains("objective"));
        QVERIFY(o["metrics"].isNull());
    }

    void refusesToOverwrite() {
        const QString out = dir.filePath("twice");
        const QStringList args = QStringList{"separate"} + kTwoTone + QStringList{"-o", out, "--method", "ideal-binary"};
        QCOMPARE(runCli(args).code, 0);
        const auto again = runCli(args);
        QCOMPARE(again.code, 1);
        QVERIFY(again.err.contains("exists already"));
        QVERIFY(again.err.contains("--force"));
        QCOMPARE(runCli(args + QStringList{"--force"}).code, 0);
    }

    void hpssWithoutReferences() {
        const QString out = dir.filePath("hpss");
        const auto r = runCli({"separate", audio("music_pbd_16k_mix.wav"), "-o", out, "--method", "hpss", "--window", "1024",
                               "--hop", "256", "--harmonic-frames", "9"});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(QFileInfo::exists(QDir(out).filePath("source-1.wav")));
        QVERIFY(QFileInfo::exists(QDir(out).filePath("source-2.wav")));
    }

    void importedMagnitudesEqualOracle() {
        const QString a = dir.filePath("oracle"), b = dir.filePath("files");
        QCOMPARE(runCli(QStringList{"separate"} + kTwoTone + QStringList{"-o", a, "--method", "aw", "--kappa", "2"}).code, 0);
        const auto r = runCli({"separate", audio("twotone_16k_mix.wav"), "-o", b, "--method", "aw", "--kappa", "2",
                               "--magnitudes", "files", "--estimates", audio("twotone_16k_a440.wav"),
                               audio("twotone_16k_b1320.wav"), "--window", "1024", "--hop", "256"});
        QVERIFY2(r.code == 0, r.err.constData());
        const auto x = phaselab::readAudio(QDir(a).filePath("twotone_16k_a440.wav").toStdString()).mono();
        const auto y = phaselab::readAudio(QDir(b).filePath("source-1.wav").toStdString()).mono();
        QCOMPARE(x.size(), y.size());
        // Equal up to float rounding (FFTW may pick different plans in two processes).
        QVERIFY2((x - y).abs().maxCoeff() < 1e-4f, qPrintable(QString::number((x - y).abs().maxCoeff())));
    }

    void errorsAndUsage() {
        const QString out = dir.filePath("errors");
        // Complex NMF learns its dictionaries from the references: without them, exit 2.
        auto r = runCli({"separate", audio("twotone_16k_mix.wav"), "-o", out, "--method", "cnmf"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("--reference"));
        // Unknown method, option of another method, missing references.
        QCOMPARE(runCli(QStringList{"separate"} + kTwoTone + QStringList{"-o", out, "--method", "magic"}).code, 2);
        r = runCli(QStringList{"separate"} + kTwoTone + QStringList{"-o", out, "--method", "wiener", "--order", "mix-first"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("does not apply"));
        r = runCli({"separate", audio("twotone_16k_mix.wav"), "-o", out, "--method", "wiener"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("--reference"));
        r = runCli({"separate", audio("twotone_16k_mix.wav"), "-o", out, "--method", "hpss", "--eval"});
        QCOMPARE(r.code, 2);
        // Out-of-range parameter.
        r = runCli(QStringList{"separate"} + kTwoTone + QStringList{"-o", out, "--method", "misi", "--iterations", "-3"});
        QCOMPARE(r.code, 2);
        // Sample-rate and length mismatches: clear messages, exit 1.
        r = runCli({"separate", audio("twotone_16k_mix.wav"), "-o", out, "--reference", audio("tone440_44k.wav"),
                    audio("twotone_16k_b1320.wav")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("sample rate"));
        r = runCli({"separate", audio("twotone_16k_mix.wav"), "-o", out, "--reference", audio("tone440_16k.wav"),
                    audio("twotone_16k_b1320.wav")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("same length"));
        QVERIFY(!QFileInfo::exists(QDir(out).filePath("tone440_16k.wav")));
    }

    // mc-wiener keeps the channels: stereo images out, scored with bss_eval_images as `eval --mode
    // images` scores the written files; 3 channels work, magnitudes it cannot use are refused.
    void multichannelWienerWritesImages() {
        const QString mix = audio("stereo/stereo_speech_16k_mix.flac"), a = audio("stereo/stereo_speech_16k_spk1.flac"),
                      b = audio("stereo/stereo_speech_16k_spk2.flac");
        const QString out = dir.filePath("mcw");
        const auto r = runCli({"separate", mix, "-o", out, "--method", "mc-wiener", "--iterations", "2", "--reference", a, b,
                               "--window", "1024", "--hop", "256", "--eval", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o["channels"].toInt(), 2);
        QCOMPARE(o["iterations"].toInt(), 2);
        const QJsonArray outputs = o["outputs"].toArray();
        QCOMPARE(outputs.size(), 2);
        const phaselab::Audio written = phaselab::readAudio(outputs[0].toString().toStdString());
        QCOMPARE(written.channels(), 2);
        QCOMPARE(written.frames(), phaselab::readAudio(mix.toStdString()).frames());
        const QJsonObject m = o["metrics"].toObject();
        QCOMPARE(m["mode"].toString(), QString("images"));
        const auto e = runCli({"eval", "--mode", "images", "--reference", a, b, "--estimate", outputs[0].toString(),
                               outputs[1].toString(), "--json"});
        QVERIFY2(e.code == 0, e.err.constData());
        const QJsonArray evalSources = QJsonDocument::fromJson(e.out).object()["sources"].toArray();
        for (int j = 0; j < 2; ++j) {
            const QJsonObject mine = m["sources"].toArray()[j].toObject(), theirs = evalSources[j].toObject();
            for (const char* key : {"sdr", "isr", "sir", "sar"})
                QVERIFY2(std::abs(mine[key].toDouble() - theirs[key].toDouble()) < 1e-9, key);
            QVERIFY(mine["sdr"].toDouble() > 12);
        }

        // three channels: [L, R, (L + R) / 2] of the mixture and of each image
        QStringList three;
        for (const QString& f : {mix, a, b}) {
            phaselab::Audio x = phaselab::readAudio(f.toStdString());
            phaselab::Audio y;
            y.sampleRate = x.sampleRate;
            y.data.resize(x.frames(), 3);
            y.data.leftCols(2) = x.data;
            y.data.col(2) = 0.5f * (x.data.col(0) + x.data.col(1));
            three << dir.filePath(QFileInfo(f).completeBaseName() + "_3ch.wav");
            phaselab::writeAudio(three.back().toStdString(), y, phaselab::SampleFormat::Float32);
        }
        const auto t = runCli({"separate", three[0], "-o", dir.filePath("mcw3"), "--method", "mc-wiener", "--reference", three[1],
                               three[2], "--window", "1024", "--hop", "256", "--eval", "--json"});
        QVERIFY2(t.code == 0, t.err.constData());
        const QJsonObject to = QJsonDocument::fromJson(t.out).object();
        QCOMPARE(to["channels"].toInt(), 3);
        QVERIFY(to["metrics"].toObject()["sources"].toArray()[0].toObject()["sdr"].toDouble() > 10);

        // Estimated magnitudes, per channel: supervised NMF (dictionaries from each channel of the
        // references), below the oracle; HPSS from the mixture alone (0 iterations: soft masks, whose
        // images sum to the mixture).
        const auto nmf = runCli({"separate", mix, "-o", dir.filePath("mcw_nmf"), "--method", "mc-wiener", "--magnitudes", "nmf",
                                 "--reference", a, b, "--eval", "--json", "--window", "1024", "--hop", "256"});
        QVERIFY2(nmf.code == 0, nmf.err.constData());
        const QJsonObject nmfJson = QJsonDocument::fromJson(nmf.out).object();
        QCOMPARE(nmfJson["magnitudes"].toString(), QString("nmf"));
        double nmfSdr = 0, oracleSdr = 0;
        for (const auto& x : nmfJson["metrics"].toObject()["sources"].toArray()) nmfSdr += x.toObject()["sdr"].toDouble() / 2;
        for (const auto& x : o["metrics"].toObject()["sources"].toArray()) oracleSdr += x.toObject()["sdr"].toDouble() / 2;
        qInfo("mc-wiener mean SDR (images): NMF magnitudes %.2f dB, oracle %.2f dB", nmfSdr, oracleSdr);
        QVERIFY(nmfSdr > 3 && nmfSdr < oracleSdr);
        const auto hpss = runCli({"separate", mix, "-o", dir.filePath("mcw_hpss"), "--method", "mc-wiener", "--magnitudes", "hpss",
                                  "--iterations", "0", "--json"});
        QVERIFY2(hpss.code == 0, hpss.err.constData());
        const QJsonArray hpssOut = QJsonDocument::fromJson(hpss.out).object()["outputs"].toArray();
        QVERIFY(hpssOut[0].toString().endsWith("harmonic.wav") && hpssOut[1].toString().endsWith("percussive.wav"));
        const auto h = phaselab::readAudio(hpssOut[0].toString().toStdString()), pc = phaselab::readAudio(hpssOut[1].toString().toStdString());
        QCOMPARE(h.channels(), 2);
        QVERIFY(((h.data + pc.data) - phaselab::readAudio(mix.toStdString()).data).abs().maxCoeff() < 1e-4f);
        const auto channels = runCli({"separate", mix, "-o", dir.filePath("mcw_ch"), "--method", "mc-wiener", "--reference",
                                      three[1], three[2]});
        QCOMPARE(channels.code, 1);
        QVERIFY2(channels.err.contains("3 channels but the mixture has 2"), channels.err.constData());
        const auto kappa = runCli({"separate", mix, "-o", dir.filePath("mcw_k"), "--method", "mc-wiener", "--kappa", "2",
                                   "--reference", a, b});
        QCOMPARE(kappa.code, 2);
        QVERIFY(kappa.err.contains("--kappa"));
    }

    // A stereo mixture is separated channel by channel by default: stereo images out, scored with
    // bss_eval_images; --mono separates the downmix as before; references with other channel
    // counts are refused; mc-wiener beats the per-channel Wiener filter on the same images.
    void stereoIsSeparatedPerChannel() {
        const QString mix = audio("stereo/stereo_speech_16k_mix.flac"), a = audio("stereo/stereo_speech_16k_spk1.flac"),
                      b = audio("stereo/stereo_speech_16k_spk2.flac");
        const QStringList common{"--reference", a, b, "--window", "1024", "--hop", "256", "--eval", "--json"};
        const auto r = runCli(QStringList{"separate", mix, "-o", dir.filePath("perchannel"), "--method", "wiener"} + common);
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o["channels"].toInt(), 2);
        QCOMPARE(o["channel_handling"].toString(), QString("per channel"));
        const QJsonObject m = o["metrics"].toObject();
        QCOMPARE(m["mode"].toString(), QString("images"));
        const QJsonArray outputs = o["outputs"].toArray();
        QCOMPARE(phaselab::readAudio(outputs[0].toString().toStdString()).channels(), 2);
        // each channel is the mono method on that channel: channel 2 equals separating channel 2 alone
        const phaselab::Audio mixAudio = phaselab::readAudio(mix.toStdString());
        QStringList right;
        for (const QString& f : {mix, a, b}) {
            right << dir.filePath(QFileInfo(f).completeBaseName() + "_R.wav");
            phaselab::writeAudio(right.back().toStdString(), phaselab::Audio::fromMono(phaselab::readAudio(f.toStdString()).channel(1), 16000),
                                 phaselab::SampleFormat::Float32);
        }
        const auto mono = runCli({"separate", right[0], "-o", dir.filePath("right"), "--method", "wiener", "--reference", right[1],
                                  right[2], "--window", "1024", "--hop", "256", "--json"});
        QVERIFY2(mono.code == 0, mono.err.constData());
        const QJsonArray monoOutputs = QJsonDocument::fromJson(mono.out).object()["outputs"].toArray();
        for (int j = 0; j < 2; ++j) {
            const Eigen::ArrayXf stereoRight = phaselab::readAudio(outputs[j].toString().toStdString()).channel(1);
            const Eigen::ArrayXf alone = phaselab::readAudio(monoOutputs[j].toString().toStdString()).channel(0);
            QVERIFY((stereoRight - alone).abs().maxCoeff() < 1e-6f);
        }
        double perChannelSdr = 0, mcSdr = 0;
        for (const auto& x : m["sources"].toArray()) perChannelSdr += x.toObject()["sdr"].toDouble() / 2;
        const auto mc = runCli(QStringList{"separate", mix, "-o", dir.filePath("mc"), "--method", "mc-wiener"} + common);
        QVERIFY2(mc.code == 0, mc.err.constData());
        for (const auto& x : QJsonDocument::fromJson(mc.out).object()["metrics"].toObject()["sources"].toArray())
            mcSdr += x.toObject()["sdr"].toDouble() / 2;
        qInfo("stereo_speech_16k, mean SDR (images): per-channel Wiener %.2f dB, mc-wiener %.2f dB", perChannelSdr, mcSdr);
        QVERIFY(mcSdr > perChannelSdr);

        const auto down = runCli(QStringList{"separate", mix, "-o", dir.filePath("down"), "--method", "wiener", "--mono"} + common);
        QVERIFY2(down.code == 0, down.err.constData());
        const QJsonObject d = QJsonDocument::fromJson(down.out).object();
        QCOMPARE(d["channel_handling"].toString(), QString("mono downmix"));
        QCOMPARE(d["metrics"].toObject()["mode"].toString(), QString("sources"));
        QCOMPARE(phaselab::readAudio(d["outputs"].toArray()[0].toString().toStdString()).channels(), 1);
        QVERIFY(down.err.contains("mono downmix"));

        // a three-channel reference for a stereo mixture
        phaselab::Audio three;
        three.sampleRate = 16000;
        three.data = Eigen::ArrayXXf::Zero(mixAudio.frames(), 3);
        const QString threePath = dir.filePath("three.wav");
        phaselab::writeAudio(threePath.toStdString(), three, phaselab::SampleFormat::Float32);
        const auto refused = runCli({"separate", mix, "-o", dir.filePath("refused"), "--method", "wiener", "--reference", threePath, b});
        QCOMPARE(refused.code, 1);
        QVERIFY2(refused.err.contains("3 channels but the mixture has 2"), refused.err.constData());
    }

    void algorithmsJson() {
        const auto r = runCli({"algorithms", "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QStringList ids, online;
        for (const auto& a : o["algorithms"].toArray()) {
            const QJsonObject d = a.toObject();
            ids << d["id"].toString();
            if (d["command"].toString() == "stream") online << d["id"].toString();
            if (d["id"].toString() == "gsrtisi-la") {
                QCOMPARE(d["category"].toString(), QString("online recovery"));
                QCOMPARE(d["parameters"].toArray()[2].toObject()["default"].toString(), QString("rtpghi"));
            }
            // every method says how it treats a multichannel input (the NMF estimators excepted)
            const QString mc = d["multichannel"].toString();
            if (d["category"].toString() != "magnitudes") QVERIFY2(!mc.isEmpty(), qPrintable(d["id"].toString()));
            if (d["id"].toString() == "mc-wiener") QVERIFY(mc.startsWith("jointly"));
            if (d["command"].toString() != "stream" && (d["id"].toString() == "misi" || d["id"].toString() == "gl"))
                QVERIFY(mc.startsWith("channel by channel"));
            if (d["command"].toString() == "stream") QVERIFY(mc.startsWith("channel by channel: one engine per channel") && mc.contains("live mode"));
            if (d["id"].toString() == "misi") {
                const QJsonObject it = d["parameters"].toArray()[0].toObject();
                QCOMPARE(it["id"].toString(), QString("iterations"));
                QCOMPARE(it["default"].toDouble(), 5.0);
            }
        }
        for (const char* id : {"gl", "fgla", "pu", "bregman", "ideal-binary", "ideal-ratio", "wiener", "misi", "aw", "cw", "caw",
                               "pu-iter", "bregman-misi", "nmf", "cnmf", "cisnmf", "hpss", "mc-wiener"})
            QVERIFY2(ids.contains(id), id);
        QVERIFY(o["not_implemented"].toArray().isEmpty());
        // the online methods of `phaselab-cli stream`, by their --method names
        QCOMPARE(online, (QStringList{"rtpghi", "rtisi-la", "gsrtisi-la", "omisi", "wiener", "aw"}));
    }
};

QTEST_GUILESS_MAIN(TestCliSeparate)
#include "test_cli_separate.moc"
