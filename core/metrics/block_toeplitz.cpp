#include "core/metrics/block_toeplitz.h"

#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <cmath>

namespace phaselab::metrics {

BlockToeplitz::BlockToeplitz(std::vector<Eigen::MatrixXd> lags)
    : k_(lags.empty() ? 0 : int(lags[0].rows())), l_(int(lags.size())), lags_(std::move(lags)) {
    forward_.resize(k_, size());
    reversed_.resize(k_, size());
    for (int m = 0; m < l_; ++m) {
        forward_.middleCols(Eigen::Index(m) * k_, k_) = lags_[std::size_t(m)];
        reversed_.middleCols(Eigen::Index(l_ - 1 - m) * k_, k_) = lags_[std::size_t(m)].transpose();
    }
}

BlockToeplitz BlockToeplitz::subset(const std::vector<int>& indices) const {
    std::vector<Eigen::MatrixXd> lags(std::size_t(l_), Eigen::MatrixXd(indices.size(), indices.size()));
    for (int m = 0; m < l_; ++m)
        for (std::size_t p = 0; p < indices.size(); ++p)
            for (std::size_t q = 0; q < indices.size(); ++q)
                lags[std::size_t(m)](Eigen::Index(p), Eigen::Index(q)) = lags_[std::size_t(m)](indices[p], indices[q]);
    return BlockToeplitz(std::move(lags));
}

Eigen::MatrixXd BlockToeplitz::toDelayMajor(const Eigen::MatrixXd& x) const {
    Eigen::MatrixXd out(x.rows(), x.cols());
    for (int a = 0; a < k_; ++a)
        for (int k = 0; k < l_; ++k) out.row(Eigen::Index(k) * k_ + a) = x.row(Eigen::Index(a) * l_ + k);
    return out;
}

Eigen::MatrixXd BlockToeplitz::toSignalMajor(const Eigen::MatrixXd& x) const {
    Eigen::MatrixXd out(x.rows(), x.cols());
    for (int a = 0; a < k_; ++a)
        for (int k = 0; k < l_; ++k) out.row(Eigen::Index(a) * l_ + k) = x.row(Eigen::Index(k) * k_ + a);
    return out;
}

Eigen::MatrixXd BlockToeplitz::multiplyDelayMajor(const Eigen::MatrixXd& x, double ridge) const {
    const Eigen::Index K = k_;
    Eigen::MatrixXd out(x.rows(), x.cols());
    for (int i = 0; i < l_; ++i) {
        auto o = out.middleRows(i * K, K);
        o.noalias() = forward_.leftCols((l_ - i) * K) * x.bottomRows((l_ - i) * K);
        if (i > 0) o.noalias() += reversed_.middleCols((l_ - 1 - i) * K, i * K) * x.topRows(i * K);
    }
    if (ridge != 0) out += ridge * x;
    return out;
}

Eigen::MatrixXd BlockToeplitz::multiply(const Eigen::MatrixXd& x) const {
    return toSignalMajor(multiplyDelayMajor(toDelayMajor(x), 0.0));
}

Eigen::MatrixXd BlockToeplitz::dense() const {
    Eigen::MatrixXd t(size(), size());
    for (int i = 0; i < l_; ++i)
        for (int k = 0; k < l_; ++k) {
            const Eigen::MatrixXd& r = lags_[std::size_t(std::abs(k - i))];
            for (int a = 0; a < k_; ++a)
                for (int b = 0; b < k_; ++b)
                    t(Eigen::Index(a) * l_ + i, Eigen::Index(b) * l_ + k) = k >= i ? r(a, b) : r(b, a);
        }
    return t;
}

double BlockToeplitz::norm1() const {
    // Column (b, k) sums |R[k - i](a, b)| over a and i: per lag m, c_b(m) = sum_a |T entry|.
    Eigen::MatrixXd pos(k_, l_), neg(k_, l_);  // m >= 0: R[m](., b); m < 0: R[-m](b, .)
    for (int m = 0; m < l_; ++m) {
        pos.col(m) = lags_[std::size_t(m)].cwiseAbs().colwise().sum().transpose();
        neg.col(m) = lags_[std::size_t(m)].cwiseAbs().rowwise().sum();
    }
    double best = 0;
    for (int b = 0; b < k_; ++b)
        for (int k = 0; k < l_; ++k) {
            double s = pos.row(b).head(k + 1).sum();                // i = 0..k: lag k - i >= 0
            if (k + 1 < l_) s += neg.row(b).segment(1, l_ - 1 - k).sum();  // i > k: lag i - k
            best = std::max(best, s);
        }
    return best;
}

std::optional<Eigen::MatrixXd> BlockToeplitz::solve(const Eigen::MatrixXd& y, double ridge, double tolerance,
                                                    double pivotTolerance) const {
    const Eigen::Index K = k_, L = l_, m = y.cols();
    const Eigen::MatrixXd yd = toDelayMajor(y);
    const Eigen::MatrixXd I = Eigen::MatrixXd::Identity(K, K);
    Eigen::MatrixXd f = Eigen::MatrixXd::Zero(L * K, K), b = f, nf = f, nb = f;
    Eigen::MatrixXd x = Eigen::MatrixXd::Zero(L * K, m);
    const Eigen::PartialPivLU<Eigen::MatrixXd> r0((lags_[0] + ridge * I).eval());
    f.topRows(K) = r0.inverse();
    b.topRows(K) = f.topRows(K);
    x.topRows(K) = r0.solve(yd.topRows(K));
    Eigen::MatrixXd ef(K, K), eb(K, K), alpha(K, K), delta(K, K), ex(K, m);
    // b^(n)_{n-1} is the inverse of the n-th block pivot of T's block LDL^T (delay-major order).
    const double minPivot = pivotTolerance * (norm1() + std::abs(ridge));
    auto pivotsOk = [&](Eigen::Index n) {
        const Eigen::MatrixXd inv = b.middleRows((n - 1) * K, K);
        const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(0.5 * (inv + inv.transpose()), Eigen::EigenvaluesOnly);
        const double smallest = eig.eigenvalues().minCoeff(), largest = eig.eigenvalues().maxCoeff();
        return smallest > 0 && largest * minPivot < 1;
    };
    if (!pivotsOk(1)) return std::nullopt;
    for (Eigen::Index n = 1; n < L; ++n) {
        const auto past = reversed_.middleCols((L - 1 - n) * K, n * K);  // R[n]^T .. R[1]^T
        ef.noalias() = past * f.topRows(n * K);
        eb.noalias() = forward_.middleCols(K, n * K) * b.topRows(n * K);
        alpha = (I - eb * ef).partialPivLu().inverse();
        delta = (I - ef * eb).partialPivLu().inverse();
        const Eigen::MatrixXd beta = -ef * alpha, gamma = -eb * delta;
        nf.topRows(n * K).noalias() = f.topRows(n * K) * alpha;
        nb.topRows(n * K).noalias() = f.topRows(n * K) * gamma;
        nf.middleRows(n * K, K).setZero();
        nb.middleRows(n * K, K).setZero();
        nf.middleRows(K, n * K).noalias() += b.topRows(n * K) * beta;
        nb.middleRows(K, n * K).noalias() += b.topRows(n * K) * delta;
        f.swap(nf);
        b.swap(nb);
        if (!pivotsOk(n + 1)) return std::nullopt;
        ex.noalias() = past * x.topRows(n * K);
        ex = yd.middleRows(n * K, K) - ex;
        x.topRows((n + 1) * K).noalias() += b.topRows((n + 1) * K) * ex;
    }
    if (!x.allFinite()) return std::nullopt;
    const double residual = (multiplyDelayMajor(x, ridge) - yd).norm();
    const double scale = (norm1() + std::abs(ridge)) * x.norm() + yd.norm();
    if (!(residual <= tolerance * scale)) return std::nullopt;
    return toSignalMajor(x);
}

}  // namespace phaselab::metrics
