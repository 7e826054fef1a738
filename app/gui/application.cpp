#include "app/gui/application.h"

#include <cstdio>
#include <exception>

#include "app/gui/main_window.h"
#include "widgets/audio_view.h"

namespace phaselab {

Application::Application(int& argc, char** argv) : QApplication(argc, argv) {}

bool Application::notify(QObject* receiver, QEvent* event) {
    try {
        return QApplication::notify(receiver, event);
    } catch (const std::exception& e) {
        report(QString::fromUtf8(e.what()));
    } catch (...) {
        report(tr("unknown error"));
    }
    return false;
}

void Application::report(const QString& what) {
    ++escaped_;
    std::fprintf(stderr, "phaselab: unexpected error (the action was stopped, nothing else changed): %s\n", qPrintable(what));
    if (reporter_) {
        reporter_(what);
        return;
    }
    MainWindow* window = qobject_cast<MainWindow*>(activeWindow());
    if (!window)
        for (QWidget* w : topLevelWidgets())
            if ((window = qobject_cast<MainWindow*>(w))) break;
    if (window)
        window->audioView()->showMessage(tr("That action failed and was stopped; your work is unchanged. (%1)").arg(what),
                                         AudioView::MessageKind::Error);
}

}  // namespace phaselab
