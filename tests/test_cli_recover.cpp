// phaselab-cli recover: methods, JSON figures and trace, output file, init from a file, seeds,
// exit codes and messages.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "core/io/audio.h"
#include "core/tf/stft.h"
#include "cli_support.h"

namespace {

using phaselab::test::runCli;

QString speech() { return QString::fromStdString(phaselab::test::sharedAudio("speech_noise_16k_speech.wav")); }
const QStringList kStft{"--window", "1024", "--hop", "256"};

}  // namespace

class TestCliRecover : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
private slots:
    void griffinLimJson() {
        const QString out = dir.filePath("gl.wav");
        const auto r = runCli(QStringList{"recover", speech(), "-o", out, "--iterations", "12", "--json"} + kStft);
        QCOMPARE(r.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o["method"].toString(), QString("gl"));
        QCOMPARE(o["iterations"].toInt(), 12);
        QVERIFY(o["seconds"].toDouble() > 0);
        const double sc = o["spectral_convergence_db"].toDouble();
        QVERIFY2(sc < -10 && sc > -40, qPrintable(QString::number(sc)));
        QVERIFY(o["inconsistency"].toDouble() > 0 && o["inconsistency"].toDouble() < 1);
        QVERIFY(o.contains("snr_db"));
        const QJsonArray trace = o["trace"].toArray();
        QCOMPARE(trace.size(), 12);
        QCOMPARE(trace[0].toObject()["iteration"].toInt(), 1);
        QVERIFY(trace[11].toObject()["spectral_convergence_db"].toDouble() < trace[0].toObject()["spectral_convergence_db"].toDouble());
        const phaselab::Audio a = phaselab::readAudio(out.toStdString());
        const phaselab::Audio in = phaselab::readAudio(speech().toStdString());
        QCOMPARE(a.frames(), in.frames());
        QCOMPARE(a.sampleRate, in.sampleRate);
        // the JSON figure is that of the written file
        phaselab::StftConfig c;
        c.windowLength = 1024;
        c.hop = 256;
        phaselab::Stft stft(c);
        const double check = phaselab::spectralConvergenceDb(stft.analyse(a.data.col(0)), stft.analyse(in.data.col(0)).abs());
        QVERIFY2(std::abs(check - sc) < 0.01, qPrintable(QString("%1 vs %2").arg(check).arg(sc)));
    }

    // A stereo file is recovered channel by channel: each output channel is what recovering that
    // channel alone gives, the overall figures weight the channels by energy; --mono recovers the
    // downmix; JSON says which.
    void stereoPerChannel() {
        const std::string stereo = phaselab::test::sharedAudio("stereo/stereo_speech_16k_mix.flac");
        const phaselab::Audio in = phaselab::readAudio(stereo);
        const QString out = dir.filePath("stereo.wav"), left = dir.filePath("left.wav"), leftOut = dir.filePath("left_gl.wav");
        const auto r = runCli(QStringList{"recover", QString::fromStdString(stereo), "-o", out, "--iterations", "4", "--json"} + kStft);
        QCOMPARE(r.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o["channels"].toInt(), 2);
        QCOMPARE(o["channel_handling"].toString(), QString("per-channel"));
        const QJsonArray per = o["per_channel"].toArray();
        QCOMPARE(per.size(), 2);
        const double sc0 = per[0].toObject()["spectral_convergence_db"].toDouble(), sc1 = per[1].toObject()["spectral_convergence_db"].toDouble();
        const double overall = o["spectral_convergence_db"].toDouble();
        QVERIFY(overall >= std::min(sc0, sc1) - 1e-9 && overall <= std::max(sc0, sc1) + 1e-9);
        const phaselab::Audio a = phaselab::readAudio(out.toStdString());
        QCOMPARE(a.channels(), 2);
        QCOMPARE(a.frames(), in.frames());
        phaselab::writeAudio(left.toStdString(), phaselab::Audio::fromMono(in.data.col(0), in.sampleRate), phaselab::SampleFormat::Float32);
        const auto one = runCli(QStringList{"recover", left, "-o", leftOut, "--iterations", "4", "--json"} + kStft);
        QCOMPARE(one.code, 0);
        const QJsonObject m = QJsonDocument::fromJson(one.out).object();
        QCOMPARE(m["channel_handling"].toString(), QString("mono"));
        QCOMPARE(m["spectral_convergence_db"].toDouble(), sc0);
        const phaselab::Audio b = phaselab::readAudio(leftOut.toStdString());
        QVERIFY(((a.data.col(0) - b.data.col(0)).abs() == 0).all());
        const auto down = runCli(QStringList{"recover", QString::fromStdString(stereo), "-o", dir.filePath("down.wav"), "--iterations", "2",
                                             "--mono", "--json"} + kStft);
        QCOMPARE(down.code, 0);
        QCOMPARE(QJsonDocument::fromJson(down.out).object()["channel_handling"].toString(), QString("mono-downmix"));
        QCOMPARE(phaselab::readAudio(dir.filePath("down.wav").toStdString()).channels(), 1);
        // an initial-phase file must have one channel or the input's
        phaselab::Audio three;
        three.sampleRate = in.sampleRate;
        three.data = Eigen::ArrayXXf::Zero(in.frames(), 3);
        three.data.col(0) = in.data.col(0);
        phaselab::writeAudio(dir.filePath("three.wav").toStdString(), three, phaselab::SampleFormat::Float32);
        const auto bad = runCli(QStringList{"recover", QString::fromStdString(stereo), "-o", dir.filePath("bad.wav"), "--iterations", "1",
                                            "--init", "file:" + dir.filePath("three.wav")} + kStft);
        QCOMPARE(bad.code, 1);
        QVERIFY2(bad.err.contains("has 3 channels; give one channel or as many as the input"), bad.err.constData());
    }

    // --progress: lines on stderr with the whole run's fraction and time left, the stage (channel)
    // and the algorithm's message; the first report and the last (100 %) always; nothing without it.
    void progressOnStderr() {
        QTemporaryDir dir;
        const std::string stereo = phaselab::test::sharedAudio("stereo/stereo_speech_16k_mix.flac");
        const auto r = runCli(QStringList{"recover", QString::fromStdString(stereo), "-o", dir.filePath("p.wav"), "--iterations", "6",
                                          "--progress"} + kStft);
        QVERIFY2(r.code == 0, r.err.constData());
        const QStringList lines = QString(r.err).split('\n', Qt::SkipEmptyParts);
        QVERIFY2(lines.size() >= 2, r.err.constData());
        QVERIFY2(lines.first().startsWith("progress ") && lines.first().contains("left · channel 1 of 2 · iteration 1 / 6"),
                 qPrintable(lines.first()));
        QVERIFY2(lines.last().startsWith("progress 100 %") && lines.last().contains("channel 2 of 2 · iteration 6 / 6"),
                 qPrintable(lines.last()));
        const auto quiet = runCli(QStringList{"recover", QString::fromStdString(stereo), "-o", dir.filePath("q.wav"), "--iterations", "6"} + kStft);
        QVERIFY(!quiet.err.contains("progress"));
    }

    void otherMethodsAndInits() {
        struct Case {
            QStringList args;
            QString method;
        };
        const QList<Case> cases{
            {{"--method", "fgla", "--iterations", "10"}, "fgla"},
            {{"--method", "pu"}, "pu"},
            {{"--method", "pghi"}, "pghi"},
            {{"--method", "pghi", "--tolerance", "0.01", "--second-tolerance", "0.01", "--seed", "3"}, "pghi"},
            {{"--method", "fgla", "--init", "pghi", "--iterations", "5"}, "fgla"},
            {{"--method", "gl", "--init", "pu", "--iterations", "5"}, "gl"},
            {{"--method", "gl", "--init", "random", "--seed", "4", "--iterations", "5", "--threads", "2"}, "gl"},
            {{"--method", "bregman", "--beta", "0.5", "--solver", "admm", "--iterations", "3"}, "bregman"},
            {{"--method", "bregman", "--beta", "1", "--power", "2", "--side", "left", "--iterations", "3"}, "bregman"},
        };
        for (const auto& c : cases) {
            const auto r = runCli(QStringList{"recover", speech(), "-o", dir.filePath("x.wav"), "--json", "--force"} + kStft + c.args);
            QVERIFY2(r.code == 0, r.err.constData());
            const QJsonObject o = QJsonDocument::fromJson(r.out).object();
            QCOMPARE(o["method"].toString(), c.method);
            QVERIFY(std::isfinite(o["spectral_convergence_db"].toDouble()));
            QVERIFY(o["spectral_convergence_db"].toDouble() < -3);
        }
        // seeded random init: same seed, same file
        // (samples compared: the float WAV's PEAK chunk carries a timestamp)
        Eigen::ArrayXf outputs[3];
        for (int i = 0; i < 3; ++i) {
            const QString out = dir.filePath(QString("seed%1.wav").arg(i));
            const QString seed = i < 2 ? "9" : "10";
            QCOMPARE(runCli(QStringList{"recover", speech(), "-o", out, "--init", "random", "--seed", seed, "--iterations", "3"} + kStft).code, 0);
            outputs[i] = phaselab::readAudio(out.toStdString()).data.col(0);
        }
        // Across processes FFTW_MEASURE may pick different plans (rounding-level differences); bit-for-bit
        // reproducibility within a process is tested in test_recovery.
        const float peak = outputs[0].abs().maxCoeff();
        QVERIFY2((outputs[0] - outputs[1]).abs().maxCoeff() < 1e-4f * peak,
                 qPrintable(QString::number((outputs[0] - outputs[1]).abs().maxCoeff() / peak)));
        QVERIFY((outputs[0] - outputs[2]).abs().maxCoeff() > 0.1f * peak);
        // init from the original file: near-perfect after one iteration
        const auto r = runCli(QStringList{"recover", speech(), "-o", dir.filePath("f.wav"), "--init", "file:" + speech(),
                                          "--iterations", "1", "--json"} + kStft);
        QCOMPARE(r.code, 0);
        QVERIFY(QJsonDocument::fromJson(r.out).object()["spectral_convergence_db"].toDouble() < -60);
        QVERIFY(QJsonDocument::fromJson(r.out).object()["snr_db"].toDouble() > 40);
    }

    void errorsAndExitCodes() {
        const QString out = dir.filePath("e.wav");
        auto r = runCli({"recover", speech(), "-o", out, "--method", "fgla", "--momentum", "1.5"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("--momentum must be a number from 0"), r.err.constData());
        r = runCli({"recover", speech(), "-o", out, "--method", "nope"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("--method must be one of"));
        r = runCli({"recover", speech(), "-o", out, "--iterations", "0"});
        QCOMPARE(r.code, 2);
        r = runCli({"recover", speech()});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("missing -o"));
        r = runCli({"recover", speech(), "-o", out, "--hop", "4000"});
        QCOMPARE(r.code, 2);
        r = runCli({"recover", dir.filePath("missing.wav"), "-o", out});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("no such file"));
        r = runCli({"recover", speech(), "-o", out, "--init", "file:" + QString::fromStdString(phaselab::test::sharedAudio("tone440_16k.wav"))});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("samples but the input has"), r.err.constData());
        r = runCli({"recover", speech(), "-o", out, "--method", "pu", "--momentum", "0.5"});
        QCOMPARE(r.code, 2);
        r = runCli({"recover", speech(), "-o", out, "--method", "pghi", "--iterations", "5"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("does not apply to --method pghi"));
        r = runCli({"recover", speech(), "-o", out, "--method", "pghi", "--tolerance", "1"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("tolerance must be between 0 and 1"), r.err.constData());
        r = runCli({"recover", speech(), "-o", out, "--method", "pghi", "--tolerance", "0.01", "--second-tolerance", "0.1"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("must not exceed"), r.err.constData());
        r = runCli({"recover", speech(), "-o", out, "--method", "gl", "--tolerance", "0.01"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("--method pghi or --init pghi"));
        r = runCli({"recover", "--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("--solver"));
    }
};

QTEST_GUILESS_MAIN(TestCliRecover)
#include "test_cli_recover.moc"
