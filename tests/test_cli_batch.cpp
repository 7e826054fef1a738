// phaselab-cli batch and summarise on a two-track musdb-like layout, in two shards; medians.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "cli_support.h"
#include "core/common/error.h"
#include "core/experiment/experiment.h"

using namespace phaselab;

class TestCliBatch : public QObject {
    Q_OBJECT
private slots:
    void shardsAndSummary() {
        QTemporaryDir dir;
        // Two tracks with the same layout: mixture.wav, a.wav, b.wav.
        const QList<QStringList> sets{{"twotone_16k_mix.wav", "twotone_16k_a440.wav", "twotone_16k_b1320.wav"},
                                      {"speech_noise_16k_mix.wav", "speech_noise_16k_speech.wav", "speech_noise_16k_noise.wav"}};
        const QStringList names{"track-a", "track-b"};
        for (int t = 0; t < 2; ++t) {
            QDir().mkpath(dir.filePath("tracks/" + names[t]));
            QVERIFY(QFile::copy(QString::fromStdString(test::sharedAudio(sets[t][0].toStdString())), dir.filePath("tracks/" + names[t] + "/mixture.wav")));
            QVERIFY(QFile::copy(QString::fromStdString(test::sharedAudio(sets[t][1].toStdString())), dir.filePath("tracks/" + names[t] + "/a.wav")));
            QVERIFY(QFile::copy(QString::fromStdString(test::sharedAudio(sets[t][2].toStdString())), dir.filePath("tracks/" + names[t] + "/b.wav")));
        }
        QFile manifest(dir.filePath("batch.json"));
        QVERIFY(manifest.open(QIODevice::WriteOnly));
        manifest.write(R"({"format": "phaselab-batch", "root": "tracks", "mixture": "mixture.wav", "sources": ["a.wav", "b.wav"],
            "runs": [{"kind": "separation", "algorithm": "wiener", "stft": {"window": 1024, "hop": 256}}]})");
        manifest.close();

        auto r = test::runCli({"batch", dir.filePath("batch.json"), "-o", dir.filePath("out"), "--shard", "1/2"});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(QFile::exists(dir.filePath("out/track-a.json")) && !QFile::exists(dir.filePath("out/track-b.json")));
        r = test::runCli({"batch", dir.filePath("batch.json"), "-o", dir.filePath("out"), "--shard", "2/2"});
        QCOMPARE(r.code, 0);
        QVERIFY(QFile::exists(dir.filePath("out/track-b.json")));

        r = test::runCli({"summarise", dir.filePath("out"), "--csv", dir.filePath("summary.csv")});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(r.out.contains("2 tracks"));
        // The median of two tracks is their mean: check against the tracks' own figures.
        const auto rows = [&] {
            std::vector<std::string> texts;
            for (const char* t : {"out/track-a.json", "out/track-b.json"}) {
                QFile f(dir.filePath(t));
                f.open(QIODevice::ReadOnly);
                texts.push_back(f.readAll().toStdString());
            }
            return experiment::summarise(texts);
        }();
        QCOMPARE(int(rows.size()), 2 * 3);  // outputs a and b x sdr, sir, sar
        for (const auto& row : rows) QCOMPARE(row.tracks, 2);
        QFile csv(dir.filePath("summary.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(QString(csv.readAll()).count('\n'), 1 + 6);

        QCOMPARE(test::runCli({"batch", dir.filePath("batch.json"), "-o", dir.filePath("out"), "--shard", "3/2"}).code, 2);
        r = test::runCli({"summarise", dir.filePath("nothing")});
        QCOMPARE(r.code, 1);
    }
};

QTEST_GUILESS_MAIN(TestCliBatch)
#include "test_cli_batch.moc"
