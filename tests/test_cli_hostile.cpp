// Hostile and damaged inputs through phaselab-cli: every command's output policy (confined
// outputs, inputs never written, existing outputs replaced only with --force), honest decoding
// (streamed, lying and truncated FLAC), eval's undefined figures and rate checks, a batch that
// survives a bad track, and experiment fields that are out of range.
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "cli_support.h"
#include "flac_bytes.h"
#include "core/experiment/experiment.h"
#include "core/io/audio.h"
#include "core/io/output_policy.h"

using namespace phaselab;
using test::runCli;

namespace {

QByteArray hashOf(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return f.readAll();
}

void writeText(const QString& path, const QByteArray& text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(text);
}

// Every file below `root`, relative, sorted.
QStringList filesBelow(const QString& root) {
    QStringList all;
    QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) all << QDir(root).relativeFilePath(it.next());
    all.sort();
    return all;
}


}  // namespace

class TestCliHostile : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    QString mix, a440, b1320;

    QString at(const QString& name) const { return dir.filePath(name); }

private slots:
    void initTestCase() {
        mix = at("mix.wav"), a440 = at("a440.wav"), b1320 = at("b1320.wav");
        QVERIFY(QFile::copy(QString::fromStdString(test::sharedAudio("twotone_16k_mix.wav")), mix));
        QVERIFY(QFile::copy(QString::fromStdString(test::sharedAudio("twotone_16k_a440.wav")), a440));
        QVERIFY(QFile::copy(QString::fromStdString(test::sharedAudio("twotone_16k_b1320.wav")), b1320));
    }

    void spectrogramAndPhaseNeverReplaceTheirInput() {
        for (const QString command : {"spectrogram", "phase"}) {
            const QByteArray before = hashOf(mix);
            auto r = runCli({command, mix, "-o", mix, "--force"});
            QCOMPARE(r.code, 1);
            QVERIFY2(r.err.contains("it is an input of this command"), r.err.constData());
            QCOMPARE(hashOf(mix), before);
            // An existing output needs --force; then it is replaced atomically.
            const QString png = at(command + ".png");
            QCOMPARE(runCli({command, mix, "-o", png}).code, 0);
            r = runCli({command, mix, "-o", png});
            QCOMPARE(r.code, 1);
            QVERIFY(r.err.contains("exists already"));
            QCOMPARE(runCli({command, mix, "-o", png, "--force"}).code, 0);
            QVERIFY(readAll(png).startsWith("\x89PNG"));
        }
    }

    void recoverNeverReplacesItsInputsAndAsksForForce() {
        const QByteArray before = hashOf(mix);
        auto r = runCli({"recover", mix, "-o", mix, "--force", "--iterations", "2"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("input of this command"));
        QCOMPARE(hashOf(mix), before);
        // The --init file is an input too.
        r = runCli({"recover", mix, "-o", a440, "--init", "file:" + a440, "--force", "--iterations", "2"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("input of this command"));
        const QString out = at("rec.wav");
        QCOMPARE(runCli({"recover", mix, "-o", out, "--iterations", "2"}).code, 0);
        r = runCli({"recover", mix, "-o", out, "--iterations", "2"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("exists already"));
        QCOMPARE(runCli({"recover", mix, "-o", out, "--iterations", "2", "--force"}).code, 0);
        // A folder named like the output: a clear message, not "Success".
        QDir().mkpath(at("folder.wav"));
        r = runCli({"recover", mix, "-o", at("folder.wav"), "--iterations", "2", "--force"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("it is a folder") && !r.err.contains("Success"), r.err.constData());
        // --init does not apply to pu: said, not ignored.
        r = runCli({"recover", mix, "-o", at("pu.wav"), "--method", "pu", "--init", "random"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("--init does not apply to --method pu"));
    }

    void separateNeverReplacesReferencesInItsOutputFolder() {
        const QString folder = at("sep");
        QDir().mkpath(folder);
        QVERIFY(QFile::copy(a440, folder + "/a440.wav"));
        QVERIFY(QFile::copy(b1320, folder + "/b1320.wav"));
        const QByteArray before = hashOf(folder + "/a440.wav");
        auto r = runCli({"separate", mix, "-o", folder, "--force", "--reference", folder + "/a440.wav", folder + "/b1320.wav"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("input of this command"), r.err.constData());
        QCOMPARE(hashOf(folder + "/a440.wav"), before);
        // Two references with the same base name get distinct outputs.
        QDir().mkpath(at("other"));
        QVERIFY(QFile::copy(b1320, at("other/a440.wav")));
        r = runCli({"separate", mix, "-o", at("sep2"), "--reference", a440, at("other/a440.wav")});
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(filesBelow(at("sep2")), (QStringList{"a440-2.wav", "a440.wav"}));
    }

    void runConfinesNamesFromTheExperiment() {
        // An experiment whose source names try to leave the output folder, and collide.
        const QString expDir = at("exp");
        QDir().mkpath(expDir);
        for (const QString& f : {mix, a440, b1320}) QVERIFY(QFile::copy(f, expDir + "/" + QFileInfo(f).fileName()));
        const QString outside = at("outside");
        const QString text = QString(R"({"format": "phaselab-experiment", "version": 1,
            "mixture": {"name": "../../mixture", "path": "mix.wav"},
            "references": [{"name": "../s2", "path": "a440.wav"}, {"name": "%1/evil", "path": "b1320.wav"}],
            "runs": [{"kind": "separation", "algorithm": "wiener", "stft": {"window": 1024, "hop": 256}},
                     {"kind": "recovery", "algorithm": "gl", "parameters": {"iterations": 2}, "stft": {"window": 1024, "hop": 256}}]})")
                                 .arg(outside);
        writeText(expDir + "/evil.json", text.toUtf8());
        const QStringList inputsBefore = filesBelow(expDir);
        auto r = runCli({"run", expDir + "/evil.json", "-o", at("runout"), "--force"});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(!QFileInfo::exists(outside));
        QVERIFY(!QFileInfo::exists(at("s2.wav")));
        QCOMPARE(filesBelow(expDir), inputsBefore);
        const QStringList written = filesBelow(at("runout"));
        const QString evil = QString::fromStdString(safeFileName(outside.toStdString() + "/evil"));
        QVERIFY(!evil.contains('/'));
        QCOMPARE(written, (QStringList{"metrics.csv", "run-1-wiener/_s2.wav", "run-1-wiener/" + evil + ".wav",
                                       "run-2-gl/_.._mixture-gl.wav"}));

        // Duplicate names become distinct files instead of overwriting each other.
        QString dup = text;
        dup.replace(QString("%1/evil").arg(outside), "../s2");
        writeText(expDir + "/dup.json", dup.toUtf8());
        r = runCli({"run", expDir + "/dup.json", "-o", at("dupout")});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(QFile::exists(at("dupout/run-1-wiener/_s2.wav")) && QFile::exists(at("dupout/run-1-wiener/_s2-2.wav")));

        // With the output folder where the inputs are, --force still never replaces them.
        QDir().mkpath(expDir + "/run-1-wiener");
        QVERIFY(QFile::copy(a440, expDir + "/run-1-wiener/a440.wav"));
        const QString plain = QString(R"({"format": "phaselab-experiment", "version": 1, "mixture": {"name": "mix", "path": "mix.wav"},
            "references": [{"name": "a440", "path": "run-1-wiener/a440.wav"}, {"name": "b1320", "path": "b1320.wav"}],
            "runs": [{"kind": "separation", "algorithm": "wiener", "stft": {"window": 1024, "hop": 256}}]})");
        writeText(expDir + "/plain.json", plain.toUtf8());
        const QByteArray before = hashOf(expDir + "/run-1-wiener/a440.wav");
        r = runCli({"run", expDir + "/plain.json", "-o", expDir, "--force"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("input of this command"), r.err.constData());
        QCOMPARE(hashOf(expDir + "/run-1-wiener/a440.wav"), before);
        // --save never writes over the mixture or the experiment itself.
        for (const QString& target : {expDir + "/mix.wav", expDir + "/plain.json"}) {
            const QByteArray h = hashOf(target);
            r = runCli({"run", expDir + "/plain.json", "-o", at("saveout"), "--save", target, "--force"});
            QCOMPARE(r.code, 1);
            QVERIFY2(r.err.contains("input of this command"), r.err.constData());
            QCOMPARE(hashOf(target), h);
        }
        // --threads is checked and used.
        QCOMPARE(runCli({"run", expDir + "/plain.json", "-o", at("t0"), "--threads", "0"}).code, 2);
        r = runCli({"run", expDir + "/plain.json", "-o", at("t2"), "--threads", "2"});
        QVERIFY2(r.code == 0, r.err.constData());
    }

    void experimentFieldsOutOfRangeAreRefused() {
        const QString base = R"({"format": "phaselab-experiment", "version": 1, "mixture": {"path": "mix.wav"},
            "runs": [{"kind": "separation", "algorithm": "wiener", "stft": {"window": WINDOW, "hop": 256}}]})";
        for (const char* window : {"4294967808", "1e300", "-1024", "1024.5", "\"1024\""}) {
            writeText(at("range.json"), QString(base).replace("WINDOW", window).toUtf8());
            try {
                experiment::read(at("range.json").toStdString());
                QFAIL(qPrintable(QString("window %1 was accepted").arg(window)));
            } catch (const InputError& e) {
                QVERIFY2(QString(e.what()).contains("\"window\"") && QString(e.what()).contains("whole number"), e.what());
            }
        }
        writeText(at("range.json"), QString(base).replace("WINDOW", "1024").replace("\"version\": 1", "\"version\": 1e300").toUtf8());
        QVERIFY_THROWS_EXCEPTION(InputError, experiment::read(at("range.json").toStdString()));
    }

    void summariseNeverWritesOverAResult() {
        QDir().mkpath(at("results/test"));
        writeText(at("results/test/t.json"), R"({"targets": [{"name": "a", "frames": [{"time": 0.0, "duration": 1.0,
            "metrics": {"SDR": 1.0, "SIR": NaN, "SAR": 2.0, "ISR": 3.0}}]}]})");
        const QByteArray before = hashOf(at("results/test/t.json"));
        auto r = runCli({"summarise", at("results"), "--csv", at("results/test/t.json"), "--force"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("input of this command"));
        QCOMPARE(hashOf(at("results/test/t.json")), before);
        QCOMPARE(runCli({"summarise", at("results"), "--csv", at("summary.csv")}).code, 0);
        QCOMPARE(runCli({"summarise", at("results"), "--csv", at("summary.csv")}).code, 1);
    }

    void batchSurvivesABadTrackAndConfinesItsFiles() {
        const QString root = at("tracks");
        for (const char* t : {"a-good", "b-bad", "c-good"}) {
            QDir().mkpath(root + "/" + t);
            QVERIFY(QFile::copy(mix, root + "/" + t + "/mixture.wav"));
            QVERIFY(QFile::copy(a440, root + "/" + t + "/a.wav"));
            QVERIFY(QFile::copy(b1320, root + "/" + t + "/b.wav"));
        }
        writeText(root + "/b-bad/mixture.wav", "RIFF not really");
        writeText(at("batch.json"), R"({"format": "phaselab-batch", "root": "tracks", "sources": ["a.wav", "b.wav"],
            "runs": [{"kind": "separation", "algorithm": "wiener", "stft": {"window": 1024, "hop": 256}}]})");
        auto r = runCli({"batch", at("batch.json"), "-o", at("bout")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.out.contains("2 tracks run, 0 done already, 1 failed"), r.out.constData());
        QVERIFY(QFile::exists(at("bout/test/a-good.json")) && QFile::exists(at("bout/test/c-good.json")));
        const QJsonObject error = QJsonDocument::fromJson(readAll(at("bout/b-bad.error.json"))).object();
        QCOMPARE(error["track"].toString(), QString("b-bad"));
        QVERIFY(error["error"].toString().contains("mixture.wav"));
        // Track files must stay inside each track folder.
        for (const char* evil : {R"("../../mix.wav")", R"("/etc/passwd")"}) {
            writeText(at("evil.json"), QString(R"({"format": "phaselab-batch", "root": "tracks", "sources": [%1, "b.wav"],
                "runs": [{"algorithm": "wiener"}]})").arg(evil).toUtf8());
            r = runCli({"batch", at("evil.json"), "-o", at("eout")});
            QCOMPARE(r.code, 1);
            QVERIFY2(r.err.contains("inside each track folder"), r.err.constData());
        }
    }

    void evalRatesAndUndefinedFigures() {
        // A mixture at another sample rate is refused.
        const Audio m = readAudio(mix.toStdString());
        writeAudio(at("mix8k.wav").toStdString(), resample(m, 8000));
        auto r = runCli({"eval", "--mode", "si-sdr", "--reference", a440, b1320, "--estimate", a440, b1320, "--mixture", at("mix8k.wav")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("sample rate"), r.err.constData());
        // A constant reference: SI-SDR is undefined (null), every other figure is still given.
        const Audio ref = readAudio(a440.toStdString());
        writeAudio(at("const.wav").toStdString(), Audio::fromMono(Eigen::ArrayXf::Constant(ref.frames(), 0.25f), ref.sampleRate));
        for (const QString mode : {"sources", "images", "v4", "si-sdr"}) {
            r = runCli({"eval", "--mode", mode, "--json", "--no-permutation", "--reference", a440, at("const.wav"), "--estimate",
                        a440, b1320});
            QVERIFY2(r.code == 0, qPrintable(mode + ": " + r.err));
            const QJsonArray sources = QJsonDocument::fromJson(r.out).object()["sources"].toArray();
            QVERIFY(sources[1].toObject()["si_sdr"].isNull());
            QVERIFY(sources[0].toObject()["si_sdr"].isString() || sources[0].toObject()["si_sdr"].toDouble() > 50);
            QVERIFY(r.err.contains("SI-SDR is undefined"));
        }
        // One-sample files.
        writeAudio(at("one-r.wav").toStdString(), Audio::fromMono(Eigen::ArrayXf::Constant(1, 0.5f), 16000));
        writeAudio(at("one-e.wav").toStdString(), Audio::fromMono(Eigen::ArrayXf::Constant(1, 0.25f), 16000));
        r = runCli({"eval", "--mode", "si-sdr", "--json", "--reference", at("one-r.wav"), "--estimate", at("one-e.wav")});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(QJsonDocument::fromJson(r.out).object()["sources"].toArray()[0].toObject()["si_sdr"].isNull());
    }

    void damagedFlacThroughTheCli() {
        const Audio m = readAudio(mix.toStdString());
        writeAudio(at("m.flac").toStdString(), m, SampleFormat::Pcm16);
        const QByteArray flac = readAll(at("m.flac"));
        // Streamed (no length in the header): every command reads it.
        writeText(at("streamed.flac"), test::withTotalSamples(flac, 0));
        auto r = runCli({"info", at("streamed.flac"), "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(QJsonDocument::fromJson(r.out).object()["frames"].toInt(), int(m.frames()));
        QCOMPARE(runCli({"spectrogram", at("streamed.flac"), "-o", at("streamed.png")}).code, 0);
        // A header that lies about the length: refused quickly with the decoded length.
        writeText(at("liar.flac"), test::withTotalSamples(flac, 1000000000));
        r = runCli({"info", at("liar.flac")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("of 62500.00 s"), r.err.constData());
        // Truncated: an error naming what was decoded, or with --allow-truncated a warning.
        writeText(at("cut.flac"), flac.left(flac.size() / 2));
        r = runCli({"info", at("cut.flac")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("truncated or damaged: decoded") && r.err.contains("of 2.00 s"), r.err.constData());
        r = runCli({"info", at("cut.flac"), "--json", "--allow-truncated"});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(r.err.contains("warning:"));
        QVERIFY(QJsonDocument::fromJson(r.out).object()["frames"].toInt() < m.frames());
    }
};

QTEST_GUILESS_MAIN(TestCliHostile)
#include "test_cli_hostile.moc"
