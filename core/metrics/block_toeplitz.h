#pragma once
// The Gram matrix of delayed signals as what it is: a symmetric block-Toeplitz matrix, stored as
// its L lag blocks instead of (K L)^2 numbers, solved by block Levinson recursion.
//
// Layout (the one BSS Eval uses): signal-major, row/column index a * L + i for signal a = 0..K-1
// and delay i = 0..L-1, and
//     T[(a, i), (b, k)] = r_ab[k - i],   r_ab[m] = sum_n x_a[n + m] x_b[n]   (r_ab[-m] = r_ba[m]).
// Seen delay-major, T is block Toeplitz with K x K blocks R[k - i], R[m](a, b) = r_ab[m],
// R[-m] = R[m]^T.
//
// solve() is the block Levinson recursion (Akaike 1973; Wiggins & Robinson 1965) with forward
// and backward vectors: O(3 K^3 L^2 + 2 K^2 L^2 m) flops for m right-hand sides, against
// O((K L)^3 / 3) for a Cholesky factorisation of the dense matrix (K = 6, L = 512: 0.2 GFlop
// against 9.7 GFlop), and O(K^2 L) memory. It returns nothing - the caller then factorises
// dense() - unless the matrix is safely positive definite and the result accurate:
//   - every block pivot of T's block LDL^T (the recursion's backward prediction-error matrices)
//     has its smallest eigenvalue above pivotTolerance * ||T||_1: near-singular matrices (pure
//     tones, dependent signals), where the answer must be the regularised least-squares one, are
//     left to the dense solver, as a Cholesky factorisation would fail on them;
//   - the backward error ||T x - y|| / (||T||_1 ||x|| + ||y||) (Frobenius norms) is below
//     `tolerance`.
// Precision: double. Thread-safety: const methods are re-entrant.

#include <Eigen/Core>
#include <optional>
#include <vector>

namespace phaselab::metrics {

class BlockToeplitz {
public:
    BlockToeplitz() = default;
    // lags[m] = R[m] (K x K) for m = 0..L-1; R[0] must be symmetric.
    explicit BlockToeplitz(std::vector<Eigen::MatrixXd> lags);

    int signalCount() const { return k_; }  // K
    int length() const { return l_; }   // L
    Eigen::Index size() const { return Eigen::Index(k_) * l_; }
    const Eigen::MatrixXd& lag(int m) const { return lags_[std::size_t(m)]; }

    // The same structure for a subset of the signals (in the given order).
    BlockToeplitz subset(const std::vector<int>& indices) const;

    // T + ridge I, solved for the columns of y (K L x m, signal-major).
    std::optional<Eigen::MatrixXd> solve(const Eigen::MatrixXd& y, double ridge, double tolerance = 1e-11,
                                         double pivotTolerance = 1e-10) const;

    Eigen::MatrixXd multiply(const Eigen::MatrixXd& x) const;  // T x (signal-major)
    Eigen::MatrixXd dense() const;                             // the K L x K L matrix
    double norm1() const;                                      // ||T||_1 (max column sum)

private:
    // Delay-major blocks of x: row k * K + a holds x(a * L + k).
    Eigen::MatrixXd toDelayMajor(const Eigen::MatrixXd& x) const;
    Eigen::MatrixXd toSignalMajor(const Eigen::MatrixXd& x) const;
    Eigen::MatrixXd multiplyDelayMajor(const Eigen::MatrixXd& x, double ridge) const;

    int k_ = 0, l_ = 0;
    std::vector<Eigen::MatrixXd> lags_;
    // Stored transposed (L K x K), so that the recursion's products are dot products of contiguous
    // columns: forward_ = [R[0] R[1] ... R[L-1]]^T, reversed_ = [R[L-1]^T ... R[1]^T R[0]^T]^T.
    Eigen::MatrixXd forward_;
    Eigen::MatrixXd reversed_;
};

}  // namespace phaselab::metrics
