#include "widgets/listening_test_panel.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChartView>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QStackedWidget>
#include <QValueAxis>
#include <QVBoxLayout>

#include "core/common/error.h"
#include "core/io/output_policy.h"
#include "widgets/export_file.h"

namespace phaselab {

ListeningTestPanel::ListeningTestPanel(QWidget* parent)
    : QWidget(parent),
      stack_(new QStackedWidget(this)),
      kind_(new QComboBox),
      a_(new QComboBox),
      b_(new QComboBox),
      ratingChoice_(new QListWidget),
      trials_(new QSpinBox),
      seed_(new QSpinBox),
      abxStatus_(new QLabel),
      ratingStatus_(new QLabel),
      sliderBox_(new QWidget),
      summary_(new QLabel),
      chart_(new QChartView) {
    // Setup page.
    auto* setup = new QWidget;
    auto* form = new QFormLayout(setup);
    kind_->addItem(tr("ABX: is X the same as A or as B?"), 0);
    kind_->addItem(tr("Rating (MUSHRA-style): rate every condition 0–100"), 1);
    trials_->setRange(1, 100);
    trials_->setValue(10);
    seed_->setRange(0, 999999);
    seed_->setValue(1);
    seed_->setToolTip(tr("The order is drawn from this seed and saved with the results: the same seed re-creates the test"));
    ratingChoice_->setToolTip(tr("Tick the conditions to rate; include the reference (hidden among them) and an anchor such as the "
                                 "mixture-phase estimate"));
    ratingChoice_->setMaximumHeight(140);
    form->addRow(tr("Test"), kind_);
    form->addRow(tr("A"), a_);
    form->addRow(tr("B"), b_);
    form->addRow(tr("Conditions to rate"), ratingChoice_);
    form->addRow(tr("Trials / pages"), trials_);
    form->addRow(tr("Seed"), seed_);
    auto* start = new QPushButton(tr("Start the blind test"));
    form->addRow(start);
    auto updateKind = [this, form] {
        const bool abx = kind_->currentData().toInt() == 0;
        form->setRowVisible(a_, abx);
        form->setRowVisible(b_, abx);
        form->setRowVisible(ratingChoice_, !abx);
    };
    connect(kind_, &QComboBox::currentIndexChanged, this, updateKind);
    updateKind();
    connect(start, &QPushButton::clicked, this, [this] {
        try {
            if (kind_->currentData().toInt() == 0) startAbx(a_->currentIndex(), b_->currentIndex(), trials_->value(), unsigned(seed_->value()));
            else {
                std::vector<int> chosen;
                for (int i = 0; i < ratingChoice_->count(); ++i)
                    if (ratingChoice_->item(i)->checkState() == Qt::Checked) chosen.push_back(i);
                startRating(chosen, trials_->value(), unsigned(seed_->value()));
            }
        } catch (const std::exception& e) {
            QMessageBox::warning(this, tr("Cannot start the test"), QString::fromStdString(e.what()));
        }
    });

    // ABX page.
    auto* abxPage = new QWidget;
    auto* abxLayout = new QVBoxLayout(abxPage);
    auto* playRow = new QHBoxLayout;
    for (const char* w : {"A", "B", "X"}) {
        auto* b = new QPushButton(tr("Play %1").arg(w));
        connect(b, &QPushButton::clicked, this, [this, w] { play(w); });
        playRow->addWidget(b);
    }
    auto* answerRow = new QHBoxLayout;
    auto* isA = new QPushButton(tr("X is A"));
    auto* isB = new QPushButton(tr("X is B"));
    connect(isA, &QPushButton::clicked, this, [this] { answerAbx(true); });
    connect(isB, &QPushButton::clicked, this, [this] { answerAbx(false); });
    answerRow->addWidget(isA);
    answerRow->addWidget(isB);
    abxLayout->addWidget(abxStatus_);
    abxLayout->addLayout(playRow);
    abxLayout->addLayout(answerRow);
    abxLayout->addStretch(1);

    // Rating page.
    auto* ratingPage = new QWidget;
    auto* ratingLayout = new QVBoxLayout(ratingPage);
    auto* submit = new QPushButton(tr("Submit this page"));
    connect(submit, &QPushButton::clicked, this, [this] {
        std::vector<double> r;
        for (auto* s : sliders_) r.push_back(s->value());
        submitRatings(r);
    });
    ratingLayout->addWidget(ratingStatus_);
    ratingLayout->addWidget(sliderBox_);
    ratingLayout->addWidget(submit);
    ratingLayout->addStretch(1);

    // Results page.
    auto* results = new QWidget;
    auto* resultsLayout = new QVBoxLayout(results);
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    chart_->setMinimumHeight(220);
    chart_->setRenderHint(QPainter::Antialiasing);
    auto* save = new QPushButton(tr("Save results…"));
    auto* again = new QPushButton(tr("New test"));
    connect(save, &QPushButton::clicked, this, [this] {
        const QString path = askExportPath(this, tr("Save the results"), "listening_test.json", tr("JSON (*.json)"));
        if (path.isEmpty()) return;
        try {
            saveResults(path);
        } catch (const std::exception& e) {
            QMessageBox::warning(this, tr("Cannot save"), QString::fromStdString(e.what()));
        }
    });
    connect(again, &QPushButton::clicked, this, [this] {
        stage_ = Stage::Setup;
        refreshSetup();  // the conditions offered now
        stack_->setCurrentIndex(0);
    });
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(save);
    buttons->addWidget(again);
    buttons->addStretch(1);
    resultsLayout->addWidget(summary_);
    resultsLayout->addWidget(chart_, 1);
    resultsLayout->addLayout(buttons);

    stack_->addWidget(setup);
    stack_->addWidget(abxPage);
    stack_->addWidget(ratingPage);
    stack_->addWidget(results);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(stack_);
}

void ListeningTestPanel::setConditions(const std::vector<ListeningCondition>& conditions) {
    conditions_ = conditions;
    if (stage_ == Stage::Setup) refreshSetup();
}

void ListeningTestPanel::refreshSetup() {
    a_->clear();
    b_->clear();
    ratingChoice_->clear();
    for (const auto& c : conditions_) {
        a_->addItem(c.name);
        b_->addItem(c.name);
        auto* item = new QListWidgetItem(c.name + (std::isnan(c.sdr) ? QString() : QString("  (SDR %1 dB)").arg(c.sdr, 0, 'f', 1)));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
        ratingChoice_->addItem(item);
    }
    if (b_->count() > 1) b_->setCurrentIndex(1);
}

void ListeningTestPanel::startAbx(int a, int b, int trials, unsigned seed) {
    const int n = int(conditions_.size());
    if (a < 0 || b < 0 || a >= n || b >= n || a == b) throw InputError("choose two different conditions for A and B");
    tested_ = {conditions_[std::size_t(a)], conditions_[std::size_t(b)]};
    rating_.reset();
    abx_ = std::make_unique<listening::AbxTest>(conditions_[std::size_t(a)].name.toStdString(),
                                                conditions_[std::size_t(b)].name.toStdString(), trials, seed);
    stage_ = Stage::Abx;
    showPage();
}

void ListeningTestPanel::startRating(const std::vector<int>& conditionIndices, int pages, unsigned seed) {
    std::vector<std::string> names;
    for (int i : conditionIndices) {
        if (i < 0 || i >= int(conditions_.size())) throw InputError("no such condition");
        names.push_back(conditions_[std::size_t(i)].name.toStdString());
    }
    rating_ = std::make_unique<listening::MushraTest>(names, pages, seed);
    abx_.reset();
    tested_.clear();
    for (int i : conditionIndices) tested_.push_back(conditions_[std::size_t(i)]);
    stage_ = Stage::Rating;
    showPage();
}

void ListeningTestPanel::showPage() {
    clock_.restart();
    if (stage_ == Stage::Abx) {
        if (abx_->finished()) return showResults();
        abxStatus_->setText(tr("Trial %1 of %2. Listen to A, B and X as often as you like, then answer.")
                                .arg(abx_->current() + 1).arg(abx_->trials()));
        stack_->setCurrentIndex(1);
    } else if (stage_ == Stage::Rating) {
        if (rating_->finished()) return showResults();
        ratingStatus_->setText(tr("Page %1 of %2. Rate each sample from 0 (bad) to 100 (excellent, like the reference).")
                                   .arg(rating_->currentPage() + 1).arg(rating_->pages()));
        delete sliderBox_->layout();
        for (auto* w : sliderBox_->findChildren<QWidget*>(QString(), Qt::FindDirectChildrenOnly)) delete w;
        sliders_.clear();
        auto* grid = new QGridLayout(sliderBox_);
        for (int slot = 0; slot < rating_->conditionCount(); ++slot) {
            auto* playButton = new QPushButton(tr("Play %1").arg(slot + 1), sliderBox_);
            auto* slider = new QSlider(Qt::Horizontal, sliderBox_);
            auto* value = new QLabel("50", sliderBox_);
            slider->setRange(0, 100);
            slider->setValue(50);
            connect(slider, &QSlider::valueChanged, value, [value](int v) { value->setNum(v); });
            connect(playButton, &QPushButton::clicked, this, [this, slot] { play(QString::number(slot + 1)); });
            grid->addWidget(playButton, slot, 0);
            grid->addWidget(slider, slot, 1);
            grid->addWidget(value, slot, 2);
            sliders_.push_back(slider);
        }
        stack_->setCurrentIndex(2);
    }
}

void ListeningTestPanel::play(const QString& which) {
    int condition = -1;
    if (stage_ == Stage::Abx && abx_ && !abx_->finished()) {
        if (which == "A") condition = 0;
        else if (which == "B") condition = 1;
        else if (which == "X") condition = abx_->currentX();
    } else if (stage_ == Stage::Rating && rating_ && !rating_->finished()) {
        const int slot = which.toInt() - 1;
        if (slot >= 0 && slot < rating_->conditionCount()) condition = rating_->conditionAt(slot);
    }
    if (condition >= 0 && condition < int(tested_.size())) emit playRequested(tested_[std::size_t(condition)].audio);
}

void ListeningTestPanel::answerAbx(bool xIsA) {
    if (stage_ != Stage::Abx || !abx_ || abx_->finished()) return;
    abx_->answer(xIsA, clock_.elapsed() / 1000.0);
    showPage();
}

void ListeningTestPanel::submitRatings(const std::vector<double>& ratings) {
    if (stage_ != Stage::Rating || !rating_ || rating_->finished()) return;
    rating_->submit(ratings, clock_.elapsed() / 1000.0);
    showPage();
}

void ListeningTestPanel::showResults() {
    stage_ = Stage::Results;
    auto* chart = new QChart;
    chart->legend()->setAlignment(Qt::AlignBottom);
    QString text;
    if (abx_) {
        text = tr("ABX %1 vs %2: %3 of %4 correct, p = %5 (chance: guessing).%6")
                   .arg(tested_[0].name, tested_[1].name)
                   .arg(abx_->correct()).arg(abx_->trials()).arg(abx_->pValue(), 0, 'g', 3)
                   .arg(abx_->pValue() < 0.05 ? tr(" You hear a difference.") : tr(" No reliable difference."));
        chart->setTitle(tr("ABX: correct answers"));
        auto* set = new QBarSet(tr("correct"));
        *set << abx_->correct();
        auto* wrong = new QBarSet(tr("wrong"));
        *wrong << abx_->trials() - abx_->correct();
        auto* series = new QBarSeries;
        series->append(set);
        series->append(wrong);
        chart->addSeries(series);
        chart->createDefaultAxes();
    } else if (rating_) {
        const auto summary = rating_->summary();
        auto* means = new QBarSet(tr("mean rating (0–100)"));
        auto* sdrs = new QBarSet(tr("SDR (dB)"));
        QStringList names;
        text = tr("Ratings (mean ± 95 % interval) and SDR, seed %1:\n").arg(rating_->seed());
        bool anySdr = false;
        for (std::size_t i = 0; i < summary.size(); ++i) {
            const double sdr = i < tested_.size() ? tested_[i].sdr : std::nan("");
            anySdr = anySdr || !std::isnan(sdr);
            *means << summary[i].mean;
            *sdrs << (std::isnan(sdr) ? 0.0 : sdr);
            names << QString::fromStdString(summary[i].name);
            text += QString("  %1: %2 ± %3%4\n")
                        .arg(QString::fromStdString(summary[i].name))
                        .arg(summary[i].mean, 0, 'f', 1)
                        .arg(summary[i].halfWidth95, 0, 'f', 1)
                        .arg(std::isnan(sdr) ? QString() : QString(", SDR %1 dB").arg(sdr, 0, 'f', 2));
        }
        auto* series = new QBarSeries;
        series->append(means);
        if (anySdr) series->append(sdrs);
        chart->addSeries(series);
        auto* x = new QBarCategoryAxis;
        x->append(names);
        auto* y = new QValueAxis;
        y->setRange(0, 100);
        chart->addAxis(x, Qt::AlignBottom);
        chart->addAxis(y, Qt::AlignLeft);
        series->attachAxis(x);
        series->attachAxis(y);
        chart->setTitle(tr("Does SDR agree with your ears?"));
    }
    summary_->setText(text);
    QChart* old = chart_->chart();
    chart_->setChart(chart);
    delete old;
    stack_->setCurrentIndex(3);
    emit testFinished();
}

QString ListeningTestPanel::visibleText() const {
    QStringList parts;
    QWidget* page = stack_->currentWidget();
    for (auto* l : page->findChildren<QLabel*>())
        if (l->isVisibleTo(page)) parts << l->text();
    for (auto* b : page->findChildren<QPushButton*>())
        if (b->isVisibleTo(page)) parts << b->text();
    return parts.join("\n");
}

QString ListeningTestPanel::resultsJson() const {
    if (abx_) return QString::fromStdString(abx_->resultsJson());
    if (rating_) return QString::fromStdString(rating_->resultsJson());
    return {};
}

void ListeningTestPanel::saveResults(const QString& path) const {
    if (stage_ != Stage::Results) throw InputError("finish the test first");
    writeFileAtomically(path.toStdString(), resultsJson().toStdString() + "\n");
}

}  // namespace phaselab
