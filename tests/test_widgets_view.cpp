// The shared viewport (ViewManager) and the mouse on the panes: click sets the cursor, drag
// selects, shift+click extends, the overview scrolls, the axis wheel zooms frequencies.
#include <QSignalSpy>
#include <QtTest>

#include "widgets/audio_view.h"

using namespace phaselab;

class TestWidgetsView : public QObject {
    Q_OBJECT
private slots:
    void viewManagerClampsAndZooms() {
        ViewManager v;
        v.reset(10.0, 8000);
        QCOMPARE(v.viewStart(), 0.0);
        QCOMPARE(v.viewEnd(), 10.0);
        v.zoomTime(4.0, 5.0);  // keeps t = 5 s where it was (the middle)
        QCOMPARE(v.viewSpan(), 2.5);
        QCOMPARE(v.viewStart(), 3.75);
        v.scrollBy(100);  // clamped at the end
        QCOMPARE(v.viewEnd(), 10.0);
        QCOMPARE(v.viewSpan(), 2.5);
        v.zoomTime(1e9, 9.0);
        QCOMPARE(v.viewSpan(), v.minSpan());
        v.zoomTime(1e-9, 9.0);
        QCOMPARE(v.viewSpan(), 10.0);
        v.setSelection(7, 2);
        QVERIFY(v.hasSelection());
        QCOMPARE(v.selectionStart(), 2.0);
        v.zoomToSelection();
        QCOMPARE(v.viewStart(), 2.0);
        QCOMPARE(v.viewEnd(), 7.0);
        v.ensureVisible(9.5);
        QVERIFY(v.viewStart() <= 9.5 && v.viewEnd() >= 9.5);
        // Frequency axis: vertical zoom around the middle of a linear axis, then back.
        v.zoomFrequency(2.0, 0.5);
        QCOMPARE(v.frequencyAxis().minHz, 2000.0);
        QCOMPARE(v.frequencyAxis().maxHz, 6000.0);
        v.setFrequencyRange(-50, 1e6);
        QCOMPARE(v.frequencyAxis().minHz, 0.0);
        QCOMPARE(v.frequencyAxis().maxHz, 8000.0);
    }

    void mouseSetsCursorAndSelection() {
        AudioView view;
        view.resize(800, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.view()->reset(10.0, 8000);
        WaveformPane* pane = view.waveform();
        const int y = pane->plotRect().center().y();
        QTest::mouseClick(pane, Qt::LeftButton, Qt::NoModifier, QPoint(pane->xAtTime(4.0), y));
        QVERIFY(std::abs(view.view()->cursor() - 4.0) < 0.02);
        QVERIFY(!view.view()->hasSelection());
        // Drag from 2 s to 6 s on the spectrogram selects; the waveform sees the same selection.
        SpectrogramPane* spec = view.spectrogram();
        const int sy = spec->plotRect().center().y();
        QTest::mousePress(spec, Qt::LeftButton, Qt::NoModifier, QPoint(spec->xAtTime(2.0), sy));
        QMouseEvent move(QEvent::MouseMove, QPointF(spec->xAtTime(6.0), sy), spec->mapToGlobal(QPointF(spec->xAtTime(6.0), sy)),
                         Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(spec, &move);
        QTest::mouseRelease(spec, Qt::LeftButton, Qt::NoModifier, QPoint(spec->xAtTime(6.0), sy));
        QVERIFY(view.view()->hasSelection());
        QVERIFY(std::abs(view.view()->selectionStart() - 2.0) < 0.02);
        QVERIFY(std::abs(view.view()->selectionEnd() - 6.0) < 0.02);
        // Shift+click extends from the cursor (4 s) to 8 s.
        QTest::mouseClick(pane, Qt::LeftButton, Qt::ShiftModifier, QPoint(pane->xAtTime(8.0), y));
        QVERIFY(std::abs(view.view()->selectionStart() - 4.0) < 0.02);
        QVERIFY(std::abs(view.view()->selectionEnd() - 8.0) < 0.02);
    }

    void overviewScrollsAndAxisWheelZoomsFrequency() {
        AudioView view;
        view.resize(800, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        ViewManager* v = view.view();
        v->reset(10.0, 8000);
        v->setVisibleRange(0, 2);
        OverviewStrip* overview = view.overview();
        const QRect r = overview->plotRect();
        QTest::mouseClick(overview, Qt::LeftButton, Qt::NoModifier, QPoint(r.left() + int(0.7 * r.width()), r.center().y()));
        QVERIFY(std::abs(0.5 * (v->viewStart() + v->viewEnd()) - 7.0) < 0.05);
        QCOMPARE(v->viewSpan(), 2.0);
        // Wheel over the frequency axis column zooms frequencies, not time.
        SpectrogramPane* spec = view.spectrogram();
        const QPoint at(TimePane::kAxisWidth / 2, spec->plotRect().center().y());
        QWheelEvent wheel(at, spec->mapToGlobal(at), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(spec, &wheel);
        QCOMPARE(v->viewSpan(), 2.0);
        QVERIFY(v->frequencyAxis().maxHz - v->frequencyAxis().minHz < 8000 / 1.2);
    }
};

QTEST_MAIN(TestWidgetsView)
#include "test_widgets_view.moc"
