#include "core/metrics/recovery_measures.h"

#include "core/common/error.h"
#include "core/metrics/si_sdr.h"

namespace phaselab::metrics {

RecoveryMeasures measureRecovery(Stft& stft, const Spectrogram& S, Eigen::Index length, const Magnitudes& target,
                                 const Eigen::ArrayXf* reference) {
    if (target.rows() != S.rows() || target.cols() != S.cols())
        throw InputError("the target magnitudes and the spectrogram have different shapes");
    RecoveryMeasures m;
    const Eigen::ArrayXf y = stft.synthesise(S, length);
    m.spectralConvergenceDb = spectralConvergenceDb(stft.analyse(y), target);
    m.inconsistency = inconsistency(stft, S, length).relative;
    if (reference) {
        if (reference->size() != length) throw InputError("the reference signal's length differs from the recovered one's");
        m.snrDb = snrDb(reference->cast<double>(), y.cast<double>());
    }
    return m;
}

}  // namespace phaselab::metrics
