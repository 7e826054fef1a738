// Parameter forms generated from descriptions: editors, ranges, defaults, values round trip.
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QSpinBox>
#include <QtTest>

#include "widgets/param_form.h"

using namespace phaselab;

namespace {
AlgorithmDescription sample() {
    AlgorithmDescription d;
    d.id = "demo";
    d.name = "Demo";
    ParamSpec it;
    it.id = "iterations"; it.label = "Iterations"; it.type = ParamSpec::Type::Integer;
    it.defaultValue = 100; it.minimum = 1; it.maximum = 5000; it.tooltip = "How many iterations.";
    ParamSpec mom;
    mom.id = "momentum"; mom.label = "Momentum"; mom.type = ParamSpec::Type::Real;
    mom.defaultValue = 0.99; mom.minimum = 0; mom.maximum = 1; mom.tooltip = "Acceleration.";
    ParamSpec step;
    step.id = "step"; step.label = "Step"; step.type = ParamSpec::Type::Real; step.unit = "dB";
    step.defaultValue = 1e-4; step.minimum = 1e-7; step.maximum = 10; step.logScale = true;
    ParamSpec init;
    init.id = "init"; init.label = "Initial phase"; init.type = ParamSpec::Type::Choice;
    init.choices = {"zero", "random", "pu"}; init.defaultChoice = "random";
    ParamSpec flag;
    flag.id = "fast"; flag.label = "Fast"; flag.type = ParamSpec::Type::Flag; flag.defaultValue = 1;
    d.params = {it, mom, step, init, flag};
    return d;
}
}  // namespace

class TestParamForm : public QObject {
    Q_OBJECT
private slots:
    void editorsFollowTheDescription() {
        const AlgorithmDescription d = sample();
        ParamForm form;
        form.setDescription(&d);
        auto* it = qobject_cast<QSpinBox*>(form.editor("iterations"));
        QVERIFY(it);
        QCOMPARE(it->minimum(), 1);
        QCOMPARE(it->maximum(), 5000);
        QCOMPARE(it->value(), 100);
        QCOMPARE(it->toolTip(), QString("How many iterations."));
        auto* step = qobject_cast<QDoubleSpinBox*>(form.editor("step"));
        QVERIFY(step);
        QCOMPARE(step->suffix(), QString(" dB"));
        QVERIFY(std::abs(step->value() - 1e-4) < 1e-12);  // enough decimals for small defaults
        auto* init = qobject_cast<QComboBox*>(form.editor("init"));
        QCOMPARE(init->count(), 3);
        QCOMPARE(init->currentText(), QString("random"));
        QVERIFY(qobject_cast<QCheckBox*>(form.editor("fast"))->isChecked());
        QVERIFY(!form.editor("nope"));
    }
    void valuesRoundTripAndClamp() {
        const AlgorithmDescription d = sample();
        ParamForm form;
        form.setDescription(&d);
        QSignalSpy changed(&form, &ParamForm::valuesChanged);
        form.setValues({{"iterations", 250.0}, {"momentum", 5.0}, {"init", std::string("pu")}, {"fast", 0.0}});
        QVERIFY(changed.count() >= 3);
        const ParamValues v = form.values();
        QCOMPARE(std::get<double>(v.at("iterations")), 250.0);
        QCOMPARE(std::get<double>(v.at("momentum")), 1.0);  // clamped to the range
        QCOMPARE(std::get<std::string>(v.at("init")), std::string("pu"));
        QCOMPARE(std::get<double>(v.at("fast")), 0.0);
        validateParams(d, v);  // everything the form produces is valid
        form.resetToDefaults();
        QCOMPARE(std::get<double>(form.values().at("iterations")), 100.0);
        form.setDescription(nullptr);
        QVERIFY(form.values().empty());
    }
};

QTEST_MAIN(TestParamForm)
#include "test_widgets_param_form.moc"
