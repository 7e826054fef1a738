#include <QCoreApplication>
#include <QDir>
#include <QProcess>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonObject>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTextStream>
#include <map>
#include <tuple>
#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>

#include "cli_common.h"
#include "core/experiment/dataset.h"
#include "core/experiment/experiment.h"
#include "core/separation/multichannel_wiener.h"
#include "core/separation/registry.h"
#include "separation_options.h"

namespace phaselab::cli {

namespace {

struct Share {
    int index = 0, count = 1;  // 0-based
    QString origin;            // how it was chosen, for the log
};

int envInt(const char* name, bool* ok) {
    *ok = false;
    const QByteArray v = qgetenv(name);
    return v.isEmpty() ? 0 : v.toInt(ok);
}

// --shard I/N (1-based), else a Slurm array task (SLURM_ARRAY_TASK_ID minus SLURM_ARRAY_TASK_MIN, of
// SLURM_ARRAY_TASK_COUNT or MAX - MIN + 1), else everything.
Share shareOf(const QCommandLineParser& p) {
    Share s;
    if (p.isSet("shard")) {
        const QStringList parts = p.value("shard").split('/');
        bool okI = false, okN = false;
        const int i = parts.size() == 2 ? parts[0].toInt(&okI) : 0, n = parts.size() == 2 ? parts[1].toInt(&okN) : 0;
        if (!okI || !okN || n < 1 || i < 1 || i > n)
            throw UsageError("--shard must be I/N with 1 <= I <= N, got '" + toStd(p.value("shard")) + "'");
        return {i - 1, n, "--shard " + p.value("shard")};
    }
    bool okId = false, okMin = false, okMax = false, okCount = false;
    const int id = envInt("SLURM_ARRAY_TASK_ID", &okId);
    if (!okId) return s;
    const int minimum = envInt("SLURM_ARRAY_TASK_MIN", &okMin), maximum = envInt("SLURM_ARRAY_TASK_MAX", &okMax);
    const int count = envInt("SLURM_ARRAY_TASK_COUNT", &okCount);
    s.index = id - (okMin ? minimum : 0);
    s.count = okCount ? count : okMin && okMax ? maximum - minimum + 1 : 0;
    if (s.count < 1 || s.index < 0 || s.index >= s.count)
        throw UsageError("cannot take a shard from SLURM_ARRAY_TASK_ID=" + std::to_string(id) +
                         " (set SLURM_ARRAY_TASK_COUNT, or MIN and MAX, or give --shard I/N)");
    s.origin = QString("Slurm array task %1 (shard %2/%3)").arg(id).arg(s.index + 1).arg(s.count);
    return s;
}

struct Job {
    experiment::RunSpec run;
    std::string folder;  // the method folder: OUT, or OUT/<k>-<algorithm> for several runs
};

// The run given on the command line (--method and its options), as an experiment run.
experiment::RunSpec runFromOptions(const QCommandLineParser& p, const std::set<std::string>& optionIds) {
    experiment::RunSpec run;
    const QString methodId = choiceValue(p, "method", allMethods() + multichannelMethods());
    const bool joint = multichannelMethods().contains(methodId);
    const separation::SeparationMethod* method = joint ? nullptr : separation::findSeparationMethod(toStd(methodId));
    if (!method && !joint) throw UsageError("method '" + toStd(methodId) + "' is not implemented yet");
    run.algorithm = toStd(methodId);
    run.magnitudes = toStd(choiceValue(p, "magnitudes", {"oracle", "nmf", "hpss"}));
    if (joint) run.channels = "joint";
    run.stft = stftFromOptions(p);
    std::set<std::string> used;
    run.parameters = valuesFor(p, joint ? separation::mcWienerDescription() : *method->description, used);
    for (const auto& id : optionIds)
        if (p.isSet(QString::fromStdString(id)) && !used.count(id))
            throw UsageError("--" + id + " does not apply to method '" + run.algorithm + "' in a batch");
    return run;
}

}  // namespace

int runBatch(const QStringList& rawArgs) {
    const QStringList args = expandMultiValue(rawArgs, {"--track"});
    QCommandLineParser p;
    p.setApplicationDescription(
        "Evaluate a separation run on every track of a dataset, one result per track in museval's format:\n"
        "OUTDIR/<subset>/<track>.json (targets -> 1 s frames -> SDR, SIR, SAR, ISR: BSS Eval v4 on the images, as\n"
        "museval's eval_mus_track), which museval's MethodStore.add_eval_dir and `phaselab-cli summarise` read.\n"
        "Tracks: --dataset musdb:ROOT (ROOT/<subset>/<track>/mixture.wav and one WAV or FLAC per target; the MUSDB\n"
        "stems vocals, drums, bass, other when present), or a batch MANIFEST (JSON, its runs included).\n"
        "The run: the manifest's runs (several runs: one folder OUTDIR/<k>-<method> each), or --method with the\n"
        "options of `phaselab-cli separate` (default: wiener on oracle magnitudes). Channels are kept: a stereo\n"
        "track is separated channel by channel (mc-wiener: all channels jointly, from the targets' images) and\n"
        "scored on its stereo images.\n"
        "Sharing the work: --shard I/N takes tracks I, I+N, I+2N, ... (1-based) of the sorted track names; without\n"
        "it a Slurm array task takes its shard from SLURM_ARRAY_TASK_ID / _MIN / _MAX / _COUNT. --jobs K runs K\n"
        "tracks at once in separate processes (one thread each). A track whose result exists is skipped (an\n"
        "interrupted job restarts where it stopped; --force recomputes); results are written atomically. A failed\n"
        "track gets <method folder>/<track>.error.json and the others go on; the last line counts them and the\n"
        "exit status is 1 when any failed.");
    p.addPositionalArgument("MANIFEST", "Batch manifest (JSON); omit with --dataset.", "[MANIFEST]");
    p.addOption({{"o", "output"}, "Output directory.", "OUTDIR"});
    p.addOption({"dataset", "A dataset folder: musdb:ROOT.", "musdb:ROOT"});
    p.addOption({"subset", "Subset folder of the dataset, and of the results (museval's layout).", "NAME", "test"});
    p.addOption({"tracks", "Only the tracks named in this file (one per line, # comments).", "FILE"});
    p.addOption({"track", "Only this track (repeatable; no sharding).", "NAME"});
    p.addOption({"shard", "This job's share, I/N (1-based).", "I/N"});
    p.addOption({"jobs", "Tracks run at once, each in its own process with one thread.", "K", "1"});
    p.addOption({"threads", "Worker threads per track (separation STFTs and BSS Eval).", "N", "1"});
    p.addOption({"save-estimates", "Also write the estimates: <method folder>/estimates/<subset>/<track>/<target>.wav "
                                   "(float, the mixture's channels), as museval's eval_mus_dir reads them."});
    p.addOption({"eval-window", "BSS Eval v4 window in seconds (museval: 1).", "S", "1"});
    p.addOption({"eval-hop", "BSS Eval v4 hop in seconds (museval: 1).", "S", "1"});
    p.addOption({"method", "Separation method: " + (allMethods() + multichannelMethods()).join(", ") + ".", "METHOD", "wiener"});
    p.addOption({"magnitudes", "Source magnitudes: oracle, nmf or hpss.", "SOURCE", "oracle"});
    addStftOptions(p);
    std::set<std::string> optionIds;
    addAlgorithmOptions(p, optionIds);
    addForceOption(p);
    if (!parse(p, args, 0, 1)) return ExitOk;
    if (!p.isSet("output")) throw UsageError("missing -o OUTDIR");
    const bool fromManifest = !p.positionalArguments().isEmpty();
    if (fromManifest == p.isSet("dataset")) throw UsageError("give either a MANIFEST or --dataset musdb:ROOT");
    const int jobs = intValue(p, "jobs", 1, 256), threads = intValue(p, "threads", 1, 64);
    experiment::MusevalOptions eval;
    eval.window = doubleValue(p, "eval-window", 0.01, 3600);
    eval.hop = doubleValue(p, "eval-hop", 0.01, 3600);
    eval.threads = threads;
    const std::string subset = toStd(p.value("subset"));
    if (safeFileName(subset) != subset || subset.empty()) throw UsageError("--subset must be a plain folder name");

    OutputPolicy policy = outputPolicy(p);
    std::vector<experiment::Track> all;
    std::vector<experiment::RunSpec> runs;
    if (fromManifest) {
        const std::string manifestPath = toStd(p.positionalArguments().at(0));
        policy.addInput(manifestPath);
        const experiment::Manifest m = experiment::readManifest(manifestPath);
        for (const char* option : {"method", "magnitudes", "window", "hop", "fft", "window-type"})
            if (p.isSet(option)) throw UsageError(std::string("--") + option + " conflicts with the manifest's runs");
        all = experiment::manifestTracks(m);
        runs = m.runs;
        if (all.empty()) throw InputError("no track folder under '" + m.root + "' holds " + m.mixture);
    } else {
        const QString dataset = p.value("dataset");
        if (!dataset.startsWith("musdb:") || dataset.size() <= 6)
            throw UsageError("--dataset must be musdb:ROOT, got '" + toStd(dataset) + "'");
        all = experiment::musdbTracks(toStd(dataset.mid(6)), subset);
        runs = {runFromOptions(p, optionIds)};
    }
    if (p.isSet("tracks")) {
        policy.addInput(toStd(p.value("tracks")));
        all = experiment::selectTracks(all, toStd(p.value("tracks")));
    }
    for (const auto& t : all) {
        policy.addInput(t.mixturePath);
        for (const auto& f : t.targetPaths) policy.addInput(f);
    }

    std::vector<experiment::Track> mine;
    QString origin;
    if (p.isSet("track")) {
        for (const QString& name : p.values("track")) {
            auto it = std::find_if(all.begin(), all.end(), [&](const experiment::Track& t) { return t.name == toStd(name); });
            if (it == all.end()) throw InputError("no track named '" + toStd(name) + "'");
            mine.push_back(*it);
        }
        origin = "--track";
    } else {
        const Share share = shareOf(p);
        mine = experiment::shardOf(all, share.index, share.count);
        origin = share.origin.isEmpty() ? QString("all tracks") : share.origin;
    }

    const std::string outDir = toStd(p.value("output"));
    std::vector<Job> work;
    for (std::size_t k = 0; k < runs.size(); ++k) {
        const std::string folder = runs.size() == 1 ? outDir : policy.inside(outDir, safeFileName(std::to_string(k + 1) + "-" + runs[k].algorithm));
        work.push_back({runs[k], folder});
    }
    std::vector<std::string> allNames;
    for (const auto& t : all) allNames.push_back(t.name);
    const std::vector<std::string> fileNames = uniqueFileNames(allNames);
    auto fileNameOf = [&](const experiment::Track& t) {
        return fileNames[std::size_t(std::find(allNames.begin(), allNames.end(), t.name) - allNames.begin())];
    };
    auto resultPath = [&](const Job& job, const experiment::Track& t) {
        return policy.inside(policy.inside(job.folder, subset), fileNameOf(t) + ".json");
    };

    std::vector<experiment::Track> todo;
    int skipped = 0;
    for (const auto& t : mine) {
        bool pending = false;
        for (const auto& job : work) pending = pending || p.isSet("force") || !QFileInfo::exists(QString::fromStdString(resultPath(job, t)));
        if (pending) todo.push_back(t);
        else ++skipped;
    }
    std::printf("%s: %zu of %zu tracks, %d done already, %zu to run\n", qPrintable(origin), mine.size(), all.size(), skipped, todo.size());
    std::fflush(stdout);

    int failed = 0, done = 0;
    if (jobs > 1 && todo.size() > 1) {
        // One child process per track: the same command for that track only, one thread.
        QStringList base;
        for (int i = 1; i < args.size(); ++i) {
            const QString& a = args[i];
            if (a == "--jobs" || a == "--shard" || a == "--threads" || a == "--track") {
                ++i;
                continue;
            }
            if (a.startsWith("--jobs=") || a.startsWith("--shard=") || a.startsWith("--threads=") || a.startsWith("--track=")) continue;
            base << a;
        }
        std::size_t next = 0;
        std::vector<std::unique_ptr<QProcess>> running;
        while (next < todo.size() || !running.empty()) {
            while (running.size() < std::size_t(jobs) && next < todo.size()) {
                auto child = std::make_unique<QProcess>();
                child->setProcessChannelMode(QProcess::ForwardedChannels);
                child->start(QCoreApplication::applicationFilePath(),
                             QStringList{"batch"} + base + QStringList{"--track", QString::fromStdString(todo[next].name), "--threads", "1"});
                ++next;
                running.push_back(std::move(child));
            }
            for (auto it = running.begin(); it != running.end();) {
                if ((*it)->waitForFinished(50)) {
                    ((*it)->exitStatus() == QProcess::NormalExit && (*it)->exitCode() == 0) ? ++done : ++failed;
                    it = running.erase(it);
                } else {
                    ++it;
                }
            }
        }
    } else {
        for (const auto& t : todo) {
            bool ok = true;
            for (const auto& job : work) {
                const std::string result = resultPath(job, t);
                if (!p.isSet("force") && QFileInfo::exists(QString::fromStdString(result))) continue;
                const std::string errorFile = policy.inside(job.folder, fileNameOf(t) + ".error.json");
                std::printf("%s (%s) ...\n", t.name.c_str(), job.run.algorithm.c_str());
                std::fflush(stdout);
                try {
                    if (!QDir().mkpath(QString::fromStdString(policy.inside(job.folder, subset))))
                        throw InputError("cannot create " + policy.inside(job.folder, subset));
                    policy.check(result, "the track result");
                    const experiment::TrackEvaluation evaluation = experiment::evaluateTrack(t, job.run, eval);
                    if (p.isSet("save-estimates")) {
                        const std::string folder = policy.inside(policy.inside(policy.inside(job.folder, "estimates"), subset), fileNameOf(t));
                        QDir().mkpath(QString::fromStdString(folder));
                        const auto names = uniqueFileNames(t.targets);
                        for (std::size_t j = 0; j < names.size(); ++j) {
                            const std::string path = policy.inside(folder, names[j] + ".wav");
                            OutputPolicy estimatePolicy = policy;
                            estimatePolicy.setOverwrite(true);  // estimates of an earlier attempt are replaced with the result
                            estimatePolicy.check(path, "an estimate");
                            writeAudio(path, evaluation.estimates[j], SampleFormat::Float32);
                        }
                    }
                    writeFileAtomically(result, evaluation.json);
                    QFile::remove(QString::fromStdString(errorFile));
                } catch (const std::exception& e) {
                    ok = false;
                    std::fprintf(stderr, "phaselab-cli batch: track '%s' failed: %s\n", t.name.c_str(), e.what());
                    const QJsonObject error{{"track", QString::fromStdString(t.name)}, {"error", QString::fromUtf8(e.what())}};
                    OutputPolicy errorPolicy = policy;
                    errorPolicy.setOverwrite(true);  // an error report of an earlier attempt is replaced
                    QDir().mkpath(QString::fromStdString(job.folder));
                    if (errorPolicy.problem(errorFile).empty())
                        writeFileAtomically(errorFile, QJsonDocument(error).toJson().toStdString());
                }
            }
            ok ? ++done : ++failed;
        }
    }
    std::printf("%d tracks run, %d done already, %d failed (%zu tracks in the dataset)\n", done, skipped, failed, all.size());
    return failed > 0 ? ExitFailed : ExitOk;
}

namespace {

// Method folders under `path` for a subset: the path itself when it holds <subset>/, else each child
// folder that does (several runs of one batch, or several methods side by side).
std::vector<QString> methodFolders(const QString& path, const QString& subset) {
    if (QDir(path).exists(subset)) return {path};
    std::vector<QString> out;
    for (const QFileInfo& child : QDir(path).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
        if (QDir(child.filePath()).exists(subset)) out.push_back(child.filePath());
    return out;
}

QJsonObject summaryJson(const std::vector<experiment::AggregateRow>& rows, const QString& subset) {
    QJsonArray list;
    for (const auto& r : rows)
        list.append(QJsonObject{{"method", QString::fromStdString(r.method)}, {"target", QString::fromStdString(r.target)},
                                {"metric", QString::fromStdString(r.metric)}, {"median", r.median}, {"mean", r.mean},
                                {"tracks", r.tracks}});
    return QJsonObject{{"format", "phaselab-summary"}, {"subset", subset},
                       {"aggregate", "median over frames per track, then median (and mean) over tracks"}, {"rows", list}};
}

}  // namespace

int runSummarise(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(
        "Aggregate per-track results in museval's format (OUTDIR/<subset>/<track>.json, as `phaselab-cli batch`\n"
        "and museval write them) the way MUSDB18 results are published: the median over frames of each track\n"
        "(NaN frames ignored), then the median over tracks (and the mean), per method, target and metric.\n"
        "Each OUTDIR is a method (named after its folder), or a folder of methods (one subfolder each).\n"
        "--compare SUMMARY.json prints this summary minus another one (a --json of this command).");
    p.addPositionalArgument("OUTDIR", "Result folders.", "OUTDIR...");
    p.addOption({"subset", "Subset folder of the results.", "NAME", "test"});
    p.addOption({"csv", "Also write the table as CSV.", "FILE"});
    p.addOption({"json", "Also write the summary as JSON (for --compare and merging scripts).", "FILE"});
    p.addOption({"compare", "A summary JSON to compare with.", "FILE"});
    addForceOption(p);
    if (!parse(p, args, 1, 1000)) return ExitOk;
    const QString subset = p.value("subset");
    OutputPolicy policy = outputPolicy(p);
    std::map<std::string, std::vector<experiment::TrackScores>> methods;
    int files = 0;
    for (const QString& out : p.positionalArguments()) {
        const auto folders = methodFolders(out, subset);
        if (folders.empty()) throw InputError("no " + toStd(subset) + "/ folder of track results in " + toStd(out));
        for (const QString& folder : folders) {
            const std::string method = toStd(QFileInfo(folder).fileName());
            QDirIterator it(folder + "/" + subset, {"*.json"}, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString path = it.next();
                policy.addInput(toStd(path));
                QFile f(path);
                if (!f.open(QIODevice::ReadOnly)) throw InputError("cannot read " + toStd(path));
                methods[method].push_back(experiment::parseTrackJson(f.readAll().toStdString(), toStd(QFileInfo(path).completeBaseName())));
                ++files;
            }
        }
    }
    if (files == 0) throw InputError("no track results (" + toStd(subset) + "/*.json) in the given folders");
    for (const char* option : {"csv", "json"})
        if (p.isSet(option)) policy.check(toStd(p.value(option)), "the summary");
    const auto rows = experiment::aggregate(methods);
    std::printf("%d track results, %zu method(s); median over frames, then over tracks\n", files, methods.size());
    std::printf("%-24s %-14s %-6s %9s %9s %7s\n", "method", "target", "metric", "median", "mean", "tracks");
    for (const auto& r : rows)
        std::printf("%-24s %-14s %-6s %9.3f %9.3f %7d\n", r.method.c_str(), r.target.c_str(), r.metric.c_str(), r.median, r.mean, r.tracks);
    if (p.isSet("csv")) {
        QString text;
        QTextStream s(&text);
        s << "method,target,metric,median,mean,tracks\n";
        for (const auto& r : rows)
            s << QString::fromStdString(r.method) << "," << QString::fromStdString(r.target) << "," << QString::fromStdString(r.metric)
              << "," << QString::number(r.median, 'f', 6) << "," << QString::number(r.mean, 'f', 6) << "," << r.tracks << "\n";
        s.flush();
        writeFileAtomically(toStd(p.value("csv")), text.toStdString());
    }
    if (p.isSet("json")) writeFileAtomically(toStd(p.value("json")), QJsonDocument(summaryJson(rows, subset)).toJson().toStdString());
    if (p.isSet("compare")) {
        QFile f(p.value("compare"));
        if (!f.open(QIODevice::ReadOnly)) throw InputError("cannot read " + toStd(p.value("compare")));
        const QJsonObject other = QJsonDocument::fromJson(f.readAll()).object();
        if (other["format"].toString() != "phaselab-summary")
            throw InputError(toStd(p.value("compare")) + " is not a summary written by `phaselab-cli summarise --json`");
        std::map<std::tuple<std::string, std::string, std::string>, double> theirs;
        std::set<std::string> theirMethods;
        for (const auto& v : other["rows"].toArray()) {
            const QJsonObject r = v.toObject();
            theirs[{toStd(r["method"].toString()), toStd(r["target"].toString()), toStd(r["metric"].toString())}] = r["median"].toDouble();
            theirMethods.insert(toStd(r["method"].toString()));
        }
        // A summary of one method is compared with every method of this one, whatever the folder names.
        const bool single = theirMethods.size() == 1;
        std::printf("\ncompared with %s (this minus that, medians)\n", qPrintable(p.value("compare")));
        int matched = 0;
        for (const auto& r : rows) {
            const std::string method = single ? *theirMethods.begin() : r.method;
            const auto it = theirs.find({method, r.target, r.metric});
            if (it == theirs.end()) continue;
            ++matched;
            std::printf("%-24s %-14s %-6s %+9.3f  (%.3f vs %.3f)\n", r.method.c_str(), r.target.c_str(), r.metric.c_str(),
                        r.median - it->second, r.median, it->second);
        }
        if (matched == 0) throw InputError("the two summaries share no method, target and metric");
    }
    return ExitOk;
}

}  // namespace phaselab::cli
