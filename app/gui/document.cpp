#include "app/gui/document.h"

#include <QFileInfo>

namespace phaselab {

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
    emit changed();
}

void Document::clear() { setContent({}); }

QString Document::displayName() const { return content_.path.isEmpty() ? tr("untitled") : QFileInfo(content_.path).fileName(); }

}  // namespace phaselab
