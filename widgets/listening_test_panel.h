#pragma once
// Blind listening tests in the GUI (core/listening/blind_test.h): choose the conditions (the
// mixture, the references, every run's signals), start an ABX test between two of them or a rating
// page over several (hidden reference and anchor included by the user's choice), listen through
// anonymous buttons (A, B, X; 1..N) and answer. Nothing names a condition until the test is over;
// then a summary shows the ratings (mean and 95 % interval) beside the conditions' SDR where known
// — does SDR agree with your ears? — and the results can be saved as JSON. GUI-thread widget.

#include <QElapsedTimer>
#include <QWidget>
#include <cmath>
#include <memory>
#include <vector>

#include "core/io/audio.h"
#include "core/listening/blind_test.h"

class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;
class QSlider;
class QSpinBox;
class QStackedWidget;
class QChartView;

namespace phaselab {

struct ListeningCondition {
    QString name;
    std::shared_ptr<const Audio> audio;
    double sdr = NAN;  // mean SDR of the condition if known (dB)
};

class ListeningTestPanel : public QWidget {
    Q_OBJECT
public:
    explicit ListeningTestPanel(QWidget* parent = nullptr);
    // The conditions offered for the next test; a running test keeps its own copies.
    void setConditions(const std::vector<ListeningCondition>& conditions);
    const std::vector<ListeningCondition>& conditions() const { return conditions_; }

    // Starts a test (also what the Start button does). InputError for an invalid choice.
    void startAbx(int a, int b, int trials, unsigned seed);
    void startRating(const std::vector<int>& conditionIndices, int pages, unsigned seed);

    enum class Stage { Setup, Abx, Rating, Results };
    Stage stage() const { return stage_; }
    // Everything visible to the listener right now (labels, button texts), for checks that the
    // answer is not revealed before the end.
    QString visibleText() const;
    // Answer helpers (the buttons call these).
    void answerAbx(bool xIsA);
    void submitRatings(const std::vector<double>& ratings);
    void play(const QString& which);  // "A", "B", "X" or "1".."N"
    const listening::AbxTest* abx() const { return abx_.get(); }
    const listening::MushraTest* rating() const { return rating_.get(); }
    QString resultsJson() const;
    void saveResults(const QString& path) const;  // atomic; InputError on failure

signals:
    void playRequested(std::shared_ptr<const phaselab::Audio> audio);
    // A test was answered to the end; resultsJson() holds its results.
    void testFinished();

private:
    void refreshSetup();  // the A/B and rating choices from conditions_
    void showPage();
    void showResults();

    std::vector<ListeningCondition> conditions_;
    // Copies of the conditions of the running test: the offered conditions_ may change meanwhile
    // (another file opened, runs added or removed) without touching the test.
    std::vector<ListeningCondition> tested_;
    std::unique_ptr<listening::AbxTest> abx_;
    std::unique_ptr<listening::MushraTest> rating_;
    Stage stage_ = Stage::Setup;
    QElapsedTimer clock_;

    QStackedWidget* stack_;
    QComboBox* kind_;
    QComboBox* a_;
    QComboBox* b_;
    QListWidget* ratingChoice_;
    QSpinBox* trials_;
    QSpinBox* seed_;
    QLabel* abxStatus_;
    QLabel* ratingStatus_;
    QWidget* sliderBox_;
    std::vector<QSlider*> sliders_;
    QLabel* summary_;
    QChartView* chart_;
};

}  // namespace phaselab
