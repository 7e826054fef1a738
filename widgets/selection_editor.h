#pragma once
// The selection's start, end and length in seconds, shown and editable (three spin boxes bound to
// a ViewManager): typing a start or end moves that edge, typing a length moves the end. Empty
// (0 / 0 / 0) without a selection. GUI-thread widget.

#include <QWidget>

class QDoubleSpinBox;
class QLabel;

namespace phaselab {

class ViewManager;

class SelectionEditor : public QWidget {
    Q_OBJECT
public:
    explicit SelectionEditor(ViewManager* view, QWidget* parent = nullptr);
    QDoubleSpinBox* startBox() const { return start_; }
    QDoubleSpinBox* endBox() const { return end_; }
    QDoubleSpinBox* lengthBox() const { return length_; }

private:
    void syncFromView();
    ViewManager* view_;
    QDoubleSpinBox *start_, *end_, *length_;
    QLabel* band_;
    bool syncing_ = false;
};

}  // namespace phaselab
