#include "widgets/selection_editor.h"

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>

#include "widgets/view_manager.h"

namespace phaselab {
namespace {

QDoubleSpinBox* secondsBox(const QString& tip, QWidget* parent) {
    auto* box = new QDoubleSpinBox(parent);
    box->setDecimals(3);
    box->setSuffix(" s");
    box->setRange(0, 0);
    box->setSingleStep(0.01);
    box->setKeyboardTracking(false);
    box->setButtonSymbols(QAbstractSpinBox::NoButtons);
    box->setToolTip(tip);
    box->setMinimumWidth(72);
    return box;
}

}  // namespace

SelectionEditor::SelectionEditor(ViewManager* view, QWidget* parent)
    : QWidget(parent),
      view_(view),
      start_(secondsBox(tr("Selection start (type to move it)"), this)),
      end_(secondsBox(tr("Selection end (type to move it)"), this)),
      length_(secondsBox(tr("Selection length (type to move the end)"), this)),
      band_(new QLabel(this)) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(3);
    layout->addWidget(new QLabel(tr("Selection"), this));
    layout->addWidget(start_);
    layout->addWidget(new QLabel("–", this));
    layout->addWidget(end_);
    layout->addWidget(new QLabel(tr("length"), this));
    layout->addWidget(length_);
    layout->addWidget(band_);
    auto apply = [this](double a, double b) {
        if (syncing_) return;
        if (view_->hasSelectionBand()) view_->setBoxSelection(a, b, view_->selectionLowHz(), view_->selectionHighHz());
        else view_->setSelection(a, b);
    };
    connect(start_, &QDoubleSpinBox::valueChanged, this, [=](double v) { apply(v, std::max(v, end_->value())); });
    connect(end_, &QDoubleSpinBox::valueChanged, this, [=](double v) { apply(std::min(start_->value(), v), v); });
    connect(length_, &QDoubleSpinBox::valueChanged, this, [=](double v) { apply(start_->value(), start_->value() + v); });
    connect(view_, &ViewManager::selectionChanged, this, &SelectionEditor::syncFromView);
    connect(view_, &ViewManager::viewChanged, this, &SelectionEditor::syncFromView);
    syncFromView();
}

void SelectionEditor::syncFromView() {
    syncing_ = true;
    const double d = view_->duration();
    for (QDoubleSpinBox* b : {start_, end_, length_}) b->setRange(0, d);
    start_->setValue(view_->hasSelection() ? view_->selectionStart() : 0);
    end_->setValue(view_->hasSelection() ? view_->selectionEnd() : 0);
    length_->setValue(view_->hasSelection() ? view_->selectionEnd() - view_->selectionStart() : 0);
    band_->setText(view_->hasSelectionBand() ? tr("  %1–%2 Hz").arg(view_->selectionLowHz(), 0, 'f', 0).arg(view_->selectionHighHz(), 0, 'f', 0)
                                             : QString());
    syncing_ = false;
}

}  // namespace phaselab
