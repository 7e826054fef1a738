#include "core/metrics/bss_eval.h"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <complex>
#include <exception>
#include <limits>
#include <numeric>
#include <thread>

#include "core/common/error.h"
#include "core/metrics/block_toeplitz.h"
#include "core/metrics/correlation.h"
#include "core/metrics/v4_energies.h"

namespace phaselab::metrics {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string label(const std::vector<std::string>& names, std::size_t i, const char* kind) {
    std::string s = std::string(kind) + " " + std::to_string(i + 1);
    if (i < names.size() && !names[i].empty()) s += " ('" + names[i] + "')";
    return s;
}

double safeDb(double num, double den) {
    if (den <= 0) return kInf;  // mir_eval: den == 0 -> inf; a rounding-negative energy is zero
    return 10 * std::log10(num / den);
}

// Solves G X = B for the symmetric positive semidefinite Gram matrix G, factorised once.
class GramSolver {
public:
    explicit GramSolver(const Eigen::MatrixXd& G) {
        llt_.compute(G);
        if (llt_.info() == Eigen::Success) {
            method_ = "cholesky";
            return;
        }
        // Numerically singular (e.g. pure tones, dependent references). The least-squares solution
        // mir_eval falls back to: a ridge below the rounding level of G first (directions with
        // eigenvalues under it carry no energy at working precision), then a pseudo-inverse.
        const double n = double(G.rows()), eps = std::numeric_limits<double>::epsilon();
        Eigen::MatrixXd ridged = G;
        ridged.diagonal().array() += n * eps * G.cwiseAbs().rowwise().sum().maxCoeff();
        llt_.compute(ridged);
        if (llt_.info() == Eigen::Success) {
            method_ = "cholesky+ridge";
            return;
        }
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(G);
        const Eigen::VectorXd& w = eig.eigenvalues();
        const double cut = std::max(w.cwiseAbs().maxCoeff(), 0.0) * n * eps;
        Eigen::VectorXd inv = (w.array() > cut).select(w.array().inverse(), 0.0);
        pinv_ = eig.eigenvectors() * inv.asDiagonal() * eig.eigenvectors().transpose();
        method_ = "pseudo-inverse";
    }
    Eigen::MatrixXd solve(const Eigen::MatrixXd& B) const {
        if (method_ == "pseudo-inverse") return pinv_ * B;
        return llt_.solve(B);
    }
    const std::string& method() const { return method_; }

private:
    Eigen::LLT<Eigen::MatrixXd> llt_;
    Eigen::MatrixXd pinv_;
    std::string method_;
};

// Reference signals r_k (k = j * C + c) and estimate channels (column e * C + c).
struct System {
    int J = 0, C = 0, K = 0, L = 0;
    BlockToeplitz G;         // K L x K L Gram of the delayed references, as its lag blocks
    Eigen::MatrixXd D;       // K L x columns: correlations of delayed references with estimates
    Eigen::VectorXd energy;  // ||estimate channel||^2 per column
};

std::vector<const double*> channelPointers(const std::vector<Signal>& s, Eigen::Index from) {
    std::vector<const double*> p;
    for (const Signal& x : s)
        for (Eigen::Index c = 0; c < x.cols(); ++c) p.push_back(x.col(c).data() + from);
    return p;
}

System buildSystem(const std::vector<Signal>& refs, const std::vector<Signal>& ests, Eigen::Index from,
                   Eigen::Index length, int L, int threads, const RunControl& run) {
    System s;
    s.J = int(refs.size());
    s.C = int(refs[0].cols());
    s.K = s.J * s.C;
    s.L = L;
    const auto rp = channelPointers(refs, from);
    const auto ep = channelPointers(ests, from);
    const LagCorrelations r = lagCorrelations(rp, ep, length, L, true, threads, run);
    const int K = s.K;
    std::vector<Eigen::MatrixXd> lags(std::size_t(L), Eigen::MatrixXd(K, K));
    for (int m = 0; m < L; ++m)
        for (int a = 0; a < K; ++a)
            for (int b = 0; b < K; ++b) lags[std::size_t(m)](a, b) = r.refLag(a, b, m);  // G[(a,i),(b,i+m)]
    s.G = BlockToeplitz(std::move(lags));
    const int cols = int(ep.size());
    s.D.resize(Eigen::Index(K) * L, cols);
    s.energy.resize(cols);
    for (int e = 0; e < cols; ++e) {
        for (int a = 0; a < K; ++a)
            for (int t = 0; t < L; ++t) s.D(Eigen::Index(a) * L + t, e) = r.crossLag(a, e, -t);
        s.energy(e) = Eigen::Map<const Eigen::VectorXd>(ep[std::size_t(e)], length).squaredNorm();
    }
    return s;
}

// (G + ridge I) X = B: block Levinson when its backward error is at working precision, else the
// dense factorisation (GramSolver's Cholesky, ridge or pseudo-inverse).
Eigen::MatrixXd solveGram(const BlockToeplitz& G, const Eigen::MatrixXd& B, double ridge, std::string& solver) {
    if (auto x = G.solve(B, ridge)) {
        solver = "levinson";
        return std::move(*x);
    }
    Eigen::MatrixXd dense = G.dense();
    dense.diagonal().array() += ridge;
    const GramSolver gram(dense);
    solver = gram.method();
    return gram.solve(B);
}

// Filter coefficients for every estimate column: A = G^-1 D (all references) and, per target j,
// A_j = G_jj^-1 D_j (the references of source j only); with Gram products, also G A and G_jj A_j
// (the quadratic forms of the global criteria; v4's windows do not use them).
struct Filters {
    Eigen::MatrixXd A, GA;
    std::vector<Eigen::MatrixXd> Aj, GjAj;
    std::string solver;
};

Filters solveFilters(const System& s, double ridge, bool withGramProducts) {
    Filters f;
    const Eigen::Index n = Eigen::Index(s.C) * s.L;
    f.Aj.resize(std::size_t(s.J));
    f.GjAj.resize(std::size_t(s.J));
    f.A = solveGram(s.G, s.D, ridge, f.solver);
    if (withGramProducts) f.GA = s.G.multiply(f.A);
    for (int j = 0; j < s.J; ++j) {
        if (s.J == 1) {  // one source: the target projection is the full projection (e_interf = 0 exactly)
            f.Aj[0] = f.A;
            if (withGramProducts) f.GjAj[0] = f.GA;
            break;
        }
        std::vector<int> channels(std::size_t(s.C));
        std::iota(channels.begin(), channels.end(), j * s.C);
        const BlockToeplitz Gj = s.G.subset(channels);
        std::string solver;
        f.Aj[std::size_t(j)] = solveGram(Gj, s.D.middleRows(j * n, n), ridge, solver);
        if (withGramProducts) f.GjAj[std::size_t(j)] = Gj.multiply(f.Aj[std::size_t(j)]);
        if (solver != "levinson" && f.solver == "levinson") f.solver = solver;
    }
    return f;
}

struct Scores {
    double sdr, isr, sir, sar;
};

// Energies of the decomposition as quadratic forms; images = true for the images criteria.
Scores pairScores(const System& s, const Filters& f, int est, int target, bool images) {
    const Eigen::Index n = Eigen::Index(s.C) * s.L;
    const Eigen::Index off = target * n;
    const Eigen::MatrixXd& Aj = f.Aj[std::size_t(target)];
    const Eigen::MatrixXd& GjAj = f.GjAj[std::size_t(target)];
    double EE = 0, PP = 0, eP = 0, PjPj = 0, ePj = 0, PPj = 0, sPj = 0, se = 0, ss = 0;
    for (int c = 0; c < s.C; ++c) {
        const Eigen::Index col = Eigen::Index(est) * s.C + c;
        const Eigen::Index sRow = off + Eigen::Index(c) * s.L;  // lag 0 of reference (target, c)
        EE += s.energy(col);
        PP += f.A.col(col).dot(f.GA.col(col));
        eP += f.A.col(col).dot(s.D.col(col));
        PjPj += Aj.col(col).dot(GjAj.col(col));
        ePj += Aj.col(col).dot(s.D.col(col).segment(off, n));
        PPj += f.GA.col(col).segment(off, n).dot(Aj.col(col));
        sPj += GjAj(Eigen::Index(c) * s.L, col);
        se += s.D(sRow, col);
        ss += s.G.lag(0)(target * s.C + c, target * s.C + c);
    }
    const double interf = s.J == 1 ? 0.0 : PP - 2 * PPj + PjPj;  // ||P - P_j||^2
    const double artif = EE - 2 * eP + PP;                         // ||e - P||^2
    Scores r{};
    r.sir = safeDb(PjPj, interf);
    r.sar = safeDb(PP, artif);
    if (images) {
        r.sdr = safeDb(ss, EE - 2 * se + ss);
        r.isr = safeDb(ss, PjPj - 2 * sPj + ss);
    } else {
        r.sdr = safeDb(PjPj, EE - 2 * ePj + PjPj);
        r.isr = kNaN;
    }
    return r;
}

bool silent(const Signal& x, Eigen::Index from, Eigen::Index length) {
    return (x.middleRows(from, length) == 0).all();
}

// Whole-signal (or one window's) v3 evaluation of already validated signals.
BssResult evaluate(const std::vector<Signal>& refs, const std::vector<Signal>& ests, Eigen::Index from,
                   Eigen::Index length, bool images, bool permute, const BssParams& p, int threads,
                   const RunControl& run) {
    const System s = buildSystem(refs, ests, from, length, p.filterLength, threads, run);
    run.checkCancel();
    const Filters f = solveFilters(s, 0.0, true);
    const int J = s.J;
    BssResult r;
    r.solver = f.solver;
    Eigen::ArrayXXd sdr(J, J), sir(J, J), sar(J, J), isr(J, J);
    for (int e = 0; e < J; ++e)
        for (int j = 0; j < J; ++j) {
            if (!permute && e != j) continue;
            const Scores sc = pairScores(s, f, e, j, images);
            sdr(e, j) = sc.sdr;
            sir(e, j) = sc.sir;
            sar(e, j) = sc.sar;
            isr(e, j) = sc.isr;
        }
    r.permutation.resize(std::size_t(J));
    if (permute) r.permutation = bestPermutation(sir);
    else std::iota(r.permutation.begin(), r.permutation.end(), 0);
    r.sdr.resize(J);
    r.sir.resize(J);
    r.sar.resize(J);
    if (images) r.isr.resize(J);
    for (int j = 0; j < J; ++j) {
        const int e = r.permutation[std::size_t(j)];
        r.sdr(j) = sdr(e, j);
        r.sir(j) = sir(e, j);
        r.sar(j) = sar(e, j);
        if (images) r.isr(j) = isr(e, j);
    }
    return r;
}

std::string silentReason(const std::vector<Signal>& refs, const std::vector<Signal>& ests, Eigen::Index from,
                         Eigen::Index length, const BssParams& p) {
    for (std::size_t j = 0; j < refs.size(); ++j)
        if (silent(refs[j], from, length)) return label(p.referenceNames, j, "reference") + " is silent in this window";
    for (std::size_t j = 0; j < ests.size(); ++j)
        if (silent(ests[j], from, length)) return label(p.estimateNames, j, "estimate") + " is silent in this window";
    return {};
}

// Runs fn(k) for k in [0, n) on up to `threads` threads (the calling thread included).
template <typename Fn>
void parallelFor(int n, int threads, const RunControl& run, Fn fn) {
    threads = std::max(1, std::min(threads, n));
    std::atomic<int> next{0}, done{0};
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(threads));
    auto work = [&](int t) {
        try {
            for (int k; (k = next.fetch_add(1)) < n;) {
                if (run.cancelled()) return;
                fn(k);
                const int d = done.fetch_add(1) + 1;
                if (t == 0) run.report(double(d) / n, "window " + std::to_string(d) + " / " + std::to_string(n));
            }
        } catch (...) {
            errors[std::size_t(t)] = std::current_exception();
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
    run.checkCancel();
}

double nanMedian(const Eigen::ArrayXd& row) {
    std::vector<double> v;
    for (double x : row)
        if (!std::isnan(x)) v.push_back(x);
    if (v.empty()) return kNaN;
    std::sort(v.begin(), v.end());
    const std::size_t m = v.size() / 2;
    return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

Eigen::ArrayXd rowMedians(const Eigen::ArrayXXd& a) {
    Eigen::ArrayXd m(a.rows());
    for (Eigen::Index j = 0; j < a.rows(); ++j) m(j) = nanMedian(a.row(j).transpose());
    return m;
}

std::vector<int> hungarianMax(const Eigen::ArrayXXd& score) {
    const int n = int(score.rows());
    auto cost = [&](int ref, int est) {
        const double s = score(est, ref);
        if (std::isnan(s)) return 1e12;
        return -std::clamp(s, -1e11, 1e11);
    };
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<double> u(static_cast<std::size_t>(n + 1)), v(static_cast<std::size_t>(n + 1));
    std::vector<int> p(static_cast<std::size_t>(n + 1)), way(static_cast<std::size_t>(n + 1));
    for (int i = 1; i <= n; ++i) {
        p[0] = i;
        int j0 = 0;
        std::vector<double> minv(std::size_t(n + 1), inf);
        std::vector<char> used(std::size_t(n + 1), 0);
        do {
            used[std::size_t(j0)] = 1;
            const int i0 = p[std::size_t(j0)];
            double delta = inf;
            int j1 = 0;
            for (int j = 1; j <= n; ++j)
                if (!used[std::size_t(j)]) {
                    const double cur = cost(i0 - 1, j - 1) - u[std::size_t(i0)] - v[std::size_t(j)];
                    if (cur < minv[std::size_t(j)]) minv[std::size_t(j)] = cur, way[std::size_t(j)] = j0;
                    if (minv[std::size_t(j)] < delta) delta = minv[std::size_t(j)], j1 = j;
                }
            for (int j = 0; j <= n; ++j)
                if (used[std::size_t(j)]) u[std::size_t(p[std::size_t(j)])] += delta, v[std::size_t(j)] -= delta;
                else minv[std::size_t(j)] -= delta;
            j0 = j1;
        } while (p[std::size_t(j0)] != 0);
        do {
            const int j1 = way[std::size_t(j0)];
            p[std::size_t(j0)] = p[std::size_t(j1)];
            j0 = j1;
        } while (j0);
    }
    std::vector<int> perm(static_cast<std::size_t>(n));
    for (int j = 1; j <= n; ++j) perm[std::size_t(p[std::size_t(j)] - 1)] = j - 1;
    return perm;
}

}  // namespace

std::vector<int> bestPermutation(const Eigen::ArrayXXd& score) {
    const int n = int(score.rows());
    if (n > 8) return hungarianMax(score);
    std::vector<int> perm(static_cast<std::size_t>(n)), best;
    std::iota(perm.begin(), perm.end(), 0);
    double bestMean = -kInf;
    do {
        double sum = 0;
        for (int j = 0; j < n; ++j) sum += score(perm[std::size_t(j)], j);
        const double mean = sum / n;
        if (std::isnan(mean)) {  // numpy's argmax stops at the first NaN
            if (best.empty() || !std::isnan(bestMean)) best = perm, bestMean = mean;
            break;
        }
        if (best.empty() || mean > bestMean) best = perm, bestMean = mean;
    } while (std::next_permutation(perm.begin(), perm.end()));
    return best;
}

bool conformLength(Signal& estimate, Eigen::Index length) {
    const Eigen::Index n = estimate.rows();
    if (n == length) return false;
    Signal out = Signal::Zero(length, estimate.cols());
    const Eigen::Index keep = std::min(n, length);
    out.topRows(keep) = estimate.topRows(keep);
    estimate = std::move(out);
    return true;
}

void validateSignals(const std::vector<Signal>& refs, const std::vector<Signal>& ests, const BssParams& p,
                     bool monoOnly) {
    if (refs.empty()) throw InputError("no reference signals were given");
    if (ests.empty()) throw InputError("no estimated signals were given");
    if (int(refs.size()) > kMaxSources || int(ests.size()) > kMaxSources)
        throw InputError("at most " + std::to_string(kMaxSources) + " sources can be evaluated, got " +
                         std::to_string(refs.size()) + " references and " + std::to_string(ests.size()) + " estimates");
    if (refs.size() != ests.size())
        throw InputError(std::to_string(refs.size()) + " references but " + std::to_string(ests.size()) +
                         " estimates: give one estimate per reference");
    if (p.filterLength < 1) throw InputError("the distortion filter length must be at least 1 tap");
    const Eigen::Index n = refs[0].rows();
    const Eigen::Index ch = refs[0].cols();
    auto check = [&](const Signal& x, std::size_t i, const std::vector<std::string>& names, const char* kind) {
        const std::string who = label(names, i, kind);
        if (x.rows() == 0 || x.cols() == 0) throw InputError(who + " is empty");
        if (monoOnly && x.cols() != 1)
            throw InputError(who + " has " + std::to_string(x.cols()) +
                             " channels: the sources criteria take mono signals (use the images mode for multichannel)");
        if (x.cols() != ch)
            throw InputError(who + " has " + std::to_string(x.cols()) + " channels but " +
                             label(p.referenceNames, 0, "reference") + " has " + std::to_string(ch));
        if (x.rows() != n)
            throw InputError(who + " has " + std::to_string(x.rows()) + " samples but " +
                             label(p.referenceNames, 0, "reference") + " has " + std::to_string(n) +
                             " (pad or trim the estimates to the reference length first)");
        if (!x.allFinite()) throw InputError(who + " contains NaN or Inf samples");
        if ((x == 0).all())
            throw InputError(who + " is silent (all zeros): " +
                             (std::string(kind) == "reference" ? "its SIR is undefined"
                                                               : "the projection is underdetermined") +
                             "; remove it or give a non-silent signal");
    };
    for (std::size_t j = 0; j < refs.size(); ++j) check(refs[j], j, p.referenceNames, "reference");
    for (std::size_t j = 0; j < ests.size(); ++j) check(ests[j], j, p.estimateNames, "estimate");
}

BssResult bssEvalSources(const std::vector<Signal>& references, const std::vector<Signal>& estimates,
                         const BssParams& params, const RunControl& run) {
    validateSignals(references, estimates, params, true);
    return evaluate(references, estimates, 0, references[0].rows(), false, params.permutation, params,
                    std::max(1, params.threads), run);
}

BssResult bssEvalImages(const std::vector<Signal>& references, const std::vector<Signal>& estimates,
                        const BssParams& params, const RunControl& run) {
    validateSignals(references, estimates, params, false);
    return evaluate(references, estimates, 0, references[0].rows(), true, params.permutation, params,
                    std::max(1, params.threads), run);
}

Eigen::ArrayXd FramewiseResult::medianSdr() const { return rowMedians(sdr); }
Eigen::ArrayXd FramewiseResult::medianSir() const { return rowMedians(sir); }
Eigen::ArrayXd FramewiseResult::medianSar() const { return rowMedians(sar); }
Eigen::ArrayXd FramewiseResult::medianIsr() const { return rowMedians(isr); }

FramewiseResult bssEvalFramewise(const std::vector<Signal>& references, const std::vector<Signal>& estimates,
                                 Eigen::Index window, Eigen::Index hop, FramewiseKind kind, const BssParams& params,
                                 const RunControl& run) {
    const bool images = kind == FramewiseKind::Images;
    validateSignals(references, estimates, params, !images);
    if (window < 1 || hop < 1) throw InputError("window and hop must be at least one sample");
    const Eigen::Index N = references[0].rows();
    const int J = int(references.size());
    const Eigen::Index nwin = (N - window + hop) / hop;  // floor for the non-negative case
    FramewiseResult r;
    r.window = window;
    r.hop = hop;
    const int threads = std::max(1, params.threads);
    if (N - window + hop < 2 * hop) {
        const BssResult w = evaluate(references, estimates, 0, N, images, params.permutation, params, threads, run);
        r.wholeSignal = true;
        r.permutation = w.permutation;
        r.starts = {0};
        r.sdr = w.sdr;
        r.sir = w.sir;
        r.sar = w.sar;
        if (images) r.isr = w.isr;
        r.reasons = {""};
        return r;
    }
    r.permutation.resize(std::size_t(J));
    std::iota(r.permutation.begin(), r.permutation.end(), 0);
    r.sdr.setConstant(J, nwin, kNaN);
    r.sir.setConstant(J, nwin, kNaN);
    r.sar.setConstant(J, nwin, kNaN);
    if (images) r.isr.setConstant(J, nwin, kNaN);
    r.reasons.assign(std::size_t(nwin), "");
    for (Eigen::Index k = 0; k < nwin; ++k) r.starts.push_back(k * hop);
    const int perWindowThreads = nwin >= threads ? 1 : threads;
    parallelFor(int(nwin), threads, run, [&](int k) {
        const Eigen::Index from = k * hop;
        std::string why = silentReason(references, estimates, from, window, params);
        if (!why.empty()) {
            r.reasons[std::size_t(k)] = std::move(why);
            return;
        }
        const BssResult w = evaluate(references, estimates, from, window, images, false, params, perWindowThreads, {});
        r.sdr.col(k) = w.sdr;
        r.sir.col(k) = w.sir;
        r.sar.col(k) = w.sar;
        if (images) r.isr.col(k) = w.isr;
    });
    return r;
}

FramewiseResult bssEvalV4(const std::vector<Signal>& references, const std::vector<Signal>& estimates,
                          Eigen::Index window, Eigen::Index hop, const BssParams& params, const RunControl& run) {
    validateSignals(references, estimates, params, false);
    if (window < 1 || hop < 1) throw InputError("window and hop must be at least one sample");
    const Eigen::Index N = references[0].rows();
    if (window > N) window = N;
    const Eigen::Index nwin = (N - window + hop) / hop;
    const int threads = std::max(1, params.threads);
    const System s = buildSystem(references, estimates, 0, N, params.filterLength, threads, run);
    run.checkCancel();
    const Filters f = solveFilters(s, std::numeric_limits<double>::epsilon(), false);

    const int J = s.J, C = s.C, K = s.K, L = s.L;

    const RealFftD fft(nextFastFftSize(window + L - 1));
    const int M = fft.size(), bins = fft.bins();
    // Parseval for the real FFT of size M: sum x^2 = sum_k weight_k |X_k|^2.
    Eigen::ArrayXd weight = Eigen::ArrayXd::Constant(bins, 2.0 / M);
    weight(0) = weight(bins - 1) = 1.0 / M;
    using Spectra = Eigen::ArrayXXcd;
    auto filterSpectra = [&](const Eigen::MatrixXd& A, Eigen::Index col, int count) {
        Spectra S(bins, count);
        Eigen::ArrayXd buf = Eigen::ArrayXd::Zero(M);
        for (int k = 0; k < count; ++k) {
            buf.setZero();
            buf.head(L) = A.col(col).segment(Eigen::Index(k) * L, L).array();
            fft.forward(buf.data(), S.col(k).data());
        }
        return S;
    };
    // FA[j*C + c]: all-reference filters of estimate j channel c; FAj: those of target j only.
    std::vector<Spectra> FA, FAj;
    for (int j = 0; j < J; ++j)
        for (int c = 0; c < C; ++c) {
            const Eigen::Index col = Eigen::Index(j) * C + c;
            FA.push_back(filterSpectra(f.A, col, K));
            FAj.push_back(filterSpectra(f.Aj[std::size_t(j)], col, C));
        }

    FramewiseResult r;
    r.window = window;
    r.hop = hop;
    r.permutation.resize(std::size_t(J));
    std::iota(r.permutation.begin(), r.permutation.end(), 0);
    r.sdr.setConstant(J, nwin, kNaN);
    r.sir.setConstant(J, nwin, kNaN);
    r.sar.setConstant(J, nwin, kNaN);
    r.isr.setConstant(J, nwin, kNaN);
    r.reasons.assign(std::size_t(nwin), "");
    for (Eigen::Index k = 0; k < nwin; ++k) r.starts.push_back(k * hop);
    parallelFor(int(nwin), threads, run, [&](int t) {
        const Eigen::Index from = t * hop;
        std::string why = silentReason(references, estimates, from, window, params);
        if (!why.empty()) {
            r.reasons[std::size_t(t)] = std::move(why);
            return;
        }
        // Every signal of the window fits in M samples (the projections are window + L - 1 long), so
        // the energies are sums over bins (Parseval): no inverse FFT.
        Spectra R(bins, K), E(bins, K);
        Eigen::ArrayXd buf(M);
        for (int k = 0; k < K; ++k) {
            buf.setZero();
            buf.head(window) = references[std::size_t(k / C)].col(k % C).segment(from, window);
            fft.forward(buf.data(), R.col(k).data());
            buf.head(window) = estimates[std::size_t(k / C)].col(k % C).segment(from, window);
            fft.forward(buf.data(), E.col(k).data());
        }
        std::vector<const std::complex<double>*> fa(static_cast<std::size_t>(K)), faj(static_cast<std::size_t>(C)),
            rAll(static_cast<std::size_t>(K)), rj(static_cast<std::size_t>(C));
        for (int k = 0; k < K; ++k) rAll[std::size_t(k)] = R.col(k).data();
        for (int j = 0; j < J; ++j) {
            double ss = 0, tot = 0;
            WindowEnergies en;
            for (int c = 0; c < C; ++c) {
                const std::size_t q = std::size_t(j) * C + c;
                for (int k = 0; k < K; ++k) fa[std::size_t(k)] = FA[q].col(k).data();
                for (int c2 = 0; c2 < C; ++c2) {
                    faj[std::size_t(c2)] = FAj[q].col(c2).data();
                    rj[std::size_t(c2)] = R.col(Eigen::Index(j) * C + c2).data();
                }
                addWindowEnergies({fa.data(), rAll.data(), K, faj.data(), rj.data(), C, R.col(Eigen::Index(q)).data(),
                                   E.col(Eigen::Index(q)).data(), weight.data(), bins},
                                  J > 1, en);
                const auto sTrue = references[std::size_t(j)].col(c).segment(from, window);
                ss += sTrue.square().sum();
                tot += (estimates[std::size_t(j)].col(c).segment(from, window) - sTrue).square().sum();
            }
            r.sdr(j, t) = safeDb(ss, tot);
            r.isr(j, t) = safeDb(ss, en.spat);
            r.sir(j, t) = safeDb(en.own, en.interf);
            r.sar(j, t) = safeDb(en.proj, en.artif);
        }
    });
    return r;
}

const AlgorithmDescription& bssEvalDescription() {
    static const AlgorithmDescription d{
        "bss-eval",
        "BSS Eval",
        "metrics",
        "SDR, SIR, SAR (and ISR) with 512-tap distortion filters, as mir_eval 0.7 (v3) and museval (v4)",
        {
            {"filter-length", "Filter length", ParamSpec::Type::Integer, 512, 1, 4096, "samples",
             "Taps of the allowed distortion filter; 512 is the standard BSS Eval value.", {}, {}, false},
            {"permutation", "Search permutation", ParamSpec::Type::Flag, 1, 0, 1, "",
             "Match estimates to references by the permutation maximising the mean SIR.", {}, {}, false},
            {"window", "Window", ParamSpec::Type::Real, 1.0, 0.01, 3600, "s",
             "Window length of framewise and v4 evaluation (museval: 1 s).", {}, {}, false},
            {"hop", "Hop", ParamSpec::Type::Real, 1.0, 0.01, 3600, "s",
             "Hop between framewise and v4 windows (museval: 1 s).", {}, {}, false},
        }};
    return d;
}

}  // namespace phaselab::metrics
