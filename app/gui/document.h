#pragma once
// The open document: the mixture being analysed, its reference sources (true stems, for oracle
// experiments and metrics) and, later, the runs made on it. Owned by the main window; panels
// read it and listen to changed(). Audio buffers are shared, immutable, and may be handed to
// worker threads.

#include <QObject>
#include <QStringList>
#include <memory>

#include "core/io/audio.h"

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

    void setContent(Content content);
    void clear();

    bool isEmpty() const { return !content_.mixture; }
    QString path() const { return content_.path; }
    QString displayName() const;  // file name, or "untitled"
    std::shared_ptr<const Audio> mixture() const { return content_.mixture; }
    const QList<NamedAudio>& references() const { return content_.references; }

signals:
    void changed();

private:
    Content content_;
};

}  // namespace phaselab
