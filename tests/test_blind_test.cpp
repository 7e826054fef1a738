// Blind tests: reproducible order from the seed, scoring, p-value, confidence intervals, errors.
#include <QtTest>

#include "core/common/error.h"
#include "core/listening/blind_test.h"

using namespace phaselab;

class TestBlindTest : public QObject {
    Q_OBJECT
private slots:
    void abx() {
        listening::AbxTest a("MISI", "Wiener", 10, 42), same("MISI", "Wiener", 10, 42), other("MISI", "Wiener", 10, 43);
        std::vector<int> xa, xs, xo;
        int perfect = 0;
        while (!a.finished()) {
            xa.push_back(a.currentX());
            xs.push_back(same.currentX());
            xo.push_back(other.currentX());
            a.answer(a.currentX() == 0, 1.5);  // a listener who always hears it
            same.answer(true, 1.0);
            other.answer(true, 1.0);
            ++perfect;
        }
        QCOMPARE(xa, xs);  // the seed re-creates the test
        QVERIFY(xa != xo);
        QCOMPARE(a.correct(), 10);
        QVERIFY(std::abs(a.pValue() - std::pow(0.5, 10)) < 1e-12);
        QVERIFY(same.pValue() > 0.05);  // "always A" is guessing
        QVERIFY_THROWS_EXCEPTION(InputError, a.answer(true, 1));
        QVERIFY_THROWS_EXCEPTION(InputError, a.currentX());
        QVERIFY(QString::fromStdString(a.resultsJson()).contains("\"p_value\""));
        QVERIFY_THROWS_EXCEPTION(InputError, listening::AbxTest("a", "b", 0, 1));
    }
    void mushra() {
        listening::MushraTest t({"reference", "MISI", "Wiener", "anchor"}, 3, 7);
        listening::MushraTest again({"reference", "MISI", "Wiener", "anchor"}, 3, 7);
        const std::vector<double> byCondition{100, 80, 60, 20};
        std::vector<double> offsets{0, 2, -2};
        int page = 0;
        while (!t.finished()) {
            std::vector<double> ratings(4);
            for (int s = 0; s < 4; ++s) {
                QCOMPARE(t.conditionAt(s), again.conditionAt(s));
                ratings[std::size_t(s)] = std::clamp(byCondition[std::size_t(t.conditionAt(s))] + offsets[std::size_t(page)], 0.0, 100.0);
            }
            again.submit(ratings, 1);
            t.submit(ratings, 10);
            ++page;
        }
        const auto s = t.summary();
        QCOMPARE(s[1].name, std::string("MISI"));
        QVERIFY(std::abs(s[1].mean - 80) < 1e-12);
        // ratings 80, 82, 78: sd 2, half-width t(2) * 2 / sqrt(3)
        QVERIFY(std::abs(s[1].halfWidth95 - 4.303 * 2 / std::sqrt(3.0)) < 1e-9);
        QVERIFY_THROWS_EXCEPTION(InputError, t.submit({1, 2, 3, 4}, 1));
        listening::MushraTest u({"a", "b"}, 1, 1);
        QVERIFY_THROWS_EXCEPTION(InputError, u.submit({50}, 1));
        QVERIFY_THROWS_EXCEPTION(InputError, u.submit({50, 120}, 1));
        QVERIFY_THROWS_EXCEPTION(InputError, listening::MushraTest({"only"}, 1, 1));
    }
};

QTEST_GUILESS_MAIN(TestBlindTest)
#include "test_blind_test.moc"
