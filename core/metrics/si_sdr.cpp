#include "core/metrics/si_sdr.h"

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/common/error.h"
#include "core/metrics/bss_eval.h"

namespace phaselab::metrics {
namespace {

double db(double num, double den) {
    if (den <= 0) return std::numeric_limits<double>::infinity();
    return 10 * std::log10(num / den);
}

void checkShapes(const Eigen::Ref<const Eigen::ArrayXXd>& s, const Eigen::Ref<const Eigen::ArrayXXd>& e) {
    if (s.size() == 0 || e.size() == 0) throw InputError("SI-SDR of an empty signal is undefined");
    if (s.rows() != e.rows() || s.cols() != e.cols())
        throw InputError("reference and estimate must have the same length and channel count");
}

}  // namespace

double siSdr(const Eigen::Ref<const Eigen::ArrayXXd>& reference, const Eigen::Ref<const Eigen::ArrayXXd>& estimate,
             bool zeroMean) {
    checkShapes(reference, estimate);
    double ss = 0, se = 0;  // sums over channels, each channel's mean removed on the fly (no copies)
    Eigen::ArrayXd ms(reference.cols()), me(reference.cols());
    for (Eigen::Index c = 0; c < reference.cols(); ++c) {
        ms(c) = zeroMean ? reference.col(c).mean() : 0.0;
        me(c) = zeroMean ? estimate.col(c).mean() : 0.0;
        ss += (reference.col(c) - ms(c)).square().sum();
        se += ((reference.col(c) - ms(c)) * (estimate.col(c) - me(c))).sum();
    }
    if (!(ss > 0)) throw InputError("the reference is silent (zero after mean removal): SI-SDR is undefined");
    const double alpha = se / ss;
    double noise = 0;
    for (Eigen::Index c = 0; c < reference.cols(); ++c)
        noise += (alpha * (reference.col(c) - ms(c)) - (estimate.col(c) - me(c))).square().sum();
    return db(alpha * alpha * ss, noise);
}

double siSdrImprovement(const Eigen::Ref<const Eigen::ArrayXXd>& reference,
                        const Eigen::Ref<const Eigen::ArrayXXd>& estimate,
                        const Eigen::Ref<const Eigen::ArrayXXd>& mixture, bool zeroMean) {
    return siSdr(reference, estimate, zeroMean) - siSdr(reference, mixture, zeroMean);
}

double snrDb(const Eigen::Ref<const Eigen::ArrayXXd>& reference, const Eigen::Ref<const Eigen::ArrayXXd>& estimate) {
    checkShapes(reference, estimate);
    return db(reference.square().sum(), (reference - estimate).square().sum());
}

double snrDb(const Eigen::Ref<const Eigen::ArrayXf>& reference, const Eigen::Ref<const Eigen::ArrayXf>& estimate) {
    if (reference.size() == 0 || reference.size() != estimate.size())
        throw InputError("reference and estimate must have the same, non-zero length");
    const auto s = reference.cast<double>();
    return db(s.square().sum(), (s - estimate.cast<double>()).square().sum());
}

GetSdrResult magronGetSdr(const std::vector<Eigen::ArrayXd>& references, const std::vector<Eigen::ArrayXd>& estimates,
                          bool permutation) {
    const int J = int(references.size());
    if (J == 0 || estimates.size() != references.size())
        throw InputError("GetSDR needs one estimate per reference");
    const Eigen::Index n = references[0].size();
    Eigen::MatrixXd S(n, J), E(n, J);
    for (int j = 0; j < J; ++j) {
        if (references[std::size_t(j)].size() != n || estimates[std::size_t(j)].size() != n)
            throw InputError("GetSDR needs signals of equal length");
        S.col(j) = (references[std::size_t(j)] - references[std::size_t(j)].mean()).matrix();
        E.col(j) = (estimates[std::size_t(j)] - estimates[std::size_t(j)].mean()).matrix();
    }
    const Eigen::MatrixXd gram = S.transpose() * S;
    const Eigen::LDLT<Eigen::MatrixXd> solver(gram);
    Eigen::ArrayXXd sdr(J, J), sir(J, J), sar(J, J);
    for (int e = 0; e < J; ++e) {
        const Eigen::VectorXd se = S.transpose() * E.col(e);
        const Eigen::VectorXd coef = solver.solve(se);
        for (int j = 0; j < J; ++j) {
            if (!permutation && e != j) continue;
            const double a = se(j) / gram(j, j);
            const Eigen::VectorXd eTrue = a * S.col(j);
            const Eigen::VectorXd eRes = E.col(e) - eTrue;
            // projection of e_res on span{s_1..s_J}: S G^-1 S^T e_res = S (coef - a u_j)
            Eigen::VectorXd c = coef;
            c(j) -= a;
            const Eigen::VectorXd eInterf = S * c;
            const Eigen::VectorXd eArtif = eRes - eInterf;
            const double sss = eTrue.squaredNorm();
            sdr(e, j) = db(sss, eRes.squaredNorm());
            sir(e, j) = db(sss, eInterf.squaredNorm());
            sar(e, j) = db(sss, eArtif.squaredNorm());
        }
    }
    GetSdrResult r;
    r.permutation.resize(std::size_t(J));
    if (permutation) r.permutation = bestPermutation(sir);
    else std::iota(r.permutation.begin(), r.permutation.end(), 0);
    r.sdr.resize(J);
    r.sir.resize(J);
    r.sar.resize(J);
    for (int j = 0; j < J; ++j) {
        const int e = r.permutation[std::size_t(j)];
        r.sdr(j) = sdr(e, j);
        r.sir(j) = sir(e, j);
        r.sar(j) = sar(e, j);
    }
    return r;
}

}  // namespace phaselab::metrics
