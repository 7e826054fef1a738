#include "widgets/dictionary_learner.h"

#include <QFutureWatcher>
#include <QtConcurrent>

#include "core/common/error.h"

namespace phaselab {

namespace {
struct Learned {
    std::vector<nmf::Matrix> dictionaries;
    QString error;
};
}  // namespace

DictionaryLearner::DictionaryLearner(QObject* parent) : QObject(parent) { pool_.setMaxThreadCount(1); }

DictionaryLearner::~DictionaryLearner() {
    cancel();
    pool_.waitForDone();
}

void DictionaryLearner::cancel() {
    if (cancel_) cancel_->store(true);
    ++generation_;
    learning_ = false;
}

void DictionaryLearner::learn(const std::vector<std::shared_ptr<const Audio>>& training, const StftConfig& config,
                              const nmf::SupervisedNmfParams& params, const QString& key, double maxSeconds) {
    cancel();
    learning_ = true;
    key_ = key;
    dictionaries_.clear();
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    const int generation = generation_;
    auto flag = cancel_;
    auto* watcher = new QFutureWatcher<Learned>(this);
    connect(watcher, &QFutureWatcher<Learned>::finished, this, [this, watcher, generation] {
        const Learned r = watcher->result();
        watcher->deleteLater();
        if (generation != generation_) return;  // superseded or cancelled
        learning_ = false;
        if (!r.error.isEmpty()) {
            emit failed(r.error);
            return;
        }
        dictionaries_ = r.dictionaries;
        emit learned();
    });
    watcher->setFuture(QtConcurrent::run(&pool_, [training, config, params, flag, maxSeconds]() -> Learned {
        try {
            Stft stft(config);
            std::vector<Magnitudes> spectra;
            for (const auto& t : training) {
                const Eigen::Index most = std::max<Eigen::Index>(1, Eigen::Index(maxSeconds * t->sampleRate));
                const Audio head{t->sampleRate, t->data.topRows(std::min(most, t->frames()))};
                spectra.push_back(stft.analyse(head.mono()).abs());
            }
            RunControl control;
            control.cancel = flag.get();
            return {nmf::learnDictionaries(spectra, params, control), {}};
        } catch (const Cancelled&) {
            return {{}, QObject::tr("cancelled")};
        } catch (const std::exception& e) {
            return {{}, QString::fromStdString(e.what())};
        }
    }));
}

}  // namespace phaselab
