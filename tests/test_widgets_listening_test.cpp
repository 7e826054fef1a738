// ListeningTestPanel: the answer is never visible before the end, playback follows the seeded
// order, results name the conditions and sit beside their SDR.
#include <QTemporaryDir>
#include <QtTest>

#include "core/common/error.h"
#include "core/listening/blind_test.h"
#include "widgets/listening_test_panel.h"
#include "test_support.h"

using namespace phaselab;

namespace {
std::vector<ListeningCondition> conditions() {
    std::vector<ListeningCondition> c;
    int k = 0;
    for (const char* name : {"mixture phase", "MISI", "Wiener"}) {
        ListeningCondition x;
        x.name = name;
        x.audio = std::make_shared<Audio>(Audio::fromMono(test::whiteNoise(1600, unsigned(k + 1)), 16000));
        x.sdr = k == 0 ? NAN : 10.0 + 5 * k;
        c.push_back(x);
        ++k;
    }
    return c;
}
}  // namespace

class TestListeningTest : public QObject {
    Q_OBJECT
private slots:
    void abxHidesTheAnswer() {
        ListeningTestPanel panel;
        panel.resize(560, 420);
        const auto c = conditions();
        panel.setConditions(c);
        QDir().mkpath("screenshots");
        QVERIFY(panel.grab().save("screenshots/listening_setup.png"));
        panel.startAbx(1, 2, 6, 99);
        QCOMPARE(panel.stage(), ListeningTestPanel::Stage::Abx);
        QSignalSpy played(&panel, &ListeningTestPanel::playRequested);
        listening::AbxTest reference("MISI", "Wiener", 6, 99);  // same seed: the same X sequence
        QVERIFY(panel.grab().save("screenshots/listening_abx_trial.png"));
        while (panel.stage() == ListeningTestPanel::Stage::Abx) {
            const QString shown = panel.visibleText();
            QVERIFY2(!shown.contains("MISI") && !shown.contains("Wiener"), qPrintable(shown));
            panel.play("X");
            const auto audio = played.takeLast().at(0).value<std::shared_ptr<const Audio>>();
            QVERIFY(audio == c[std::size_t(reference.currentX() == 0 ? 1 : 2)].audio);
            panel.answerAbx(reference.currentX() == 0);
            reference.answer(true, 0);
        }
        QCOMPARE(panel.stage(), ListeningTestPanel::Stage::Results);
        QCOMPARE(panel.abx()->correct(), 6);
        QVERIFY(panel.visibleText().contains("MISI"));
        QVERIFY(panel.resultsJson().contains("\"seed\": 99"));
        QTemporaryDir dir;
        panel.saveResults(dir.filePath("r.json"));
        QVERIFY(QFile::exists(dir.filePath("r.json")));
    }
    void ratingPage() {
        ListeningTestPanel panel;
        panel.resize(560, 420);
        panel.setConditions(conditions());
        panel.startRating({0, 1, 2}, 2, 5);
        QSignalSpy played(&panel, &ListeningTestPanel::playRequested);
        QVERIFY(panel.grab().save("screenshots/listening_rating_page.png"));
        for (int page = 0; page < 2; ++page) {
            const QString shown = panel.visibleText();
            QVERIFY2(!shown.contains("MISI") && !shown.contains("Wiener") && !shown.contains("mixture"), qPrintable(shown));
            panel.play("1");
            QCOMPARE(played.count(), page + 1);
            // Rate by condition: mixture phase 20, MISI 90, Wiener 60.
            std::vector<double> r(3);
            for (int slot = 0; slot < 3; ++slot) r[std::size_t(slot)] = std::vector<double>{20, 90, 60}[std::size_t(panel.rating()->conditionAt(slot))];
            panel.submitRatings(r);
        }
        QCOMPARE(panel.stage(), ListeningTestPanel::Stage::Results);
        const auto s = panel.rating()->summary();
        QCOMPARE(s[1].mean, 90.0);
        QVERIFY(panel.visibleText().contains("MISI: 90.0"));
        QVERIFY(panel.visibleText().contains("SDR 15.00 dB"));
        QVERIFY(panel.grab().save("screenshots/listening_results.png"));
    }

    // Another file opened (or runs removed) while a test runs: the test keeps playing and naming its
    // own conditions; the new ones are offered once it is over. (The robustness test once indexed
    // the new, shorter list with the running test's indices.)
    void conditionsChangingDuringATest() {
        ListeningTestPanel panel;
        const auto c = conditions();
        panel.setConditions(c);
        panel.startRating({0, 1, 2}, 1, 5);
        panel.setConditions({c[0]});
        QSignalSpy played(&panel, &ListeningTestPanel::playRequested);
        for (int slot = 0; slot < 3; ++slot) {
            panel.play(QString::number(slot + 1));
            const auto audio = played.takeLast().at(0).value<std::shared_ptr<const Audio>>();
            QVERIFY(audio == c[std::size_t(panel.rating()->conditionAt(slot))].audio);
        }
        panel.submitRatings({50, 50, 50});
        QCOMPARE(panel.stage(), ListeningTestPanel::Stage::Results);
        QVERIFY(panel.visibleText().contains("Wiener") && panel.visibleText().contains("SDR 20.00 dB"));
        panel.setConditions({});
        QVERIFY_THROWS_EXCEPTION(InputError, panel.startAbx(0, 1, 4, 1));  // the offered list: empty now
    }
};

QTEST_MAIN(TestListeningTest)
#include "test_widgets_listening_test.moc"
