#include "widgets/export_file.h"

#include <QBuffer>
#include <QFileDialog>
#include <QImage>
#include <QMessageBox>
#include <QVariant>
#include <QWidget>

#include "core/common/error.h"
#include "core/io/output_policy.h"

namespace phaselab {
namespace {
constexpr const char* kProperty = "phaselabProtectedInputs";
}

void setProtectedInputs(QWidget* window, const QStringList& paths) { window->setProperty(kProperty, paths); }

QStringList protectedInputs(const QWidget* widget) {
    const QWidget* w = widget ? widget->window() : nullptr;
    return w ? w->property(kProperty).toStringList() : QStringList();
}

QString askExportPath(QWidget* parent, const QString& title, const QString& suggestion, const QString& filter) {
    OutputPolicy policy(true);  // the dialog itself asks before replacing an existing file
    for (const QString& p : protectedInputs(parent)) policy.addInput(p.toStdString());
    QString start = suggestion;
    for (;;) {
        const QString path = QFileDialog::getSaveFileName(parent, title, start, filter);
        if (path.isEmpty()) return {};
        const std::string problem = policy.problem(path.toStdString(), "the export");
        if (problem.empty()) return path;
        QMessageBox::warning(parent, title, QString::fromStdString(problem));
        start = path;
    }
}

void writePng(const QImage& image, const QString& path) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (image.isNull() || !image.save(&buffer, "PNG")) throw InputError("cannot encode the image for '" + path.toStdString() + "'");
    writeFileAtomically(path.toStdString(), bytes.toStdString());
}

}  // namespace phaselab
