#pragma once
// The GUI's QApplication with a last-resort guard: an exception that escapes an event handler
// (a slot, a paint, a timer) is reported in the active window's message banner and on stderr
// instead of reaching std::terminate, and the event is dropped. Every action is expected to catch
// its own errors and leave the document as it was; this guard only keeps a mistake from losing
// the session. GUI thread only.

#include <QApplication>
#include <functional>

namespace phaselab {

class Application : public QApplication {
    Q_OBJECT
public:
    Application(int& argc, char** argv);
    bool notify(QObject* receiver, QEvent* event) override;

    // How many exceptions the guard has caught (tests assert it stays 0 where nothing should escape).
    int escapedExceptions() const { return escaped_; }
    // Replaces the default report (banner of the active MainWindow, and stderr).
    void setReporter(std::function<void(const QString&)> reporter) { reporter_ = std::move(reporter); }

private:
    void report(const QString& what);
    int escaped_ = 0;
    std::function<void(const QString&)> reporter_;
};

}  // namespace phaselab
