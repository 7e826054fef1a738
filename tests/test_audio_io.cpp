// Audio I/O: round trips per written format, channel handling, resampling, and every error.
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>

#include "core/common/error.h"
#include "core/io/audio.h"
#include "flac_bytes.h"
#include "test_support.h"

using namespace phaselab;

namespace {

Audio stereoTestSignal() {
    Audio a;
    a.sampleRate = 16000;
    a.data.resize(8000, 2);
    a.data.col(0) = test::sine(8000, 440, 16000, 0.5);
    a.data.col(1) = test::sine(8000, 1000, 16000, 0.25);
    return a;
}

// A 2 s mono FLAC of noise (hard to compress) and its bytes.
QByteArray noiseFlac(const std::string& path) {
    Eigen::ArrayXf x = test::whiteNoise(32000, 7, 0.3f);
    writeAudio(path, Audio::fromMono(x, 16000), SampleFormat::Pcm16);
    QFile f(QString::fromStdString(path));
    f.open(QIODevice::ReadOnly);
    return f.readAll();
}


void writeBytes(const std::string& path, const QByteArray& bytes) {
    QFile f(QString::fromStdString(path));
    f.open(QIODevice::WriteOnly | QIODevice::Truncate);
    f.write(bytes);
}

void expectError(const std::function<void()>& f, const QString& fragment) {
    try {
        f();
    } catch (const InputError& e) {
        QVERIFY2(QString(e.what()).contains(fragment), qPrintable(QString("message '%1' lacks '%2'").arg(e.what(), fragment)));
        return;
    }
    QFAIL(qPrintable("no InputError (expected '" + fragment + "')"));
}

}  // namespace

class TestAudioIo : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    std::string path(const char* name) { return dir.filePath(name).toStdString(); }

private slots:
    void roundTripEachFormat_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("sampleFormat");
        QTest::addColumn<double>("tolerance");
        QTest::newRow("wav float32") << "a.wav" << int(SampleFormat::Float32) << 0.0;
        QTest::newRow("wav pcm24") << "b.wav" << int(SampleFormat::Pcm24) << 1.0 / (1 << 23);
        QTest::newRow("wav pcm16") << "c.wav" << int(SampleFormat::Pcm16) << 1.0 / (1 << 15);
        QTest::newRow("flac pcm24") << "d.flac" << int(SampleFormat::Pcm24) << 1.0 / (1 << 23);
        QTest::newRow("flac pcm16") << "e.flac" << int(SampleFormat::Pcm16) << 1.0 / (1 << 15);
    }
    void roundTripEachFormat() {
        QFETCH(QString, name);
        QFETCH(int, sampleFormat);
        QFETCH(double, tolerance);
        const Audio a = stereoTestSignal();
        const std::string p = dir.filePath(name).toStdString();
        writeAudio(p, a, SampleFormat(sampleFormat));
        const AudioInfo info = probeAudio(p);
        QCOMPARE(info.channels, 2);
        QCOMPARE(info.frames, std::int64_t(8000));
        QCOMPARE(info.sampleRate, 16000.0);
        QCOMPARE(QString::fromStdString(info.format), name.endsWith("flac") ? QString("FLAC") : QString("WAV"));
        const Audio b = readAudio(p);
        QCOMPARE(b.frames(), a.frames());
        QCOMPARE(b.channels(), 2);
        QVERIFY((a.data - b.data).abs().maxCoeff() <= tolerance);
        QVERIFY(!QFile::exists(QString::fromStdString(p) + ".part"));
    }

    void channelsAndRanges() {
        const Audio a = stereoTestSignal();
        writeAudio(path("s.wav"), a, SampleFormat::Float32);
        const Audio mono = readAudio(path("s.wav"), ReadOptions{Channels::Mono});
        QCOMPARE(mono.channels(), 1);
        QVERIFY((mono.data.col(0) - 0.5f * (a.data.col(0) + a.data.col(1))).abs().maxCoeff() < 1e-7f);
        ReadOptions pick;
        pick.pickChannel = 1;
        QVERIFY((readAudio(path("s.wav"), pick).data.col(0) - a.data.col(1)).abs().maxCoeff() == 0.0f);
        const Audio part = readAudioRange(path("s.wav"), 1000, 500);
        QCOMPARE(part.frames(), Eigen::Index(500));
        QVERIFY((part.data - a.data.middleRows(1000, 500)).abs().maxCoeff() == 0.0f);
        QCOMPARE(readAudioRange(path("s.wav"), 7900, 500).frames(), Eigen::Index(100));
        const AudioStats st = audioStats(a);
        QVERIFY(std::abs(st.peak - 0.5) < 1e-3);
        // the views of a stereo signal
        QVERIFY((channelView(a, "left") == a.data.col(0)).all() && (channelView(a, "2") == a.data.col(1)).all());
        QVERIFY((channelView(a, "mid") - 0.5f * (a.data.col(0) + a.data.col(1))).abs().maxCoeff() == 0.0f);
        QVERIFY((channelView(a, "side") - 0.5f * (a.data.col(0) - a.data.col(1))).abs().maxCoeff() == 0.0f);
        QVERIFY((channelView(a, "mono") - a.mono()).abs().maxCoeff() == 0.0f);
        expectError([&] { channelView(Audio::fromMono(a.data.col(0), 16000), "side"); }, "needs a stereo signal");
        expectError([&] { channelView(a, "3"); }, "the audio has 2 channel(s)");
        expectError([&] { channelView(a, "centre"); }, "unknown channel view");
    }

    void resamplesWithLibsamplerate() {
        const Audio a = Audio::fromMono(test::sine(16000, 440, 16000, 0.5), 16000);
        const Audio b = resample(a, 44100);
        QCOMPARE(b.sampleRate, 44100.0);
        QVERIFY(std::abs(b.frames() - 44100) <= 2);
        // Frequency preserved: count positive-going zero crossings in the middle second's half.
        int crossings = 0;
        for (Eigen::Index i = 11025; i < 33075; ++i) crossings += (b.data(i - 1, 0) < 0 && b.data(i, 0) >= 0);
        QVERIFY2(std::abs(crossings - 220) <= 1, qPrintable(QString::number(crossings)));
        const Audio c = readAudio(test::sharedAudio("tone440_16k.wav"), ReadOptions{Channels::Keep, -1, 8000});
        QCOMPARE(c.sampleRate, 8000.0);
        QVERIFY(std::abs(c.frames() - 8000) <= 2);
    }

    void errors() {
        expectError([&] { readAudio(path("missing.wav")); }, "no such file");
        expectError([&] { readAudio(dir.path().toStdString()); }, "is a folder");
        {
            std::ofstream f(path("garbage.wav"), std::ios::binary);
            f << "this is not audio at all, just some text that pretends to be a wav file";
        }
        expectError([&] { readAudio(path("garbage.wav")); }, "cannot read");
        Audio empty;
        empty.sampleRate = 16000;
        empty.data.resize(0, 1);
        expectError([&] { writeAudio(path("empty.wav"), empty, SampleFormat::Pcm16); }, "empty");
        {
            // A valid WAV header with no samples.
            std::ofstream f(path("zero.wav"), std::ios::binary);
            const char header[44] = {'R', 'I', 'F', 'F', 36, 0, 0, 0, 'W', 'A', 'V', 'E', 'f', 'm', 't', ' ', 16, 0, 0, 0, 1, 0, 1, 0,
                                     char(0x80), char(0x3e), 0, 0, 0, 0x7d, 0, 0, 2, 0, 16, 0, 'd', 'a', 't', 'a', 0, 0, 0, 0};
            f.write(header, 44);
        }
        expectError([&] { readAudio(path("zero.wav")); }, "zero length");
        Audio bad = Audio::fromMono(Eigen::ArrayXf::Zero(100), 16000);
        bad.data(50, 0) = std::numeric_limits<float>::quiet_NaN();
        expectError([&] { writeAudio(path("nan.wav"), bad, SampleFormat::Float32); }, "NaN");
        expectError([&] { checkFinite(bad, "the mixture"); }, "the mixture contains NaN");
        ReadOptions small;
        small.maxBytes = 1000;
        expectError([&] { readAudio(test::sharedAudio("tone440_16k.wav"), small); }, "too large");
        ReadOptions pick;
        pick.pickChannel = 3;
        expectError([&] { readAudio(test::sharedAudio("tone440_16k.wav"), pick); }, "channel 4");
        expectError([&] { writeAudio(path("x.flac"), stereoTestSignal(), FileFormat::Flac, SampleFormat::Float32); }, "FLAC");
        expectError([&] { writeAudio(path("x.mp3"), stereoTestSignal(), SampleFormat::Pcm16); }, ".wav or .flac");
    }

    void streamedFlacOfUnknownLengthReads() {
        const QByteArray flac = noiseFlac(path("n.flac"));
        QVERIFY(flac.startsWith("fLaC"));
        const Audio whole = readAudio(path("n.flac"));
        writeBytes(path("streamed.flac"), test::withTotalSamples(flac, 0));
        QCOMPARE(probeAudio(path("streamed.flac")).frames, std::int64_t(-1));
        const Audio streamed = readAudio(path("streamed.flac"));
        QCOMPARE(streamed.frames(), Eigen::Index(32000));
        QVERIFY((streamed.data - whole.data).abs().maxCoeff() == 0.0f);
        QCOMPARE(readAudioRange(path("streamed.flac"), 31000, 5000).frames(), Eigen::Index(1000));
    }

    void headerClaimsAreNotTrustedForMemory() {
        // A 60 KB file claiming 10^9 samples: nothing near 4 GB is allocated (maxBytes would refuse
        // it), the claim is not reported as the length, and the short data is an error.
        const QByteArray flac = noiseFlac(path("n2.flac"));
        writeBytes(path("liar.flac"), test::withTotalSamples(flac, 1000000000));
        QCOMPARE(probeAudio(path("liar.flac")).frames, std::int64_t(-1));
        ReadOptions small;
        small.maxBytes = 1 << 20;
        expectError([&] { readAudio(path("liar.flac"), small); }, "decoded 2.00 s of 62500.00 s");
        small.allowTruncated = true;
        ReadReport report;
        const Audio a = readAudio(path("liar.flac"), small, &report);
        QCOMPARE(a.frames(), Eigen::Index(32000));
        QVERIFY(report.truncated);
        QCOMPARE(report.headerFrames, std::int64_t(1000000000));
    }

    void truncatedFlacIsAnErrorUnlessAllowed() {
        const QByteArray flac = noiseFlac(path("n3.flac"));
        writeBytes(path("cut.flac"), flac.left(flac.size() * 2 / 5));
        expectError([&] { readAudio(path("cut.flac")); }, "truncated or damaged: decoded 0.");
        expectError([&] { readAudio(path("cut.flac")); }, "of 2.00 s");
        ReadOptions lenient;
        lenient.allowTruncated = true;
        ReadReport report;
        const Audio a = readAudio(path("cut.flac"), lenient, &report);
        QVERIFY(report.truncated);
        QVERIFY2(a.frames() > 8000 && a.frames() < 32000, qPrintable(QString::number(a.frames())));
        QVERIFY(QString::fromStdString(report.warning).contains("using the decoded part"));
        const Audio whole = readAudio(path("n3.flac"));
        QVERIFY((a.data - whole.data.topRows(a.frames())).abs().maxCoeff() == 0.0f);
        // A truncated WAV too (its data chunk claims more than the file holds).
        writeAudio(path("w.wav"), Audio::fromMono(test::whiteNoise(32000, 3, 0.3f), 16000), SampleFormat::Pcm16);
        QFile w(dir.filePath("w.wav"));
        QVERIFY(w.resize(44 + 2 * 16000));
        expectError([&] { readAudio(path("w.wav")); }, "of 2.00 s");
    }

    void hugeFiniteSamplesAreRefusedOnReading() {
        Audio a = Audio::fromMono(Eigen::ArrayXf::Constant(64, 0.1f), 8000);
        a.data(10, 0) = 3e38f;
        QVERIFY_THROWS_EXCEPTION(InputError, writeAudio(path("huge.wav"), a, SampleFormat::Float32));
        Audio ok = Audio::fromMono(Eigen::ArrayXf::Constant(64, 0.1f), 8000);
        writeAudio(path("huge.wav"), ok, SampleFormat::Float32);
        {
            std::fstream f(path("huge.wav"), std::ios::in | std::ios::out | std::ios::binary);
            f.seekp(-4, std::ios::end);
            const float huge = 3e38f;
            f.write(reinterpret_cast<const char*>(&huge), 4);
        }
        expectError([&] { readAudio(path("huge.wav")); }, "120 dB above full scale");
    }

    void nanInAFileIsRefused() {
        // Write float samples with a NaN directly via the raw WAV layout to bypass writeAudio's check.
        Audio a = Audio::fromMono(Eigen::ArrayXf::Constant(64, 0.1f), 8000);
        writeAudio(path("f.wav"), a, SampleFormat::Float32);
        {
            std::fstream f(path("f.wav"), std::ios::in | std::ios::out | std::ios::binary);
            f.seekp(-4, std::ios::end);
            const float nan = std::numeric_limits<float>::quiet_NaN();
            f.write(reinterpret_cast<const char*>(&nan), 4);
        }
        expectError([&] { readAudio(path("f.wav")); }, "NaN");
    }
};

QTEST_GUILESS_MAIN(TestAudioIo)
#include "test_audio_io.moc"
