#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTextStream>
#include <cstdio>

#include "cli_common.h"
#include "core/experiment/experiment.h"

namespace phaselab::cli {

int runBatch(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(
        "Run a batch manifest over a folder of tracks (musdb-like: one folder per track with the mixture and its\n"
        "sources). --shard I/N takes every N-th track starting at the I-th (1-based), so N independent jobs (a\n"
        "Slurm --array, GNU parallel) cover all tracks. Each track's metrics go to OUTDIR/<track>.json; merge\n"
        "them with `phaselab-cli summarise OUTDIR`.");
    p.addPositionalArgument("MANIFEST", "Batch manifest (JSON).");
    p.addOption({{"o", "output"}, "Output directory for the per-track results.", "OUTDIR"});
    p.addOption({"shard", "This job's share, I/N (default 1/1: every track).", "I/N", "1/1"});
    addForceOption(p);
    if (!parse(p, args, 1, 1)) return ExitOk;
    if (!p.isSet("output")) throw UsageError("missing -o OUTDIR");
    const QStringList shard = p.value("shard").split('/');
    bool okI = false, okN = false;
    const int i = shard.size() == 2 ? shard[0].toInt(&okI) : 0, n = shard.size() == 2 ? shard[1].toInt(&okN) : 0;
    if (!okI || !okN || n < 1 || i < 1 || i > n) throw UsageError("--shard must be I/N with 1 <= I <= N, got '" + toStd(p.value("shard")) + "'");

    const std::string manifestPath = toStd(p.positionalArguments().at(0));
    const experiment::Manifest m = experiment::readManifest(manifestPath);
    const auto all = experiment::tracks(m);
    if (all.empty()) throw InputError("no track folder under '" + m.root + "' holds " + m.mixture);
    const std::string outDir = toStd(p.value("output"));
    if (!QDir().mkpath(QString::fromStdString(outDir))) throw InputError("cannot create " + outDir);
    OutputPolicy policy = outputPolicy(p);
    policy.addInput(manifestPath);
    const std::vector<std::string> names = uniqueFileNames(all);
    int done = 0, failed = 0, mine = 0;
    for (std::size_t k = std::size_t(i - 1); k < all.size(); k += std::size_t(n)) {
        ++mine;
        const std::string result = policy.inside(outDir, names[k] + ".json");
        const std::string errorFile = policy.inside(outDir, names[k] + ".error.json");
        if (!p.isSet("force") && QFileInfo::exists(QString::fromStdString(result))) {
            std::printf("%s: done already (%s)\n", all[k].c_str(), result.c_str());
            continue;
        }
        std::printf("%s ...\n", all[k].c_str());
        std::fflush(stdout);
        OutputPolicy trackPolicy = policy;
        trackPolicy.addInput(m.root + "/" + all[k] + "/" + m.mixture);
        for (const auto& source : m.sources) trackPolicy.addInput(m.root + "/" + all[k] + "/" + source);
        try {
            trackPolicy.check(result, "the track result");
            writeFileAtomically(result, experiment::runTrack(m, all[k]));
            QFile::remove(QString::fromStdString(errorFile));
            ++done;
        } catch (const std::exception& e) {
            ++failed;
            std::fprintf(stderr, "phaselab-cli batch: track '%s' failed: %s\n", all[k].c_str(), e.what());
            const QJsonObject error{{"track", QString::fromStdString(all[k])}, {"error", QString::fromUtf8(e.what())}};
            trackPolicy.setOverwrite(true);  // an error report of an earlier attempt is replaced
            if (trackPolicy.problem(errorFile).empty())
                writeFileAtomically(errorFile, QJsonDocument(error).toJson().toStdString());
        }
    }
    std::printf("shard %d/%d: %d of %d tracks run, %d failed (%zu tracks in all)\n", i, n, done, mine, failed, all.size());
    return failed > 0 ? ExitFailed : ExitOk;
}

int runSummarise(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription("Merge the per-track results of `phaselab-cli batch` into one table: the median over\n"
                                "tracks of every figure, per run and source.");
    p.addPositionalArgument("OUTDIR", "The folder given to batch -o.");
    p.addOption({"csv", "Also write the table as CSV.", "FILE"});
    addForceOption(p);
    if (!parse(p, args, 1, 1)) return ExitOk;
    std::vector<std::string> results;
    OutputPolicy policy = outputPolicy(p);
    QDirIterator it(p.positionalArguments().at(0), {"*.json"}, QDir::Files);
    while (it.hasNext()) {
        const QString path = it.next();
        if (path.endsWith(".error.json")) continue;
        policy.addInput(toStd(path));
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) throw InputError("cannot read " + toStd(f.fileName()));
        results.push_back(f.readAll().toStdString());
    }
    if (results.empty()) throw InputError("no track results (*.json) in " + toStd(p.positionalArguments().at(0)));
    if (p.isSet("csv")) policy.check(toStd(p.value("csv")), "the summary table");
    const auto rows = experiment::summarise(results);
    std::printf("%zu tracks\n%-4s %-14s %-14s %-26s %10s %7s\n", results.size(), "run", "algorithm", "output", "figure", "median", "tracks");
    for (const auto& r : rows)
        std::printf("%-4d %-14s %-14s %-26s %10.3f %7d\n", r.run, r.algorithm.c_str(), r.output.c_str(), r.figure.c_str(), r.median, r.tracks);
    if (p.isSet("csv")) {
        QString text;
        QTextStream s(&text);
        s << "run,algorithm,output,figure,median,tracks\n";
        for (const auto& r : rows)
            s << r.run << "," << QString::fromStdString(r.algorithm) << "," << QString::fromStdString(r.output) << ","
              << QString::fromStdString(r.figure) << "," << QString::number(r.median, 'f', 6) << "," << r.tracks << "\n";
        s.flush();
        writeFileAtomically(toStd(p.value("csv")), text.toStdString());
    }
    return ExitOk;
}

}  // namespace phaselab::cli
