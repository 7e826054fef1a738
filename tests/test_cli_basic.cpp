// phaselab-cli info and spectrogram: values, image size, exit codes and messages.
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "cli_support.h"

using phaselab::test::runCli;

class TestCliBasic : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
private slots:
    void infoJson() {
        const auto r = runCli({"info", QString::fromStdString(phaselab::test::sharedAudio("tone440_16k.wav")), "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o["sample_rate"].toDouble(), 16000.0);
        QCOMPARE(o["channels"].toInt(), 1);
        QCOMPARE(o["frames"].toInteger(), 16000);
        QCOMPARE(o["duration"].toDouble(), 1.0);
        QCOMPARE(o["format"].toString(), QString("WAV"));
        QVERIFY(std::abs(o["peak_dbfs"].toDouble() + 6.0) < 0.05);             // -6 dBFS sine
        QVERIFY(std::abs(o["rms_dbfs"].toDouble() + 6.0 + 3.0103) < 0.05);     // sine RMS = peak - 3 dB
    }
    void spectrogramWritesRequestedSize() {
        const QString out = dir.filePath("chirp.png");
        const auto r = runCli({"spectrogram", QString::fromStdString(phaselab::test::sharedAudio("chirp_16k.wav")), "-o", out,
                               "--size", "640x360", "--scale", "mel", "--colormap", "gray", "--window", "512", "--hop", "128"});
        QCOMPARE(r.code, 0);
        const QImage img(out);
        QCOMPARE(img.size(), QSize(640, 360));
        // Not a blank image: many distinct colours in the plot.
        QSet<QRgb> colours;
        for (int y = 50; y < 300; y += 5)
            for (int x = 100; x < 550; x += 5) colours.insert(img.pixel(x, y));
        QVERIFY(colours.size() > 20);
    }
    // A stereo file shows both channels stacked on one level scale; --channel picks a view.
    void spectrogramOfStereo() {
        const QString stereo = QString::fromStdString(phaselab::test::sharedAudio("stereo/stereo_speech_16k_mix.flac"));
        const QString out = dir.filePath("stereo.png");
        auto r = runCli({"spectrogram", stereo, "-o", out, "--size", "800x600"});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("2 views") && r.out.contains("every channel, stacked"), r.out.constData());
        const QImage img(out);
        QCOMPARE(img.size(), QSize(800, 600));
        auto colours = [&](int y0, int y1) {
            QSet<QRgb> c;
            for (int y = y0; y < y1; y += 5)
                for (int x = 100; x < 700; x += 5) c.insert(img.pixel(x, y));
            return c.size();
        };
        QVERIFY(colours(60, 240) > 20 && colours(360, 540) > 20);  // a spectrogram in each half
        r = runCli({"spectrogram", stereo, "-o", dir.filePath("side.png"), "--channel", "side", "--force"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("1 view") && r.out.contains("side"));
        r = runCli({"spectrogram", QString::fromStdString(phaselab::test::sharedAudio("chirp_16k.wav")), "-o", dir.filePath("x.png"),
                    "--channel", "side"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("needs a stereo signal"));
        r = runCli({"spectrogram", stereo, "-o", dir.filePath("small.png"), "--size", "400x200"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("2 channels need an image at least 240 pixels high"), r.err.constData());
    }

    void badInputAndUsage() {
        auto r = runCli({"info", dir.filePath("missing.wav")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("no such file"));
        QFile garbage(dir.filePath("garbage.wav"));
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write("not audio");
        garbage.close();
        r = runCli({"spectrogram", garbage.fileName(), "-o", dir.filePath("g.png")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("cannot read"));
        r = runCli({"spectrogram", QString::fromStdString(phaselab::test::sharedAudio("tone440_16k.wav")), "-o",
                    dir.filePath("t.png"), "--hop", "5000"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("hop"));
        r = runCli({"spectrogram", "x.wav", "-o", "y.png", "--size", "big"});
        QCOMPARE(r.code, 2);
        r = runCli({"info"});
        QCOMPARE(r.code, 2);
        r = runCli({"no-such-command"});
        QCOMPARE(r.code, 2);
        r = runCli({"info", "--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("--json"));
    }
};

QTEST_GUILESS_MAIN(TestCliBasic)
#include "test_cli_basic.moc"
