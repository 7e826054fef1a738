#pragma once
// A parameter form generated from an AlgorithmDescription (core/common/description.h): one row
// per parameter with its label, an editor that enforces the range (spin box with unit suffix,
// combo box for choices, check box for flags) and the parameter's tooltip. Adding an algorithm
// needs no GUI code. GUI-thread widget.

#include <QWidget>
#include <map>

#include "core/common/description.h"

class QFormLayout;

namespace phaselab {

class ParamForm : public QWidget {
    Q_OBJECT
public:
    explicit ParamForm(QWidget* parent = nullptr);

    // Rebuilds the form for `description` with its defaults (nullptr: empty form).
    void setDescription(const AlgorithmDescription* description);
    const AlgorithmDescription* description() const { return description_; }

    // Current values, keyed by ParamSpec::id (always within the ranges).
    ParamValues values() const;
    // Sets the given values (others keep theirs); unknown ids are ignored, out-of-range numbers
    // are clamped by the editors.
    void setValues(const ParamValues& values);
    void resetToDefaults();
    // The editor for a parameter id (for tests and focus), or nullptr.
    QWidget* editor(const std::string& id) const;

signals:
    void valuesChanged();

private:
    const AlgorithmDescription* description_ = nullptr;
    QFormLayout* layout_;
    std::map<std::string, QWidget*> editors_;
};

}  // namespace phaselab
