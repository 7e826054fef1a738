#pragma once
// The open document, the one owner of a window's session: the mixture being analysed, its
// reference sources (true stems, for oracle experiments and metrics), every run made on them
// (phase recovery and separation, with their signals and figures), the results of listening tests
// and the view settings. Panels are views of it: they list what it holds and hand it what they
// compute. Replacing the content (open a file, the demo, an experiment) clears all of it, so
// nothing of another document can be listed, shown, played, charted or saved.
//
// An experiment file (core/experiment) serialises it: experiment() gives the record, with every
// path relative to the experiment's folder. isModified() says whether runs or listening results
// were made since the last save (the window asks before discarding them).
// GUI-thread object; audio buffers are shared, immutable, and may be handed to worker threads.

#include <QObject>
#include <QStringList>
#include <memory>
#include <vector>

#include "core/experiment/experiment.h"
#include "core/io/audio.h"
#include "widgets/recovery_panel.h"
#include "widgets/separation_panel.h"

namespace phaselab {

struct NamedAudio {
    QString name;  // "piano"
    QString path;
    std::shared_ptr<const Audio> audio;
};

class Document : public QObject {
    Q_OBJECT
public:
    explicit Document(QObject* parent = nullptr) : QObject(parent) {}

    // What a load produces (built on a worker thread by load()).
    struct Content {
        QString path;
        std::shared_ptr<const Audio> mixture;
        QList<NamedAudio> references;
        QStringList warnings;  // e.g. what was decoded of a truncated file opened anyway
    };
    // Reads the mixture and the references (resampled to the mixture's rate when they differ).
    // Throws InputError (from core) with a message naming the file and the problem;
    // TruncatedAudioError for a truncated or damaged file unless allowTruncated.
    static Content load(const QString& path, const QStringList& referencePaths = {}, bool allowTruncated = false);

    // Replaces everything: content, runs, listening results, view settings; not modified after.
    void setContent(Content content);
    void clear();

    bool isEmpty() const { return !content_.mixture; }
    QString path() const { return content_.path; }
    QString displayName() const;  // file name, or "untitled"
    std::shared_ptr<const Audio> mixture() const { return content_.mixture; }
    const QList<NamedAudio>& references() const { return content_.references; }
    QStringList inputPaths() const;  // the mixture's and the references' files

    const std::vector<RecoveryRun>& recoveryRuns() const { return recoveryRuns_; }
    const std::vector<SeparationRun>& separationRuns() const { return separationRuns_; }
    // A run computed from another mixture than this document's is refused (false).
    bool addRecoveryRun(RecoveryRun run);
    bool addSeparationRun(SeparationRun run);
    bool hasRuns() const { return !recoveryRuns_.empty() || !separationRuns_.empty(); }

    // Results of finished listening tests, each a JSON object (text), in the order made.
    const QStringList& listeningResults() const { return listeningResults_; }
    void addListeningResult(const QString& json);
    // View settings (a JSON object, text) restored from an experiment; the window applies them.
    QString viewSettings() const { return viewSettings_; }
    void setViewSettings(const QString& json) { viewSettings_ = json; }

    bool isModified() const { return modified_; }
    void setModified(bool modified);

    // The experiment record of this document (inputs with checksums, paths relative to
    // `experimentFolder`; every run's specification and figures; listening results; `viewJson`).
    // InputError when there is nothing to save or an input cannot be read.
    experiment::Experiment experiment(const QString& experimentFolder, const QString& viewJson) const;
    // Restores what an experiment holds beyond its runs (listening results, view settings); the
    // runs are re-computed by the window and come back through addRecoveryRun/addSeparationRun.
    void restoreRecords(const experiment::Experiment& e);

signals:
    void changed();          // the content was replaced (and with it everything else)
    void runsChanged();      // a run was added
    void modifiedChanged(bool modified);

private:
    Content content_;
    std::vector<RecoveryRun> recoveryRuns_;
    std::vector<SeparationRun> separationRuns_;
    QStringList listeningResults_;
    QString viewSettings_;
    bool modified_ = false;
};

}  // namespace phaselab
