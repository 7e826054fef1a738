#include "app/gui/document.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "core/common/error.h"

namespace phaselab {
namespace {

// Paths are stored relative to the experiment file, whatever the working directory was when the
// file was opened, so the experiment reopens from anywhere.
experiment::InputFile input(const QString& name, const QString& path, const QDir& base) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    return {name.toStdString(), base.relativeFilePath(absolute).toStdString(), experiment::checksum(absolute.toStdString())};
}

}  // namespace

Document::Content Document::load(const QString& path, const QStringList& referencePaths, bool allowTruncated) {
    Content c;
    c.path = path;
    ReadOptions options;
    options.allowTruncated = allowTruncated;
    auto read = [&](const QString& file) {
        ReadReport report;
        Audio a = readAudio(file.toStdString(), options, &report);
        if (report.truncated) c.warnings << QString::fromStdString(report.warning);
        return a;
    };
    c.mixture = std::make_shared<const Audio>(read(path));
    for (const QString& ref : referencePaths) {
        Audio a = read(ref);
        if (a.sampleRate != c.mixture->sampleRate) a = resample(a, c.mixture->sampleRate);
        c.references.append({QFileInfo(ref).completeBaseName(), ref, std::make_shared<const Audio>(std::move(a))});
    }
    return c;
}

void Document::setContent(Content content) {
    content_ = std::move(content);
    recoveryRuns_.clear();
    separationRuns_.clear();
    listeningResults_.clear();
    viewSettings_.clear();
    setModified(false);
    emit changed();
}

void Document::clear() { setContent({}); }

QString Document::displayName() const { return content_.path.isEmpty() ? tr("untitled") : QFileInfo(content_.path).fileName(); }

QStringList Document::inputPaths() const {
    QStringList paths;
    if (!content_.path.isEmpty()) paths << content_.path;
    for (const NamedAudio& r : content_.references) paths << r.path;
    return paths;
}

bool Document::addRecoveryRun(RecoveryRun run) {
    if (!content_.mixture || run.input != content_.mixture) return false;
    recoveryRuns_.push_back(std::move(run));
    setModified(true);
    emit runsChanged();
    return true;
}

bool Document::addSeparationRun(SeparationRun run) {
    if (!content_.mixture || run.mixture != content_.mixture) return false;
    separationRuns_.push_back(std::move(run));
    setModified(true);
    emit runsChanged();
    return true;
}

void Document::addListeningResult(const QString& json) {
    listeningResults_ << json;
    setModified(true);
}

void Document::setModified(bool modified) {
    if (modified == modified_) return;
    modified_ = modified;
    emit modifiedChanged(modified);
}

experiment::Experiment Document::experiment(const QString& experimentFolder, const QString& viewJson) const {
    if (isEmpty()) throw InputError("nothing to save: open a mixture first");
    if (!hasRuns() && listeningResults_.isEmpty()) throw InputError("nothing to save: make a run first");
    const QDir base(experimentFolder);
    experiment::Experiment e;
    e.mixture = input(QFileInfo(content_.path).completeBaseName(), content_.path, base);
    for (const NamedAudio& r : content_.references) e.references.push_back(input(r.name, r.path, base));
    for (const SeparationRun& r : separationRuns_) {
        experiment::RunSpec s;
        s.algorithm = r.methodId.toStdString();
        s.magnitudes = r.magnitudes == "mixture" ? "oracle" : r.magnitudes.toStdString();
        s.parameters = r.parameters;
        s.stft = r.config;
        s.channels = r.channelHandling == "per-channel" || r.channelHandling == "joint" ? r.channelHandling.toStdString() : "mono-downmix";
        if (!r.sdr.empty()) s.metrics = {{"sdr", r.sdr}, {"sir", r.sir}, {"sar", r.sar}};
        if (!r.isr.empty()) s.metrics["isr"] = r.isr;
        e.runs.push_back(std::move(s));
    }
    for (const RecoveryRun& r : recoveryRuns_) {
        experiment::RunSpec s;
        s.kind = "recovery";
        s.channels = "per-channel";  // the recovery panel works channel by channel
        s.algorithm = r.algorithmId.toStdString();
        s.parameters = r.parameters;
        s.stft = r.config;
        s.metrics = {{"spectral_convergence_db", {r.result.spectralConvergenceDb}}, {"snr_db", {r.snrDb}}};
        e.runs.push_back(std::move(s));
    }
    if (!listeningResults_.isEmpty()) {
        QJsonArray list;
        for (const QString& r : listeningResults_) list.append(QJsonDocument::fromJson(r.toUtf8()).object());
        e.listeningJson = QJsonDocument(list).toJson(QJsonDocument::Compact).toStdString();
    }
    e.viewJson = viewJson.toStdString();
    return e;
}

void Document::restoreRecords(const experiment::Experiment& e) {
    listeningResults_.clear();
    if (!e.listeningJson.empty())
        for (const QJsonValue& v : QJsonDocument::fromJson(QByteArray::fromStdString(e.listeningJson)).array())
            listeningResults_ << QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    viewSettings_ = QString::fromStdString(e.viewJson);
}

}  // namespace phaselab
