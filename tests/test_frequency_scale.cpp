#include <QtTest>

#include "core/common/error.h"
#include "core/tf/frequency_scale.h"

using namespace phaselab;

class TestFrequencyScale : public QObject {
    Q_OBJECT
private slots:
    void positionsInvert() {
        for (auto s : {FrequencyScale::Linear, FrequencyScale::Log, FrequencyScale::Mel}) {
            const FrequencyAxis axis{s, 0, 8000};
            QVERIFY(std::abs(axis.toPosition(axis.lowHz())) < 1e-12);
            QVERIFY(std::abs(axis.toPosition(8000) - 1) < 1e-12);
            for (double p : {0.1, 0.37, 0.5, 0.93}) QVERIFY(std::abs(axis.toPosition(axis.toHz(p)) - p) < 1e-9);
        }
        const FrequencyAxis log{FrequencyScale::Log, 0, 20000};
        QCOMPARE(log.lowHz(), 20.0);
        QVERIFY(std::abs(log.toPosition(std::sqrt(20.0 * 20000.0)) - 0.5) < 1e-12);
        QVERIFY(std::abs(hzToMel(1000) - 1000) < 0.1);  // HTK mel: 1000 Hz ~ 1000 mel
        QVERIFY(std::abs(melToHz(hzToMel(3210)) - 3210) < 1e-9);
    }
    void noteNames() {
        double cents = 99;
        QCOMPARE(QString::fromStdString(noteName(440.0, &cents)), QString("A4"));
        QVERIFY(std::abs(cents) < 1e-9);
        QCOMPARE(QString::fromStdString(noteName(261.63)), QString("C4"));
        QCOMPARE(QString::fromStdString(noteName(466.16)), QString("A#4"));
        QCOMPARE(QString::fromStdString(noteName(27.5)), QString("A0"));
        noteName(452.0, &cents);  // 46.58 cents above A4
        QVERIFY(std::abs(cents - 46.58) < 0.01);
        QCOMPARE(QString::fromStdString(noteName(10.0)), QString());
        QVERIFY_THROWS_EXCEPTION(InputError, scaleFromName("bark"));
    }
};

QTEST_GUILESS_MAIN(TestFrequencyScale)
#include "test_frequency_scale.moc"
