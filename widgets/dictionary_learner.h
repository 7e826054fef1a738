#pragma once
// Learns supervised-NMF dictionaries (core/nmf/supervised_nmf.h: one per source) from training
// signals off the GUI thread, on a thread of its own, for the Live mode's NMF magnitudes. A new
// request cancels the one in flight; its result is dropped. GUI thread only (the learning itself
// runs on the learner's thread).

#include <QObject>
#include <QThreadPool>
#include <atomic>
#include <memory>
#include <vector>

#include "core/io/audio.h"
#include "core/nmf/supervised_nmf.h"

namespace phaselab {

class DictionaryLearner : public QObject {
    Q_OBJECT
public:
    explicit DictionaryLearner(QObject* parent = nullptr);
    ~DictionaryLearner() override;  // cancels and waits for the learning thread

    // Learns one dictionary per training signal (the mono downmix of at most `maxSeconds` of each,
    // taken on the learning thread) with `config`'s STFT; `key` identifies what was asked
    // (dictionaries() belongs to key() once learned() is emitted).
    void learn(const std::vector<std::shared_ptr<const Audio>>& training, const StftConfig& config,
               const nmf::SupervisedNmfParams& params, const QString& key, double maxSeconds = 30);
    void cancel();
    bool isLearning() const { return learning_; }
    bool isReady(const QString& key) const { return !learning_ && key == key_ && !dictionaries_.empty(); }
    const std::vector<nmf::Matrix>& dictionaries() const { return dictionaries_; }
    QString key() const { return key_; }

signals:
    void learned();
    void failed(const QString& reason);

private:
    QThreadPool pool_;
    std::shared_ptr<std::atomic<bool>> cancel_;
    int generation_ = 0;
    bool learning_ = false;
    QString key_;
    std::vector<nmf::Matrix> dictionaries_;
};

}  // namespace phaselab
