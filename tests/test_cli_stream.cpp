// phaselab-cli stream (issue 13): the JSON report (latency, real-time factor, figures in the shape of
// `eval --json`), outputs aligned with the input or with the latency kept, the written file equal to
// the in-process engine, the block size leaving the result unchanged, and bad usage and inputs.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "cli_support.h"
#include "core/io/audio.h"
#include "core/stream/online_separation.h"
#include "core/stream/rtpghi.h"

using namespace phaselab;
using phaselab::test::runCli;

namespace {

QString shared(const char* name) { return QString::fromStdString(test::sharedAudio(name)); }
const QStringList kSmallStft{"--window", "256", "--hop", "128", "--fft", "512"};

}  // namespace

class TestCliStream : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
private slots:
    void rtpghiReportsLatencyAndFigures() {
        const QString out = dir.filePath("rt.wav");
        const auto r = runCli({"stream", shared("speech_noise_16k_speech.wav"), "-o", out, "--window", "1024", "--hop", "256",
                               "--block", "37", "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o["method"].toString(), QString("rtpghi"));
        QCOMPARE(o["latency_samples"].toInt(), 1024 + 256);
        QCOMPARE(o["latency_ms"].toDouble(), 1000.0 * 1280 / 16000);
        QCOMPARE(o["block"].toInt(), 37);
        QCOMPARE(o["lookahead_frames"].toInt(), 1);
        const QJsonObject rtf = o["real_time_factor"].toObject();
        QVERIFY(rtf["mean"].toDouble() > 0 && rtf["max"].toDouble() >= rtf["mean"].toDouble());
        const double sc = o["spectral_convergence_db"].toDouble();
        QVERIFY2(sc < -15, qPrintable(QString::number(sc)));

        // The file is the in-process engine's output, aligned with the input.
        const Audio in = readAudio(shared("speech_noise_16k_speech.wav").toStdString());
        const Audio written = readAudio(out.toStdString());
        QCOMPARE(written.frames(), in.frames());
        StftConfig c;
        c.windowLength = 1024;
        c.hop = 256;
        stream::StreamEngine engine(c, std::make_unique<stream::RtpghiProcessor>(c, stream::RtpghiParams{}));
        Eigen::ArrayXf x = Eigen::ArrayXf::Zero(in.frames() + engine.latency()), y(x.size());
        x.head(in.frames()) = in.data.col(0);
        const float* ip[] = {x.data()};
        float* op[] = {y.data()};
        engine.process(ip, op, int(x.size()));
        const float error = (written.data.col(0) - y.segment(engine.latency(), in.frames())).abs().maxCoeff();
        QVERIFY2(error < 1e-6f, qPrintable(QString::number(error)));

        // --keep-latency: the latency's silence first, and no figure of a misaligned output.
        const auto k = runCli({"stream", shared("speech_noise_16k_speech.wav"), "-o", dir.filePath("rt_kept.wav"), "--window",
                               "1024", "--hop", "256", "--keep-latency", "--lookahead", "0", "--json"});
        QCOMPARE(k.code, 0);
        const QJsonObject ko = QJsonDocument::fromJson(k.out).object();
        QCOMPARE(ko["latency_samples"].toInt(), 1024);
        QVERIFY(ko["spectral_convergence_db"].isNull());
        const Audio kept = readAudio(dir.filePath("rt_kept.wav").toStdString());
        QCOMPARE(kept.frames(), in.frames() + 1024);
        QVERIFY((kept.data.col(0).head(1024) == 0).all());
    }

    void separationReportsMetricsLikeEval() {
        const QString out = dir.filePath("omisi");
        const QStringList refs{"--reference", shared("two_speakers_16k_spk1.wav"), "--reference", shared("two_speakers_16k_spk2.wav")};
        const auto r = runCli(QStringList{"stream", shared("two_speakers_16k_mix.wav"), "-o", out, "--method", "omisi", "--json"} +
                              kSmallStft + refs);
        QCOMPARE(r.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o["latency_samples"].toInt(), 256 + 128);
        QCOMPARE(o["latency_ms"].toDouble(), 24.0);  // algorithms-online.md §5.3: 24 ms for K = 1
        const QJsonArray outputs = o["outputs"].toArray();
        QCOMPARE(outputs.size(), 2);
        for (const auto& f : outputs) QVERIFY(QFile::exists(f.toString()));
        const QJsonObject m = o["metrics"].toObject();
        QCOMPARE(m["mode"].toString(), QString("sources"));
        const QJsonArray sources = m["sources"].toArray();
        QCOMPARE(sources.size(), 2);
        double wienerSiSdr = 0, misiSiSdr = 0;
        for (const auto& s : sources) {
            const QJsonObject so = s.toObject();
            for (const char* key : {"sdr", "sir", "sar", "si_sdr", "si_sdri"}) QVERIFY2(so[key].isDouble(), key);
            QVERIFY(so["si_sdri"].toDouble() > 15);
            misiSiSdr += so["si_sdr"].toDouble();
        }
        // The figures are those of `phaselab-cli eval` on the written files.
        const auto e = runCli({"eval", "--mode", "sources", "--no-permutation", "--reference", shared("two_speakers_16k_spk1.wav"),
                               "--reference", shared("two_speakers_16k_spk2.wav"), "--estimate", outputs[0].toString(),
                               "--estimate", outputs[1].toString(), "--json"});
        QCOMPARE(e.code, 0);
        const QJsonArray evalSources = QJsonDocument::fromJson(e.out).object()["sources"].toArray();
        for (int j = 0; j < 2; ++j)
            for (const char* key : {"sdr", "si_sdr"})
                QVERIFY2(std::abs(evalSources[j].toObject()[key].toDouble() - sources[j].toObject()[key].toDouble()) < 1e-6, key);

        const auto sin = runCli(QStringList{"stream", shared("two_speakers_16k_mix.wav"), "-o", dir.filePath("omisi_sin"), "--method",
                                            "omisi", "--start", "sinus", "--json"} + kSmallStft + refs);
        QCOMPARE(sin.code, 0);
        const QJsonObject so = QJsonDocument::fromJson(sin.out).object();
        QCOMPARE(so["start"].toString(), QString("sinus"));
        QVERIFY(so["metrics"].toObject()["sources"].toArray()[0].toObject()["si_sdri"].toDouble() > 10);

        const auto w = runCli(QStringList{"stream", shared("two_speakers_16k_mix.wav"), "-o", dir.filePath("wiener"), "--method",
                                          "wiener", "--json"} + kSmallStft + refs);
        QCOMPARE(w.code, 0);
        const QJsonObject wo = QJsonDocument::fromJson(w.out).object();
        QCOMPARE(wo["latency_samples"].toInt(), 256);
        for (const auto& s : wo["metrics"].toObject()["sources"].toArray()) wienerSiSdr += s.toObject()["si_sdr"].toDouble();
        QVERIFY2(misiSiSdr > wienerSiSdr, qPrintable(QString("%1 vs %2").arg(misiSiSdr).arg(wienerSiSdr)));
    }

    // A stereo input: each channel through its own engine, so each channel of every output equals the
    // stream of that channel alone; figures on the images (bss_eval_images, ISR); --mono streams the
    // downmix; a reference with another channel count is refused.
    void stereoStreamsEachChannel() {
        const Audio mix = readAudio(test::sharedAudio("stereo/stereo_speech_16k_mix.flac"));
        const QString ref1 = shared("stereo/stereo_speech_16k_spk1.flac"), ref2 = shared("stereo/stereo_speech_16k_spk2.flac");
        const auto r = runCli(QStringList{"stream", shared("stereo/stereo_speech_16k_mix.flac"), "-o", dir.filePath("st"), "--method",
                                          "omisi", "--reference", ref1, "--reference", ref2, "--json"} + kSmallStft);
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o["channels"].toInt(), 2);
        QCOMPARE(o["channel_handling"].toString(), QString("per channel"));
        QCOMPARE(o["metrics"].toObject()["function"].toString(), QString("bss_eval_images"));
        const QJsonArray sources = o["metrics"].toObject()["sources"].toArray();
        QVERIFY(sources[0].toObject()["isr"].toDouble() > 5);
        const Audio a1 = readAudio(ref1.toStdString()), a2 = readAudio(ref2.toStdString());
        for (int c = 0; c < 2; ++c) {
            const QString suffix = QString("_c%1.wav").arg(c);
            writeAudio(dir.filePath("mix" + suffix).toStdString(), Audio::fromMono(mix.channel(c), mix.sampleRate), SampleFormat::Float32);
            writeAudio(dir.filePath("s1" + suffix).toStdString(), Audio::fromMono(a1.channel(c), mix.sampleRate), SampleFormat::Float32);
            writeAudio(dir.filePath("s2" + suffix).toStdString(), Audio::fromMono(a2.channel(c), mix.sampleRate), SampleFormat::Float32);
            const auto alone = runCli(QStringList{"stream", dir.filePath("mix" + suffix), "-o", dir.filePath("alone" + suffix), "--method",
                                                  "omisi", "--reference", dir.filePath("s1" + suffix), "--reference", dir.filePath("s2" + suffix),
                                                  "--json"} + kSmallStft);
            QVERIFY2(alone.code == 0, alone.err.constData());
            const QJsonArray aloneOutputs = QJsonDocument::fromJson(alone.out).object()["outputs"].toArray();
            for (int j = 0; j < 2; ++j) {
                const Audio both = readAudio(o["outputs"].toArray()[j].toString().toStdString());
                QCOMPARE(both.channels(), 2);
                const Audio one = readAudio(aloneOutputs[j].toString().toStdString());
                QVERIFY((both.data.col(c) - one.data.col(0)).abs().maxCoeff() < 1e-6f);
            }
        }
        const auto down = runCli(QStringList{"stream", shared("stereo/stereo_speech_16k_mix.flac"), "-o", dir.filePath("down"), "--method",
                                             "omisi", "--reference", ref1, "--reference", ref2, "--json", "--mono"} + kSmallStft);
        QVERIFY2(down.code == 0, down.err.constData());
        const QJsonObject d = QJsonDocument::fromJson(down.out).object();
        QCOMPARE(d["channel_handling"].toString(), QString("mono downmix"));
        QCOMPARE(d["metrics"].toObject()["mode"].toString(), QString("sources"));
        QCOMPARE(readAudio(d["outputs"].toArray()[0].toString().toStdString()).channels(), 1);
        Audio three;
        three.sampleRate = mix.sampleRate;
        three.data = Eigen::ArrayXXf::Zero(mix.frames(), 3);
        writeAudio(dir.filePath("three.wav").toStdString(), three, SampleFormat::Float32);
        const auto refused = runCli(QStringList{"stream", shared("stereo/stereo_speech_16k_mix.flac"), "-o", dir.filePath("refused"),
                                                "--method", "wiener", "--reference", dir.filePath("three.wav"), "--reference", ref2} +
                                    kSmallStft);
        QCOMPARE(refused.code, 1);
        QVERIFY2(refused.err.contains("has 3 channels but"), refused.err.constData());
    }

    // RTISI-LA and GSRTISI-LA: their latencies and figures; GSRTISI-LA from RTPGHI is the better.
    void iterativeRecoveryReportsLatencyAndFigures() {
        double sc[2];
        for (int gs = 0; gs < 2; ++gs) {
            const QString method = gs ? "gsrtisi-la" : "rtisi-la";
            const auto r = runCli({"stream", shared("speech_noise_16k_speech.wav"), "-o", dir.filePath(method + ".wav"), "--method",
                                   method, "--window", "1024", "--hop", "256", "--json"});
            QCOMPARE(r.code, 0);
            const QJsonObject o = QJsonDocument::fromJson(r.out).object();
            QCOMPARE(o["lookahead_frames"].toInt(), 2);  // RTISI-LA(2); RTPGHI(1) -> GSRTISI-LA(1)
            QCOMPARE(o["latency_samples"].toInt(), 1024 + 2 * 256);
            QCOMPARE(o["iterations_per_frame"].toInt(), 12);
            if (gs) QCOMPARE(o["start"].toString(), QString("rtpghi"));
            sc[gs] = o["spectral_convergence_db"].toDouble();
        }
        qInfo("speech 16 kHz, 1024/256: RTISI-LA(2) %.2f dB, RTPGHI(1) -> GSRTISI-LA(1) %.2f dB", sc[0], sc[1]);
        QVERIFY(sc[0] < -15);
        QVERIFY(sc[1] < sc[0]);
    }

    // Live magnitudes from stems (equal to the oracle's when the stems are the references) and from
    // supervised NMF on the mixture alone; online AW.
    void separationFromStemsNmfAndAw() {
        const QString mixture = shared("music_pbd_16k_mix.wav");
        QStringList refs, stems, train;
        for (const char* name : {"music_pbd_16k_piano.wav", "music_pbd_16k_bass.wav", "music_pbd_16k_drums.wav"}) {
            refs << "--reference" << shared(name);
            stems << "--stem" << shared(name);
            train << "--train" << shared(name);
        }
        const QStringList stft{"--window", "1024", "--hop", "256"};
        const auto oracle = runCli(QStringList{"stream", mixture, "-o", dir.filePath("oracle"), "--method", "wiener", "--json"} + stft + refs);
        const auto fromStems = runCli(QStringList{"stream", mixture, "-o", dir.filePath("stems"), "--method", "wiener", "--json"} + stft + stems);
        QCOMPARE(oracle.code, 0);
        QCOMPARE(fromStems.code, 0);
        const QJsonObject so = QJsonDocument::fromJson(fromStems.out).object();
        QCOMPARE(so["magnitudes"].toString(), QString("stems"));
        QVERIFY(so["metrics"].isNull());  // no --reference: no figures
        const QJsonArray a = QJsonDocument::fromJson(oracle.out).object()["outputs"].toArray(), b = so["outputs"].toArray();
        QCOMPARE(a.size(), 3);
        for (int j = 0; j < 3; ++j)
            QVERIFY((readAudio(a[j].toString().toStdString()).data == readAudio(b[j].toString().toStdString()).data).all());

        const auto nmf = runCli(QStringList{"stream", mixture, "-o", dir.filePath("nmf"), "--method", "wiener", "--components", "8",
                                            "--learn-iterations", "60", "--json"} + stft + train + refs);
        QCOMPARE(nmf.code, 0);
        const QJsonObject no = QJsonDocument::fromJson(nmf.out).object();
        QCOMPARE(no["magnitudes"].toString(), QString("nmf"));
        double nmfSdr = 0;
        for (const auto& s : no["metrics"].toObject()["sources"].toArray()) nmfSdr += s.toObject()["si_sdri"].toDouble() / 3;
        QVERIFY2(nmfSdr > 5, qPrintable(QString::number(nmfSdr)));

        const auto aw = runCli(QStringList{"stream", mixture, "-o", dir.filePath("aw"), "--method", "aw", "--kappa", "2", "--json"} + stft + refs);
        QCOMPARE(aw.code, 0);
        const QJsonObject ao = QJsonDocument::fromJson(aw.out).object();
        QCOMPARE(ao["kappa"].toDouble(), 2.0);
        QCOMPARE(ao["latency_samples"].toInt(), 1024);
        double awSdr = 0;
        for (const auto& s : ao["metrics"].toObject()["sources"].toArray()) awSdr += s.toObject()["si_sdri"].toDouble() / 3;
        qInfo("music_pbd_16k, mean SI-SDR improvement: live NMF + Wiener %.2f dB, oracle AW %.2f dB", nmfSdr, awSdr);
        QVERIFY(awSdr > nmfSdr);
    }

    void badUsageAndInputsAreRefused() {
        const QString mix = shared("two_speakers_16k_mix.wav");
        struct Case {
            QStringList args;
            int code;
            const char* message;
        };
        const QString existing = dir.filePath("exists.wav");
        QFile f(existing);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("x");
        f.close();
        const std::vector<Case> cases{
            {{"stream", mix, "-o", dir.filePath("a"), "--method", "omisi"}, 2, "--reference"},
            {{"stream", mix, "-o", dir.filePath("b.wav"), "--lookahead", "2"}, 2, "lookahead"},
            {{"stream", mix, "-o", dir.filePath("c.wav"), "--iterations", "3"}, 2, "--iterations"},
            {{"stream", mix, "-o", dir.filePath("c2.wav"), "--start", "sinus"}, 2, "--start"},
            {{"stream", mix, "-o", dir.filePath("c3"), "--method", "omisi", "--start", "phase", "--reference", mix}, 2, "start"},
            {{"stream", mix, "-o", dir.filePath("d"), "--method", "wiener", "--lookahead", "1", "--reference", mix}, 2, "lookahead"},
            {{"stream", mix, "-o", dir.filePath("d2"), "--method", "omisi", "--kappa", "2", "--reference", mix}, 2, "--kappa"},
            {{"stream", mix, "-o", dir.filePath("d3"), "--method", "aw", "--stem", mix, "--train", mix}, 2, "not both"},
            {{"stream", mix, "-o", dir.filePath("d4"), "--method", "aw", "--reference", mix, "--components", "4"}, 2, "--components"},
            {{"stream", mix, "-o", dir.filePath("d5"), "--method", "aw", "--train", mix, "--train", mix, "--reference", mix}, 2,
             "as many"},
            {{"stream", mix, "-o", dir.filePath("d6.wav"), "--method", "gsrtisi-la", "--lookahead", "0"}, 1, "look-ahead"},
            {{"stream", mix, "-o", dir.filePath("d7.wav"), "--method", "rtisi-la", "--start", "rtpghi"}, 2, "--start"},
            {{"stream", mix, "-o", dir.filePath("d8.wav"), "--method", "rtisi-la", "--iterations", "0"}, 2, "iterations"},
            {{"stream", mix, "-o", dir.filePath("d9.wav"), "--method", "rtisi-la", "--reference", mix}, 2, "--reference"},
            {{"stream", mix, "-o", dir.filePath("e.wav"), "--block", "0"}, 2, "block"},
            {{"stream", mix, "-o", dir.filePath("f.wav"), "--hop", "4096"}, 2, "hop"},
            {{"stream", mix, "-o", existing}, 1, "exists"},
            {{"stream", mix, "-o", mix, "--force"}, 1, "input"},
            {{"stream", mix, "-o", dir.filePath("g"), "--method", "omisi", "--reference", shared("music_pbd_16k_piano.wav")},
             1,
             "samples"},
            {{"stream", mix, "-o", dir.filePath("h"), "--method", "omisi", "--reference", shared("tone440_44k.wav")}, 1, "Hz"},
            {{"stream", dir.filePath("missing.wav"), "-o", dir.filePath("i.wav")}, 1, "missing.wav"},
        };
        for (const Case& c : cases) {
            const auto r = runCli(c.args);
            QVERIFY2(r.code == c.code, qPrintable(c.args.join(' ') + " -> " + QString::number(r.code) + " " + r.err));
            QVERIFY2(r.err.contains(c.message), qPrintable(c.args.join(' ') + ": " + r.err));
        }
        QCOMPARE(QFile(existing).size(), 1);  // not overwritten
    }
};

QTEST_MAIN(TestCliStream)
#include "test_cli_stream.moc"
