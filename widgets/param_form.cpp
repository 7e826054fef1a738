#include "widgets/param_form.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>
#include <cmath>

namespace phaselab {
namespace {

QString suffixFor(const ParamSpec& p) { return p.unit.empty() ? QString() : " " + QString::fromStdString(p.unit); }

int decimalsFor(const ParamSpec& p) {
    const double smallest = std::min({std::abs(p.minimum) > 0 ? std::abs(p.minimum) : 1.0,
                                      std::abs(p.defaultValue) > 0 ? std::abs(p.defaultValue) : 1.0, 1.0});
    return std::clamp(int(std::ceil(-std::log10(smallest))) + 2, 2, 10);
}

}  // namespace

ParamForm::ParamForm(QWidget* parent) : QWidget(parent), layout_(new QFormLayout(this)) {
    layout_->setContentsMargins(0, 0, 0, 0);
    layout_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
}

void ParamForm::setDescription(const AlgorithmDescription* description) {
    while (layout_->rowCount() > 0) layout_->removeRow(0);
    editors_.clear();
    description_ = description;
    if (!description) return;
    for (const ParamSpec& p : description->params) {
        const QString tip = QString::fromStdString(p.tooltip);
        QWidget* editor = nullptr;
        switch (p.type) {
            case ParamSpec::Type::Integer: {
                auto* s = new QSpinBox(this);
                s->setRange(int(std::max(p.minimum, -2e9)), int(std::min(p.maximum, 2e9)));
                s->setValue(int(p.defaultValue));
                s->setSuffix(suffixFor(p));
                connect(s, &QSpinBox::valueChanged, this, &ParamForm::valuesChanged);
                editor = s;
                break;
            }
            case ParamSpec::Type::Real: {
                auto* s = new QDoubleSpinBox(this);
                s->setDecimals(decimalsFor(p));
                s->setRange(p.minimum, p.maximum);
                s->setValue(p.defaultValue);
                s->setSuffix(suffixFor(p));
                if (p.logScale) s->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
                else s->setSingleStep(std::max((p.maximum - p.minimum) / 100.0, std::pow(10.0, -s->decimals())));
                connect(s, &QDoubleSpinBox::valueChanged, this, &ParamForm::valuesChanged);
                editor = s;
                break;
            }
            case ParamSpec::Type::Choice: {
                auto* c = new QComboBox(this);
                for (const auto& choice : p.choices) c->addItem(QString::fromStdString(choice));
                c->setCurrentText(QString::fromStdString(p.defaultChoice));
                connect(c, &QComboBox::currentIndexChanged, this, &ParamForm::valuesChanged);
                editor = c;
                break;
            }
            case ParamSpec::Type::Flag: {
                auto* c = new QCheckBox(this);
                c->setChecked(p.defaultValue != 0);
                connect(c, &QCheckBox::toggled, this, &ParamForm::valuesChanged);
                editor = c;
                break;
            }
        }
        editor->setToolTip(tip);
        editor->setObjectName(QString::fromStdString(p.id));
        auto* label = new QLabel(QString::fromStdString(p.label), this);
        label->setToolTip(tip);
        layout_->addRow(label, editor);
        editors_[p.id] = editor;
    }
}

ParamValues ParamForm::values() const {
    ParamValues v;
    if (!description_) return v;
    for (const ParamSpec& p : description_->params) {
        QWidget* e = editors_.at(p.id);
        switch (p.type) {
            case ParamSpec::Type::Integer: v[p.id] = double(static_cast<QSpinBox*>(e)->value()); break;
            case ParamSpec::Type::Real: v[p.id] = static_cast<QDoubleSpinBox*>(e)->value(); break;
            case ParamSpec::Type::Choice: v[p.id] = static_cast<QComboBox*>(e)->currentText().toStdString(); break;
            case ParamSpec::Type::Flag: v[p.id] = static_cast<QCheckBox*>(e)->isChecked() ? 1.0 : 0.0; break;
        }
    }
    return v;
}

void ParamForm::setValues(const ParamValues& values) {
    if (!description_) return;
    for (const ParamSpec& p : description_->params) {
        auto it = values.find(p.id);
        if (it == values.end()) continue;
        QWidget* e = editors_.at(p.id);
        if (p.type == ParamSpec::Type::Choice) {
            if (const auto* s = std::get_if<std::string>(&it->second)) static_cast<QComboBox*>(e)->setCurrentText(QString::fromStdString(*s));
            continue;
        }
        const auto* x = std::get_if<double>(&it->second);
        if (!x) continue;
        if (p.type == ParamSpec::Type::Integer) static_cast<QSpinBox*>(e)->setValue(int(std::lround(*x)));
        else if (p.type == ParamSpec::Type::Real) static_cast<QDoubleSpinBox*>(e)->setValue(*x);
        else static_cast<QCheckBox*>(e)->setChecked(*x != 0);
    }
}

void ParamForm::resetToDefaults() { setDescription(description_); }

QWidget* ParamForm::editor(const std::string& id) const {
    auto it = editors_.find(id);
    return it == editors_.end() ? nullptr : it->second;
}

}  // namespace phaselab
