// phaselab-cli batch and summarise (issue 15): a MUSDB-like dataset of two mono and one stereo track,
// museval-format results checked against the pipeline and BSS Eval v4 computed here, strided shards
// (option and Slurm array variables), restart of an interrupted job, parallel jobs, track lists,
// manifests with several runs, the aggregation (median over frames, then tracks) and --compare.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "cli_support.h"
#include "core/common/error.h"
#include "core/separation/multichannel_wiener.h"
#include "core/experiment/dataset.h"
#include "core/io/audio.h"
#include "core/metrics/bss_eval.h"
#include "core/separation/pipeline.h"

using namespace phaselab;

namespace {

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QString shared(const char* name) { return QString::fromStdString(test::sharedAudio(name)); }

experiment::TrackScores scoresOf(const QString& path) {
    return experiment::parseTrackJson(readAll(path).toStdString(), QFileInfo(path).completeBaseName().toStdString());
}

}  // namespace

class TestCliBatch : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    QString root, out;

    void copy(const QString& from, const QString& to) {
        QDir().mkpath(QFileInfo(to).path());
        QFile::remove(to);
        QVERIFY(QFile::copy(from, to));
    }

    QStringList batch(const QString& output, const QStringList& more = {}) {
        return QStringList{"batch", "--dataset", "musdb:" + root, "-o", output, "--window", "1024", "--hop", "256"} + more;
    }

private slots:
    void initTestCase() {
        root = dir.filePath("musdb");
        out = dir.filePath("out");
        copy(shared("twotone_16k_mix.wav"), root + "/test/track-a/mixture.wav");
        copy(shared("twotone_16k_a440.wav"), root + "/test/track-a/a.wav");
        copy(shared("twotone_16k_b1320.wav"), root + "/test/track-a/b.wav");
        copy(shared("speech_noise_16k_mix.wav"), root + "/test/track-b/mixture.wav");
        copy(shared("speech_noise_16k_speech.wav"), root + "/test/track-b/a.wav");
        copy(shared("speech_noise_16k_noise.wav"), root + "/test/track-b/b.wav");
        copy(shared("stereo/stereo_speech_16k_mix.flac"), root + "/test/track-c/mixture.flac");
        copy(shared("stereo/stereo_speech_16k_spk1.flac"), root + "/test/track-c/a.flac");
        copy(shared("stereo/stereo_speech_16k_spk2.flac"), root + "/test/track-c/b.flac");
    }

    void datasetLayout() {
        const auto tracks = experiment::musdbTracks(root.toStdString(), "test");
        QCOMPARE(int(tracks.size()), 3);
        QCOMPARE(tracks[2].name, std::string("track-c"));
        QCOMPARE(tracks[2].targets, (std::vector<std::string>{"a", "b"}));
        const auto shard = experiment::shardOf(tracks, 1, 2);
        QCOMPARE(int(shard.size()), 1);
        QCOMPARE(shard[0].name, std::string("track-b"));
        QVERIFY_THROWS_EXCEPTION(InputError, experiment::musdbTracks(root.toStdString(), "train"));
        // MUSDB's own stems come in museval's order.
        for (const char* stem : {"mixture", "bass", "drums", "other", "vocals", "accompaniment"})
            copy(shared("tone440_16k.wav"), dir.filePath(QString("hq/test/song/%1.wav").arg(stem)));
        const auto hq = experiment::musdbTracks(dir.filePath("hq").toStdString(), "test");
        QCOMPARE(hq[0].targets, (std::vector<std::string>{"vocals", "drums", "bass", "other"}));
    }

    void museValFormatMatchesTheEvaluationDoneHere() {
        const auto r = test::runCli(batch(out, {"--shard", "1/2"}));
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(QFile::exists(out + "/test/track-a.json") && QFile::exists(out + "/test/track-c.json"));
        QVERIFY(!QFile::exists(out + "/test/track-b.json"));
        // The stereo track, separated channel by channel, scored on its images with museval's v4.
        const Audio mix = readAudio((root + "/test/track-c/mixture.flac").toStdString());
        const Audio a = readAudio((root + "/test/track-c/a.flac").toStdString()), b = readAudio((root + "/test/track-c/b.flac").toStdString());
        QCOMPARE(mix.channels(), 2);
        std::vector<Eigen::ArrayXXf> est(2, Eigen::ArrayXXf(mix.frames(), 2));
        for (int c = 0; c < 2; ++c) {
            separation::PipelineInput in;
            in.mixture = mix.data.col(c);
            in.references = {a.data.col(c), b.data.col(c)};
            in.config.windowLength = 1024;
            in.config.hop = 256;
            const auto s = separation::separate(*separation::findSeparationMethod("wiener"), {}, in);
            est[0].col(c) = s.waveforms[0];
            est[1].col(c) = s.waveforms[1];
        }
        metrics::BssParams bp;
        bp.permutation = false;
        const auto v4 = metrics::bssEvalV4({a.data.cast<double>(), b.data.cast<double>()}, {est[0].cast<double>(), est[1].cast<double>()},
                                           16000, 16000, bp);
        const auto scores = scoresOf(out + "/test/track-c.json");
        QCOMPARE(scores.targets, (std::vector<std::string>{"a", "b"}));
        const auto& sdr = scores.frames.at("a").at("SDR");
        QCOMPARE(Eigen::Index(sdr.size()), v4.sdr.cols());
        QCOMPARE(int(sdr.size()), 15);  // 15 s, 1 s windows
        int finite = 0;
        for (int j = 0; j < 2; ++j)
            for (Eigen::Index k = 0; k < v4.sdr.cols(); ++k)
                for (const auto& [metric, matrix] : {std::pair{"SDR", &v4.sdr}, {"SIR", &v4.sir}, {"SAR", &v4.sar}, {"ISR", &v4.isr}}) {
                    const double want = (*matrix)(j, k), got = scores.frames.at(j ? "b" : "a").at(metric)[std::size_t(k)];
                    if (!std::isfinite(want)) {
                        QVERIFY(std::isnan(got));
                        continue;
                    }
                    ++finite;
                    QVERIFY2(std::abs(got - want) <= 0.5e-5 + 1e-12, qPrintable(QString("%1 %2 frame %3: %4 vs %5").arg(j).arg(metric).arg(k).arg(got).arg(want)));
                }
        QVERIFY(finite > 100);
        // museval's text conventions and PhaseLab's description beside them.
        const QByteArray text = readAll(out + "/test/track-c.json");
        QVERIFY(text.contains("\"time\": 1.0,") && text.contains("\"duration\": 1.0,"));
        const QJsonObject description = QJsonDocument::fromJson(QByteArray(text).replace("NaN", "null")).object()["phaselab"].toObject();
        QCOMPARE(description["channels"].toInt(), 2);
        QCOMPARE(description["run"].toObject()["algorithm"].toString(), QString("wiener"));
        QCOMPARE(description["run"].toObject()["stft"].toObject()["window"].toInt(), 1024);
    }

    // museval's own eval_mus_track on the same estimates (tests/data/museval/make_reference.py, run on
    // estimates written by --save-estimates): every frame within 0.01 dB (it was identical to the
    // fifth decimal when made), NaN where museval has NaN, same windows and times.
    void agreesWithMusevalItself() {
        const QString saved = dir.filePath("saved");
        const auto r = test::runCli(batch(saved, {"--track", "track-b", "track-c", "--save-estimates"}));
        QVERIFY2(r.code == 0, r.err.constData());
        const Audio estimate = readAudio((saved + "/estimates/test/track-c/b.wav").toStdString());
        QCOMPARE(estimate.channels(), 2);
        QCOMPARE(estimate.frames(), readAudio((root + "/test/track-c/b.flac").toStdString()).frames());
        for (const char* t : {"track-b", "track-c"}) {
            const auto mine = scoresOf(saved + "/test/" + t + ".json");
            const auto theirs = scoresOf(QString::fromStdString(test::testData(std::string("museval/") + t + ".json")));
            QCOMPARE(mine.targets, theirs.targets);
            int compared = 0;
            for (const auto& [target, metrics] : theirs.frames)
                for (const auto& [metric, values] : metrics) {
                    const auto& got = mine.frames.at(target).at(metric);
                    QCOMPARE(got.size(), values.size());
                    for (std::size_t k = 0; k < values.size(); ++k) {
                        QCOMPARE(std::isnan(got[k]), std::isnan(values[k]));
                        if (std::isnan(values[k])) continue;
                        QVERIFY2(std::abs(got[k] - values[k]) < 0.01,
                                 qPrintable(QString("%1 %2 %3 frame %4: %5 vs museval %6").arg(t).arg(target.c_str()).arg(metric.c_str()).arg(k).arg(got[k]).arg(values[k])));
                        ++compared;
                    }
                }
            QVERIFY(compared > 100);
        }
    }

    void restartsWhereItStoppedAndFollowsSlurm() {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("SLURM_ARRAY_TASK_ID", "5");
        env.insert("SLURM_ARRAY_TASK_MIN", "4");
        env.insert("SLURM_ARRAY_TASK_MAX", "5");  // task 5 of 4-5: the second of two shards
        auto r = test::runCli(batch(out), 120000, env);
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY2(r.out.contains("Slurm array task 5 (shard 2/2)") && r.out.contains("1 tracks run"), r.out.constData());
        QVERIFY(QFile::exists(out + "/test/track-b.json"));
        // Everything exists: nothing runs again; a lost result is the only one recomputed.
        r = test::runCli(batch(out));
        QVERIFY2(r.out.contains("3 done already, 0 to run"), r.out.constData());
        const QByteArray before = readAll(out + "/test/track-a.json");
        QFile::remove(out + "/test/track-b.json");
        r = test::runCli(batch(out));
        QVERIFY2(r.out.contains("2 done already, 1 to run") && r.out.contains("1 tracks run"), r.out.constData());
        QCOMPARE(readAll(out + "/test/track-a.json"), before);
        env.insert("SLURM_ARRAY_TASK_ID", "9");
        QCOMPARE(test::runCli(batch(out), 120000, env).code, 2);
    }

    // mc-wiener in a batch: all channels at once from the targets' images, as separation::
    // multichannelWienerImages gives them, scored with v4 on the images.
    void mcWienerSeparatesTheChannelsJointly() {
        const QString joint = dir.filePath("joint");
        const auto r = test::runCli(batch(joint, {"--track", "track-c", "--method", "mc-wiener", "--iterations", "1"}));
        QVERIFY2(r.code == 0, r.err.constData());
        const Audio mix = readAudio((root + "/test/track-c/mixture.flac").toStdString());
        const Audio a = readAudio((root + "/test/track-c/a.flac").toStdString()), b = readAudio((root + "/test/track-c/b.flac").toStdString());
        separation::McWienerParams params;
        params.iterations = 1;
        const auto est = separation::multichannelWienerImages(mix.data, {a.data, b.data}, StftConfig{WindowType::Hann, 1024, 256}, params);
        metrics::BssParams bp;
        bp.permutation = false;
        const auto v4 = metrics::bssEvalV4({a.data.cast<double>(), b.data.cast<double>()}, {est[0].cast<double>(), est[1].cast<double>()},
                                           16000, 16000, bp);
        const auto scores = scoresOf(joint + "/test/track-c.json");
        int compared = 0;
        for (int j = 0; j < 2; ++j)
            for (Eigen::Index k = 0; k < v4.sdr.cols(); ++k)
                if (std::isfinite(v4.sdr(j, k))) {
                    QVERIFY(std::abs(scores.frames.at(j ? "b" : "a").at("SDR")[std::size_t(k)] - v4.sdr(j, k)) <= 0.5e-5 + 1e-12);
                    ++compared;
                }
        QVERIFY(compared > 20);
        const QByteArray text = readAll(joint + "/test/track-c.json");
        const QJsonObject run = QJsonDocument::fromJson(QByteArray(text).replace("NaN", "null")).object()["phaselab"].toObject()["run"].toObject();
        QCOMPARE(run["algorithm"].toString(), QString("mc-wiener"));
        QCOMPARE(run["channels"].toString(), QString("joint"));
        QCOMPARE(test::runCli(batch(joint, {"--track", "track-c", "--method", "mc-wiener", "--magnitudes", "files"})).code, 2);  // no stems in a dataset
    }

    void parallelJobsGiveTheSameResults() {
        const QString parallel = dir.filePath("parallel");
        const auto r = test::runCli(batch(parallel, {"--jobs", "2"}));
        QVERIFY2(r.code == 0, r.err.constData());
        for (const char* t : {"track-a", "track-b", "track-c"}) {
            const auto x = scoresOf(parallel + "/test/" + t + ".json"), y = scoresOf(out + "/test/" + t + ".json");
            for (const auto& [target, metrics] : y.frames)
                for (const auto& [metric, values] : metrics)
                    for (std::size_t k = 0; k < values.size(); ++k)
                        QVERIFY(values[k] == x.frames.at(target).at(metric)[k] || (std::isnan(values[k]) && std::isnan(x.frames.at(target).at(metric)[k])));
        }
        QVERIFY2(r.out.contains("3 tracks run, 0 done already, 0 failed"), r.out.constData());
    }

    void trackListsAndManifestRuns() {
        QFile list(dir.filePath("list.txt"));
        QVERIFY(list.open(QIODevice::WriteOnly));
        list.write("# only one\ntrack-b\n");
        list.close();
        auto r = test::runCli(batch(dir.filePath("listed"), {"--tracks", dir.filePath("list.txt"), "--method", "misi", "--iterations", "2"}));
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(QDir(dir.filePath("listed/test")).entryList(QDir::Files), QStringList{"track-b.json"});
        QVERIFY(readAll(dir.filePath("listed/test/track-b.json")).contains("\"algorithm\":\"misi\""));
        QVERIFY(list.open(QIODevice::WriteOnly));
        list.write("track-z\n");
        list.close();
        r = test::runCli(batch(dir.filePath("listed"), {"--tracks", dir.filePath("list.txt")}));
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("track-z"));
        QCOMPARE(test::runCli(batch(dir.filePath("x"), {"--iterations", "3"})).code, 2);  // not an option of wiener

        // A manifest with two runs: one method folder each.
        QFile manifest(dir.filePath("batch.json"));
        QVERIFY(manifest.open(QIODevice::WriteOnly));
        manifest.write(R"({"format": "phaselab-batch", "root": "musdb/test", "mixture": "mixture.wav", "sources": ["a.wav", "b.wav"],
            "runs": [{"algorithm": "wiener", "stft": {"window": 1024, "hop": 256}},
                     {"algorithm": "misi", "parameters": {"iterations": 2}, "stft": {"window": 1024, "hop": 256}}]})");
        manifest.close();
        r = test::runCli({"batch", dir.filePath("batch.json"), "-o", dir.filePath("runs")});
        QVERIFY2(r.code == 0, r.err.constData());
        for (const char* m : {"1-wiener", "2-misi"})
            QCOMPARE(QDir(dir.filePath(QString("runs/%1/test").arg(m))).entryList(QDir::Files), (QStringList{"track-a.json", "track-b.json"}));
        QCOMPARE(test::runCli({"batch", dir.filePath("batch.json"), "-o", dir.filePath("runs"), "--method", "misi"}).code, 2);
    }

    void summaryIsTheMedianOfFrameMedians() {
        auto r = test::runCli({"summarise", out, "--json", dir.filePath("summary.json"), "--csv", dir.filePath("summary.csv")});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(r.out.contains("3 track results, 1 method"));
        std::vector<experiment::TrackScores> tracks;
        for (const char* t : {"track-a", "track-b", "track-c"}) tracks.push_back(scoresOf(out + "/test/" + t + ".json"));
        // By hand: nanmedian over frames per track, then the median of three = the middle one.
        std::vector<double> medians;
        for (const auto& t : tracks) {
            std::vector<double> v;
            for (double x : t.frames.at("a").at("SDR"))
                if (std::isfinite(x)) v.push_back(x);
            std::sort(v.begin(), v.end());
            medians.push_back(v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]));
        }
        std::sort(medians.begin(), medians.end());
        const QJsonObject summary = QJsonDocument::fromJson(readAll(dir.filePath("summary.json"))).object();
        QCOMPARE(summary["format"].toString(), QString("phaselab-summary"));
        bool found = false;
        for (const auto& v : summary["rows"].toArray()) {
            const QJsonObject row = v.toObject();
            if (row["target"].toString() != "a" || row["metric"].toString() != "SDR") continue;
            found = true;
            QCOMPARE(row["method"].toString(), QString("out"));
            QCOMPARE(row["tracks"].toInt(), 3);
            QVERIFY(std::abs(row["median"].toDouble() - medians[1]) < 1e-9);
            QVERIFY(std::abs(row["mean"].toDouble() - (medians[0] + medians[1] + medians[2]) / 3) < 1e-9);
        }
        QVERIFY(found);
        QCOMPARE(QString(readAll(dir.filePath("summary.csv"))).count('\n'), 1 + 2 * 4);
        // Several methods side by side, and a comparison.
        r = test::runCli({"summarise", dir.filePath("runs"), "--compare", dir.filePath("summary.json")});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(r.out.contains("1-wiener") && r.out.contains("2-misi"));
        r = test::runCli({"summarise", out, "--compare", dir.filePath("summary.json")});
        QVERIFY2(r.out.contains("+0.000"), r.out.constData());
        QCOMPARE(test::runCli({"summarise", dir.filePath("nothing")}).code, 1);
    }

    void aggregationReadsMusevalsNanTokens() {
        const std::string text = R"({"targets": [{"name": "vocals", "frames": [
            {"time": 0.0, "duration": 1.0, "metrics": {"SDR": NaN, "SIR": 1.0, "SAR": Infinity, "ISR": -Infinity}},
            {"time": 1.0, "duration": 1.0, "metrics": {"SDR": 3.0, "SIR": 2.0, "SAR": 1.0, "ISR": 0.0}},
            {"time": 2.0, "duration": 1.0, "metrics": {"SDR": 5.0, "SIR": 4.0, "SAR": 2.0, "ISR": 1.0}}]}],
            "museval_version": "0.4.1"})";
        const auto s = experiment::parseTrackJson(text, "song");
        QVERIFY(std::isnan(s.frames.at("vocals").at("SDR")[0]));
        const auto rows = experiment::aggregate({{"m", {s}}});
        QCOMPARE(int(rows.size()), 4);
        QCOMPARE(rows[0].metric, std::string("SDR"));
        QCOMPARE(rows[0].median, 4.0);  // NaN frame ignored
        QCOMPARE(rows[1].median, 2.0);  // SIR: 1, 2, 4
        QVERIFY_THROWS_EXCEPTION(InputError, experiment::parseTrackJson("{\"targets\": 3}", "bad"));
    }
};

QTEST_GUILESS_MAIN(TestCliBatch)
#include "test_cli_batch.moc"
