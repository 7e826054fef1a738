// phaselab-cli phase and vonmises: images, JSON figures on a tone and on noise, usage errors.
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "core/io/audio.h"
#include "cli_support.h"

using phaselab::test::runCli;

class TestCliPhase : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
private slots:
    void vonMisesOnToneAndNoise() {
        auto r = runCli({"vonmises", QString::fromStdString(phaselab::test::sharedAudio("tone440_16k.wav")), "--fmin", "400", "--fmax",
                         "480", "--start", "0.1", "--end", "0.9", "--json"});
        QCOMPARE(r.code, 0);
        QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QVERIFY2(o["centred"].toObject()["kappa"].toDouble() > 10, r.out.constData());
        QVERIFY(o["n"].toInt() > 100);
        QVERIFY(o.contains("mean_resultant_length") && o.contains("mu"));

        const std::string noise = dir.filePath("noise.wav").toStdString();
        phaselab::writeAudio(noise, phaselab::Audio::fromMono(phaselab::test::whiteNoise(48000, 5, 0.1f), 16000),
                             phaselab::SampleFormat::Float32);
        r = runCli({"vonmises", QString::fromStdString(noise), "--json", "--hop", "512"});
        QCOMPARE(r.code, 0);
        o = QJsonDocument::fromJson(r.out).object();
        QVERIFY2(o["kappa"].toDouble() < 0.05, r.out.constData());
        QVERIFY2(o["centred"].toObject()["kappa"].toDouble() < 0.25, r.out.constData());
    }
    void phaseViewsRender() {
        for (const QString view : {"phase", "centred", "if", "group-delay", "kappa"}) {
            const QString out = dir.filePath(view + ".png");
            const auto r = runCli({"phase", QString::fromStdString(phaselab::test::sharedAudio("twotone_16k_mix.wav")), "--view",
                                   view, "-o", out, "--size", "500x300"});
            QCOMPARE(r.code, 0);
            const QImage img(out);
            QCOMPARE(img.size(), QSize(500, 300));
        }
    }
    // Stereo: the inter-channel views render; the IPD fit is concentrated for a coherent image (the
    // bass: centre pan, no delay) and less so for the mixture of three images; mono is refused.
    void interChannelViewsAndIpdFit() {
        const QString mix = QString::fromStdString(phaselab::test::sharedAudio("stereo/stereo_music_44k_mix.flac"));
        const QString bass = QString::fromStdString(phaselab::test::sharedAudio("stereo/stereo_music_44k_bass.flac"));
        for (const QString view : {"ipd", "ild", "pan"}) {
            const QString out = dir.filePath(view + ".png");
            const auto r = runCli({"phase", mix, "--view", view, "-o", out, "--size", "640x360"});
            QVERIFY2(r.code == 0, r.err.constData());
            const QImage img(out);
            QCOMPARE(img.size(), QSize(640, 360));
            QVERIFY(r.out.contains("of channels 1 and 2"));
        }
        auto kappa = [&](const QString& file) {
            const auto r = runCli({"vonmises", file, "--ipd", "--json", "--fmax", "4000"});
            if (r.code != 0) qFatal("%s", r.err.constData());
            return QJsonDocument::fromJson(r.out).object()["ipd"].toObject()["kappa"].toDouble();
        };
        const double kb = kappa(bass), km = kappa(mix);
        qInfo("IPD kappa below 4 kHz: bass image %.2f, mixture %.2f", kb, km);
        QVERIFY(kb > 10);
        QVERIFY(km < kb);
        const QString tone = QString::fromStdString(phaselab::test::sharedAudio("tone440_16k.wav"));
        const auto mono = runCli({"phase", tone, "--view", "ipd", "-o", dir.filePath("mono.png")});
        QCOMPARE(mono.code, 1);
        QVERIFY(mono.err.contains("is mono"));
        const auto monoFit = runCli({"vonmises", tone, "--ipd"});
        QCOMPARE(monoFit.code, 1);
        const auto third = runCli({"phase", mix, "--view", "ild", "--channels", "1,3", "-o", dir.filePath("c3.png")});
        QCOMPARE(third.code, 1);
        QVERIFY(third.err.contains("no channel 3"));
        QCOMPARE(runCli({"phase", mix, "--view", "phase", "--channels", "1,2", "-o", dir.filePath("c.png")}).code, 2);
        const auto same = runCli({"phase", mix, "--view", "ipd", "--channels", "1,1", "-o", dir.filePath("same.png")});
        QCOMPARE(same.code, 2);
        QVERIFY2(same.err.contains("two different channel numbers"), same.err.constData());
    }
    void usageErrors() {
        const QString tone = QString::fromStdString(phaselab::test::sharedAudio("tone440_16k.wav"));
        QCOMPARE(runCli({"phase", tone, "--view", "spiral", "-o", dir.filePath("x.png")}).code, 2);
        QCOMPARE(runCli({"phase", tone}).code, 2);
        QCOMPARE(runCli({"vonmises", tone, "--start", "0.5", "--end", "0.2"}).code, 2);
        const auto r = runCli({"vonmises", dir.filePath("missing.wav")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("no such file"));
    }
};

QTEST_GUILESS_MAIN(TestCliPhase)
#include "test_cli_phase.moc"
