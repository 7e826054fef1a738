// phaselab-cli eval: JSON shape, agreement with mir_eval 0.7 (tests/data/metrics/reference.json,
// speech_noise_16k excerpt), modes, exit codes and the bad-input messages.
#include <QDataStream>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "core/io/audio.h"
#include "cli_support.h"

using namespace phaselab;

namespace {

phaselab::test::CliResult runCli(const QStringList& args) { return phaselab::test::runCli(QStringList{"eval"} + args); }

// A float WAV written byte by byte (writeAudio refuses NaN, and cannot write zero frames).
void rawFloatWav(const QString& path, const std::vector<float>& samples, int rate) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QDataStream s(&f);
    s.setByteOrder(QDataStream::LittleEndian);
    const quint32 bytes = quint32(samples.size() * 4);
    f.write("RIFF");
    s << quint32(36 + bytes);
    f.write("WAVEfmt ");
    s << quint32(16) << quint16(3) << quint16(1) << quint32(rate) << quint32(rate * 4) << quint16(4) << quint16(32);
    f.write("data");
    s << bytes;
    for (float v : samples) s << v;
}

}  // namespace

class TestCliEval : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    QJsonObject ref_;
    QString speech_, noise_, estSpeech_, estNoise_, silent_, short_, rate8k_, stereo_;

    QString write(const QString& name, const Eigen::ArrayXXd& x, double rate) {
        Audio a;
        a.sampleRate = rate;
        a.data = x.cast<float>();
        const QString path = dir_.filePath(name);
        writeAudio(path.toStdString(), a);
        return path;
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        QFile f(QString::fromStdString(test::testData("metrics/reference.json")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        ref_ = QJsonDocument::fromJson(f.readAll()).object()["speech_noise_16k"].toObject();
        const Eigen::Index n = 4 * 16000;
        std::vector<Eigen::ArrayXd> s;
        for (const char* part : {"speech", "noise"})
            s.push_back(readAudio(test::sharedAudio(std::string("speech_noise_16k_") + part + ".wav")).data.col(0).head(n).cast<double>());
        speech_ = write("speech.wav", s[0], 16000);
        noise_ = write("noise.wav", s[1], 16000);
        // make_reference.py make_estimates
        auto est = [&](int j) {
            Eigen::ArrayXd e(n);
            for (Eigen::Index i = 0; i < n; ++i)
                e(i) = 0.8 * s[j](i) + 0.2 * s[(j + 1) % 2](i) + 0.01 * (double((i * 7919 + 31 * j) % 101) / 101 - 0.5);
            return e;
        };
        estSpeech_ = write("est_speech.wav", est(0), 16000);
        estNoise_ = write("est_noise.wav", est(1), 16000);
        silent_ = write("silent.wav", Eigen::ArrayXd::Zero(n), 16000);
        short_ = write("short.wav", est(0).head(n - 500), 16000);
        rate8k_ = write("rate8k.wav", est(0).head(n / 2), 8000);
        Eigen::ArrayXXd st(n, 2);
        st << est(0), est(1);
        stereo_ = write("stereo.wav", st, 16000);
    }

    void sourcesJsonMatchesMirEval() {
        // estimates given in reverse order: the permutation search must undo it
        const auto r = runCli({"--reference", speech_, noise_, "--estimate", estNoise_, estSpeech_, "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o["mode"].toString(), QString("sources"));
        QCOMPARE(o["permutation"].toArray(), (QJsonArray{1, 0}));
        QVERIFY(o["seconds"].isDouble());
        const QJsonArray src = o["sources"].toArray();
        QCOMPARE(src.size(), 2);
        QCOMPARE(src[0].toObject()["reference"].toString(), speech_);
        QCOMPARE(src[0].toObject()["estimate"].toString(), estSpeech_);
        QCOMPARE(src[1].toObject()["estimate"].toString(), estNoise_);
        const QJsonObject m = ref_["sources_perm"].toObject();
        for (int j = 0; j < 2; ++j)
            for (const char* k : {"sdr", "sir", "sar"}) {
                const double got = src[j].toObject()[k].toDouble(), want = m[k].toArray()[j].toDouble();
                QVERIFY2(std::abs(got - want) < 0.01, qPrintable(QString("%1 %2: %3 vs mir_eval %4").arg(j).arg(k).arg(got).arg(want)));
            }
        QVERIFY(!src[0].toObject().contains("isr"));
    }

    void imagesFramewiseV4AndSiSdr() {
        auto r = runCli({"--reference", speech_, noise_, "--estimate", estSpeech_, estNoise_, "--mode", "images", "--json"});
        QCOMPARE(r.code, 0);
        QJsonObject o = QJsonDocument::fromJson(r.out).object();
        const QJsonObject im = ref_["images"].toObject();
        QVERIFY(std::abs(o["sources"].toArray()[1].toObject()["isr"].toDouble() - im["isr"].toArray()[1].toDouble()) < 0.01);

        r = runCli({"--reference", speech_, noise_, "--estimate", estSpeech_, estNoise_, "--mode", "v4", "--json"});
        QCOMPARE(r.code, 0);
        o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o["window"].toDouble(), 1.0);
        const QJsonArray src = o["sources"].toArray();
        const QJsonArray medians = ref_["v4"].toObject()["median_sdr"].toArray();
        for (int j = 0; j < 2; ++j) {
            const QJsonObject s = src[j].toObject();
            QVERIFY(std::abs(s["sdr"].toDouble() - medians[j].toDouble()) < 0.01);
            const QJsonArray frames = s["frames"].toArray();
            QCOMPARE(frames.size(), 4);
            QCOMPARE(frames[2].toObject()["start"].toDouble(), 2.0);
            QVERIFY(frames[2].toObject().contains("isr"));
        }

        r = runCli({"--reference", speech_, noise_, "--estimate", estSpeech_, estNoise_, "--mode", "framewise", "--window",
                    "1", "--hop", "0.5", "--json"});
        QCOMPARE(r.code, 0);
        o = QJsonDocument::fromJson(r.out).object();
        const QJsonArray fr = o["sources"].toArray()[0].toObject()["frames"].toArray();
        const QJsonArray want = ref_["framewise"].toObject()["sdr"].toArray()[0].toArray();
        QCOMPARE(fr.size(), want.size());
        for (int k = 0; k < fr.size(); ++k) QVERIFY(std::abs(fr[k].toObject()["sdr"].toDouble() - want[k].toDouble()) < 0.01);

        r = runCli({"--reference", speech_, noise_, "--estimate", estNoise_, estSpeech_, "--mode", "si-sdr", "--json"});
        QCOMPARE(r.code, 0);
        o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o["permutation"].toArray(), (QJsonArray{1, 0}));
        QVERIFY(std::abs(o["sources"].toArray()[0].toObject()["si_sdr"].toDouble() - ref_["si_sdr"].toArray()[0].toDouble()) < 0.01);
    }

    void textTableAndNoPermutation() {
        const auto r = runCli({"--reference", speech_, noise_, "--estimate", estNoise_, estSpeech_, "--no-permutation"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("permutation: 0 1"));
        QVERIFY(r.out.contains("SDR") && r.out.contains("SIR") && r.out.contains("SAR"));
        QVERIFY(r.out.contains("est_noise.wav"));
    }

    void badInputs() {
        auto r = runCli({"--reference", speech_, silent_, "--estimate", estSpeech_, estNoise_});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("silent.wav") && r.err.contains("silent"), r.err);
        r = runCli({"--reference", speech_, noise_, "--estimate", estSpeech_, silent_});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("estimate 2") && r.err.contains("silent.wav"), r.err);
        r = runCli({"--reference", speech_, noise_, "--estimate", short_, estNoise_, "--json"});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.err.contains("note:") && r.err.contains("zero-padded"), r.err);
        QVERIFY(QJsonDocument::fromJson(r.out).object()["notes"].toArray().size() == 1);
        r = runCli({"--reference", speech_, "--estimate", rate8k_});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("sample rate 8000"), r.err);
        r = runCli({"--reference", speech_, "--estimate", stereo_});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("2 channels"), r.err);
        r = runCli({"--reference", stereo_, "--estimate", stereo_});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("mono") && r.err.contains("images"), r.err);
        r = runCli({"--reference", speech_, noise_, "--estimate", estSpeech_});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("one estimate per reference"), r.err);
        r = runCli({"--estimate", estSpeech_});
        QCOMPARE(r.code, 2);
        r = runCli({"--reference", speech_, "--estimate", estSpeech_, "--mode", "v5"});
        QCOMPARE(r.code, 2);
        QStringList many{"--reference"};
        for (int i = 0; i < 101; ++i) many << speech_;
        many << "--estimate";
        for (int i = 0; i < 101; ++i) many << estSpeech_;
        r = runCli(many);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("at most 100"), r.err);
        std::vector<float> bad(16000, 0.1f);
        bad[100] = NAN;
        rawFloatWav(dir_.filePath("nan.wav"), bad, 16000);
        r = runCli({"--reference", speech_, "--estimate", dir_.filePath("nan.wav")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("NaN"), r.err);
        rawFloatWav(dir_.filePath("empty.wav"), {}, 16000);
        r = runCli({"--reference", speech_, "--estimate", dir_.filePath("empty.wav")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("empty.wav"), r.err);
    }
};

QTEST_GUILESS_MAIN(TestCliEval)
#include "test_cli_eval.moc"
