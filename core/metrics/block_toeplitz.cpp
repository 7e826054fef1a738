#include "core/metrics/block_toeplitz.h"

#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <cmath>

namespace phaselab::metrics {
namespace {

// out(a, c) = u.col(a).segment(from, rows) . v.col(c).segment(vFrom, rows)
void innerProducts(const Eigen::MatrixXd& u, Eigen::Index from, const Eigen::MatrixXd& v, Eigen::Index vFrom,
                   Eigen::Index rows, Eigen::MatrixXd& out) {
    for (Eigen::Index c = 0; c < v.cols(); ++c)
        for (Eigen::Index a = 0; a < u.cols(); ++a)
            out(a, c) = u.col(a).segment(from, rows).dot(v.col(c).segment(vFrom, rows));
}

// dst.col(c).segment(at, rows) = (or +=) sum_a src.col(a).head(rows) m(a, c)
void combine(const Eigen::MatrixXd& src, Eigen::Index rows, const Eigen::MatrixXd& m, Eigen::MatrixXd& dst, Eigen::Index at,
             bool add) {
    for (Eigen::Index c = 0; c < m.cols(); ++c) {
        auto d = dst.col(c).segment(at, rows);
        if (!add) d.noalias() = src.col(0).head(rows) * m(0, c);
        for (Eigen::Index a = add ? 0 : 1; a < m.rows(); ++a) d.noalias() += src.col(a).head(rows) * m(a, c);
    }
}

}  // namespace

BlockToeplitz::BlockToeplitz(std::vector<Eigen::MatrixXd> lags)
    : k_(lags.empty() ? 0 : int(lags[0].rows())), l_(int(lags.size())), lags_(std::move(lags)) {
    forward_.resize(size(), k_);
    reversed_.resize(size(), k_);
    for (int m = 0; m < l_; ++m) {
        forward_.middleRows(Eigen::Index(m) * k_, k_) = lags_[std::size_t(m)].transpose();
        reversed_.middleRows(Eigen::Index(l_ - 1 - m) * k_, k_) = lags_[std::size_t(m)];
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
    Eigen::MatrixXd out(x.rows(), x.cols()), part(K, x.cols());
    for (int i = 0; i < l_; ++i) {
        innerProducts(forward_, 0, x, i * K, (l_ - i) * K, part);
        out.middleRows(i * K, K) = part;
        if (i > 0) {
            innerProducts(reversed_, (l_ - 1 - i) * K, x, 0, i * K, part);
            out.middleRows(i * K, K) += part;
        }
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
    Eigen::MatrixXd ef(K, K), eb(K, K), alpha(K, K), delta(K, K), beta(K, K), gamma(K, K), ex(K, m), pivot(K, K);
    Eigen::PartialPivLU<Eigen::MatrixXd> lu(K);
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(K);
    // b^(n)_{n-1} is the inverse of the n-th block pivot of T's block LDL^T (delay-major order).
    const double minPivot = pivotTolerance * (norm1() + std::abs(ridge));
    auto pivotsOk = [&](Eigen::Index n) {
        pivot = b.middleRows((n - 1) * K, K);
        double smallest = pivot(0, 0), largest = smallest;
        if (K > 1) {
            eig.compute(0.5 * (pivot + pivot.transpose()), Eigen::EigenvaluesOnly);
            smallest = eig.eigenvalues().minCoeff(), largest = eig.eigenvalues().maxCoeff();
        }
        return smallest > 0 && largest * minPivot < 1;
    };
    auto inverseInto = [&](const Eigen::MatrixXd& m, Eigen::MatrixXd& out) {
        lu.compute(m);
        out = lu.inverse();
    };
    if (!pivotsOk(1)) return std::nullopt;
    for (Eigen::Index n = 1; n < L; ++n) {
        const Eigen::Index rows = n * K, past = (L - 1 - n) * K;  // reversed_ rows of R[n]^T .. R[1]^T
        innerProducts(reversed_, past, f, 0, rows, ef);
        innerProducts(forward_, K, b, 0, rows, eb);
        pivot.noalias() = I - eb * ef;
        inverseInto(pivot, alpha);
        pivot.noalias() = I - ef * eb;
        inverseInto(pivot, delta);
        beta.noalias() = -ef * alpha;
        gamma.noalias() = -eb * delta;
        combine(f, rows, alpha, nf, 0, false);
        combine(f, rows, gamma, nb, 0, false);
        nf.middleRows(rows, K).setZero();
        nb.middleRows(rows, K).setZero();
        combine(b, rows, beta, nf, K, true);
        combine(b, rows, delta, nb, K, true);
        f.swap(nf);
        b.swap(nb);
        if (!pivotsOk(n + 1)) return std::nullopt;
        innerProducts(reversed_, past, x, 0, rows, ex);
        ex = yd.middleRows(rows, K) - ex;
        combine(b, rows + K, ex, x, 0, true);
    }
    if (!x.allFinite()) return std::nullopt;
    const double residual = (multiplyDelayMajor(x, ridge) - yd).norm();
    const double scale = (norm1() + std::abs(ridge)) * x.norm() + yd.norm();
    if (!(residual <= tolerance * scale)) return std::nullopt;
    return toSignalMajor(x);
}

}  // namespace phaselab::metrics
