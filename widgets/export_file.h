#pragma once
// Exports from the GUI follow core's output policy (core/io/output_policy.h): the file dialog asks
// before replacing a file, the open document's own files (its mixture and references) are never
// replaced, and every write is atomic.
//
// The application names the document's files on its window with setProtectedInputs(); every
// export dialog of a widget inside that window then refuses them. GUI thread only.

#include <QString>
#include <QStringList>

class QImage;
class QWidget;

namespace phaselab {

void setProtectedInputs(QWidget* window, const QStringList& paths);
QStringList protectedInputs(const QWidget* widget);  // of the widget's window

// A save dialog that refuses the document's inputs (it says why and asks again); "" if cancelled.
QString askExportPath(QWidget* parent, const QString& title, const QString& suggestion, const QString& filter);

// PNG written atomically (temporary file, then rename). InputError on failure.
void writePng(const QImage& image, const QString& path);

}  // namespace phaselab
