#pragma once
// Forms that do not change under the mouse wheel: a wheel turned over a spin box, combo box or
// slider that does not have the keyboard focus scrolls the panel around it instead of changing the
// value (click or Tab into the field first to use the wheel on it). Installed once on the
// application; GUI thread only.

#include <QObject>

namespace phaselab {

class WheelGuard : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    // Installs one guard on the running application (later calls do nothing).
    static void install();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
};

}  // namespace phaselab
