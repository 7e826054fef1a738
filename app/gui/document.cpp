#include "app/gui/document.h"

#include <QFileInfo>

namespace phaselab {

Document::Content Document::load(const QString& path, const QStringList& referencePaths) {
    Content c;
    c.path = path;
    c.mixture = std::make_shared<const Audio>(readAudio(path.toStdString()));
    for (const QString& ref : referencePaths) {
        Audio a = readAudio(ref.toStdString());
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
