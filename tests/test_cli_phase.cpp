// phaselab-cli phase and vonmises: images, JSON figures on a tone and on noise, usage errors.
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <random>

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
    // A stereo file shows each channel, stacked, with one masking level: noise on the left, silence on
    // the right gives a coloured top panel and an all-grey (masked) bottom one; --channel picks one view.
    void singleChannelViewsKeepTheChannels() {
        phaselab::Audio audio;
        audio.sampleRate = 16000;
        audio.data = Eigen::ArrayXXf::Zero(16000, 2);
        std::mt19937 rng(5);
        std::normal_distribution<float> g(0, 0.1f);
        for (Eigen::Index i = 0; i < audio.frames(); ++i) audio.data(i, 0) = g(rng);
        const QString file = dir.filePath("left_noise.wav");
        phaselab::writeAudio(file.toStdString(), audio);
        // Share of masked-grey pixels in the middle of the plot area of rows [top, bottom).
        auto grey = [](const QImage& img, int top, int bottom) {
            int masked = 0, all = 0;
            for (int y = top + (bottom - top) * 3 / 10; y < top + (bottom - top) * 7 / 10; ++y)
                for (int x = img.width() * 3 / 10; x < img.width() * 7 / 10; ++x, ++all)
                    masked += img.pixelColor(x, y) == QColor(128, 128, 128);
            return double(masked) / all;
        };
        const QString stacked = dir.filePath("stacked.png");
        auto r = runCli({"phase", file, "--view", "phase", "-o", stacked, "--size", "800x600"});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY2(r.out.contains("2 views") && r.out.contains("every channel, stacked"), r.out.constData());
        QImage img(stacked);
        qInfo("grey share: left panel %.3f, right panel %.3f", grey(img, 0, 300), grey(img, 300, 600));
        QVERIFY(grey(img, 0, 300) < 0.05);
        QVERIFY(grey(img, 300, 600) > 0.95);
        const QString right = dir.filePath("right.png");
        r = runCli({"phase", file, "--view", "kappa", "--channel", "right", "-o", right, "--size", "800x300"});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY2(r.out.contains("1 view") && r.out.contains(": right)"), r.out.constData());
        QVERIFY(grey(QImage(right), 0, 300) > 0.95);
        const QString left = dir.filePath("left.png");
        QCOMPARE(runCli({"phase", file, "--channel", "1", "-o", left, "--size", "800x300"}).code, 0);
        QVERIFY(grey(QImage(left), 0, 300) < 0.05);
        // Too many panels for the image, a view the file lacks, --channel with an inter-channel view.
        QCOMPARE(runCli({"phase", file, "-o", dir.filePath("low.png"), "--size", "800x200"}).code, 2);
        const QString tone = QString::fromStdString(phaselab::test::sharedAudio("tone440_16k.wav"));
        const auto side = runCli({"phase", tone, "--channel", "side", "-o", dir.filePath("side.png")});
        QCOMPARE(side.code, 1);
        QVERIFY2(side.err.contains("side"), side.err.constData());
        QCOMPARE(runCli({"phase", file, "--view", "ipd", "--channel", "left", "-o", dir.filePath("x.png")}).code, 2);
    }

    // vonmises keeps the channels: by default one fit per channel, equal to --channel N's; --channel
    // mono equals the fit of a mono file holding the downmix.
    void vonMisesPerChannel() {
        const phaselab::Audio stereo = phaselab::readAudio(phaselab::test::sharedAudio("stereo/stereo_music_44k_mix.flac"));
        const QString file = dir.filePath("stereo8s.wav"), downmix = dir.filePath("downmix8s.wav");
        phaselab::Audio head;
        head.sampleRate = stereo.sampleRate;
        head.data = stereo.data.topRows(8 * 44100);
        phaselab::writeAudio(file.toStdString(), head, phaselab::SampleFormat::Float32);
        phaselab::writeAudio(downmix.toStdString(), phaselab::Audio::fromMono(head.mono(), head.sampleRate), phaselab::SampleFormat::Float32);
        auto json = [](const QStringList& args) {
            const auto r = runCli(args);
            if (r.code != 0) qFatal("%s", r.err.constData());
            return QJsonDocument::fromJson(r.out).object();
        };
        const QStringList region{"--fmax", "4000", "--json"};
        const QJsonObject each = json(QStringList{"vonmises", file} + region);
        QCOMPARE(each["channel_handling"].toString(), QString("each channel"));
        const QJsonArray channels = each["channels"].toArray();
        QCOMPARE(channels.size(), 2);
        for (int c = 0; c < 2; ++c) {
            const QJsonObject one = json(QStringList{"vonmises", file, "--channel", QString::number(c + 1)} + region);
            QCOMPARE(channels[c].toObject()["channel"].toString(), QString("channel %1").arg(c + 1));
            QCOMPARE(channels[c].toObject()["kappa"].toDouble(), one["kappa"].toDouble());
            QCOMPARE(channels[c].toObject()["centred"].toObject()["kappa"].toDouble(), one["centred"].toObject()["kappa"].toDouble());
        }
        QVERIFY(channels[0].toObject()["centred"].toObject()["kappa"].toDouble() !=
                channels[1].toObject()["centred"].toObject()["kappa"].toDouble());
        const QJsonObject mono = json(QStringList{"vonmises", file, "--channel", "mono"} + region);
        const QJsonObject reference = json(QStringList{"vonmises", downmix} + region);
        QCOMPARE(mono["centred"].toObject()["kappa"].toDouble(), reference["centred"].toObject()["kappa"].toDouble());
        QCOMPARE(mono["n"].toInt(), reference["n"].toInt());
        QCOMPARE(runCli({"vonmises", file, "--ipd", "--channel", "left"}).code, 2);
    }

    // Stereo: the inter-channel views render; the IPD fit is concentrated for a coherent image (the
    // bass: centre pan, no delay) and less so for the mixture of three images; mono is refused.
    void interChannelViewsAndIpdFit() {
        const QString mix = QString::fromStdString(phaselab::test::sharedAudio("stereo/stereo_music_44k_mix.flac"));
        const QString bass = QString::fromStdString(phaselab::test::sharedAudio("stereo/stereo_music_44k_bass.flac"));
        for (const QString view : {"ipd", "ild", "pan", "panning-map"}) {
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
