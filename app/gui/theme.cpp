#include "app/gui/theme.h"

#include <QApplication>
#include <QPalette>
#include <QStyleFactory>

namespace phaselab {

void applyTheme(QApplication& app) {
    app.setStyle(QStyleFactory::create("Fusion"));
    QPalette p;
    const QColor window(40, 43, 50), base(30, 32, 38), text(222, 226, 234), accent(83, 155, 245);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, QColor(50, 54, 62));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(50, 54, 62));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Highlight, accent);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, accent);
    p.setColor(QPalette::Mid, QColor(120, 126, 138));
    p.setColor(QPalette::PlaceholderText, QColor(130, 136, 148));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(110, 114, 122));
    app.setPalette(p);
    app.setStyleSheet(
        "QToolBar { background: #2b2f37; border: none; border-bottom: 1px solid #1c1e23; padding: 4px; spacing: 4px; }"
        "QToolButton { padding: 4px 6px; border-radius: 4px; }"
        "QToolButton:hover { background: #3a3f49; }"
        "QToolButton:checked { background: #2f4b73; }"
        "QDockWidget::title { background: #2b2f37; padding: 6px; }"
        "QGroupBox { border: 1px solid #3a3f49; border-radius: 6px; margin-top: 14px; padding-top: 6px; }"
        "QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; color: #9fb3cf; }"
        "QStatusBar { background: #24272d; }"
        "QStatusBar QLabel { padding: 0 8px; }"
        "QSplitter::handle { background: #1c1e23; }");
}

}  // namespace phaselab
