#include "core/recovery/bregman.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "core/common/error.h"

namespace phaselab::recovery {
namespace {

// z^e with cheap paths for the exponents the usual betas produce.
inline double powe(double z, double e) {
    if (e == 0) return 1;
    if (e == 1) return z;
    if (e == -1) return 1 / z;
    if (e == -2) return 1 / (z * z);
    if (e == -3) return 1 / (z * z * z);
    if (e == 0.5) return std::sqrt(z);
    if (e == -0.5) return 1 / std::sqrt(z);
    if (e == -1.5) return 1 / (z * std::sqrt(z));
    if (e == -2.5) return 1 / (z * z * std::sqrt(z));
    return std::pow(z, e);
}

// D(z) = d_beta(r | z) (right) or d_beta(z | r) (left), and its first two derivatives in z.
struct Divergence {
    double beta;
    bool right;

    double value(double z, double r) const { return right ? betaDivergence(r, z, beta) : betaDivergence(z, r, beta); }
    double first(double z, double r) const {
        if (right) return powe(z, beta - 2) * (z - r);
        if (beta == 1) return std::log(z / r);
        return (powe(z, beta - 1) - powe(r, beta - 1)) / (beta - 1);
    }
    double second(double z, double r) const {
        if (right) return (beta - 1) * powe(z, beta - 2) - (beta - 2) * r * powe(z, beta - 3);
        return powe(z, beta - 2);
    }
};

struct Sums {
    double objective = 0, error = 0, residual = 0, reference = 0;
};

Sums total(const Eigen::ArrayXXd& columns) {
    const Eigen::ArrayXd s = columns.rowwise().sum();
    return Sums{s[0], s[1], s[2], s[3]};
}

Eigen::ArrayXd omegaWeights(Eigen::Index F) {
    Eigen::ArrayXd omega = Eigen::ArrayXd::Constant(F, 2.0);
    omega[0] = omega[F - 1] = 1.0;
    return omega;
}

// Per-thread scratch columns for evaluate().
struct Workspace {
    Eigen::ArrayXd a, v, z, r, g;
    Eigen::ArrayXcf h;
    explicit Workspace(Eigen::Index F) : a(F), v(F), z(F), r(F), g(F), h(F) {}
};

// w.g = max(0, v - eps) with v the positive root of rho v^2 + b v - c = 0, b in w.z, c = w.r
// (unit = false) or 1 (unit = true); w.v is overwritten. Without cancellation, no allocation.
void positiveRootsMinusEps(Workspace& w, double rho, double eps, bool unit) {
    if (unit) {
        w.v = (w.z.square() + 4 * rho).sqrt();
        w.g = (w.z >= 0).select(2 / (w.z + w.v), (w.v - w.z) / (2 * rho));
    } else {
        w.v = (w.z.square() + 4 * rho * w.r).sqrt();
        w.g = (w.z >= 0).select(2 * w.r / (w.z + w.v), (w.v - w.z) / (2 * rho));
    }
    w.g = (w.g - eps).max(0.0);
}

// D(z) summed with the omega weights, vectorised per beta family.
double weightedValue(const Workspace& w, const Eigen::ArrayXd& omega, const Divergence& D) {
    const Eigen::ArrayXd& p = D.right ? w.r : w.z;  // d_beta(p | q)
    const Eigen::ArrayXd& q = D.right ? w.z : w.r;
    const double beta = D.beta;
    if (beta == 2) return (omega * 0.5 * (p - q).square()).sum();
    if (beta == 1) return (omega * (p * (p / q).log() - p + q)).sum();
    if (beta == 0) return (omega * (p / q - (p / q).log() - 1)).sum();
    if (beta == 0.5) return (omega * (p.sqrt() - 0.5 * q.sqrt() - 0.5 * p / q.sqrt())).sum() / -0.25;
    return (omega * (p.pow(beta) + (beta - 1) * q.pow(beta) - beta * p * q.pow(beta - 1))).sum() / (beta * (beta - 1));
}

// dD/dz into w.g, vectorised per beta family.
void derivative(Workspace& w, const Divergence& D) {
    const double beta = D.beta;
    if (beta == 2) w.g = w.z - w.r;
    else if (D.right) {
        if (beta == 1) w.g = 1 - w.r / w.z;
        else if (beta == 0) w.g = (w.z - w.r) / w.z.square();
        else if (beta == 0.5) w.g = (w.z - w.r) / (w.z * w.z.sqrt());
        else w.g = w.z.pow(beta - 2) * (w.z - w.r);
    } else {
        if (beta == 1) w.g = (w.z / w.r).log();
        else if (beta == 0) w.g = 1 / w.r - 1 / w.z;
        else if (beta == 0.5) w.g = 2 / w.r.sqrt() - 2 / w.z.sqrt();
        else w.g = (w.z.pow(beta - 1) - w.r.pow(beta - 1)) / (beta - 1);
    }
}

// J(S) (omega-weighted) and || |S| - V ||^2 per column into columns(0..1, t);
// W = d g |S|^{d-2} S into `gradient` if given. `work` holds one Workspace per thread.
void evaluate(const Spectrogram& S, const Magnitudes& V, const Divergence& D, int d, double eps, Spectrogram* gradient,
              Eigen::ArrayXXd& columns, std::vector<Workspace>& work, const Eigen::ArrayXd& omega) {
    forColumns(S.cols(), int(work.size()), [&](int chunk, Eigen::Index begin, Eigen::Index end) {
        Workspace& w = work[std::size_t(chunk)];
        for (Eigen::Index t = begin; t < end; ++t) {
            w.a = S.col(t).abs2().cast<double>().sqrt();
            w.v = V.col(t).cast<double>();
            if (d == 1) {
                w.z = w.a + eps;
                w.r = w.v + eps;
            } else {
                w.z = w.a.square() + eps;
                w.r = w.v.square() + eps;
            }
            columns(0, t) = weightedValue(w, omega, D);
            columns(1, t) = (w.a - w.v).square().sum();
            if (!gradient) continue;
            derivative(w, D);
            if (d == 1) w.g = (w.a > 0).select(w.g / w.a, 0.0);
            else w.g *= 2;
            gradient->col(t) = S.col(t) * w.g.cast<float>().cast<std::complex<float>>();
        }
    });
}

// Positive root of a v^2 + b v - c = 0 (a, c > 0), without cancellation.
double positiveRoot(double a, double b, double c) {
    const double s = std::sqrt(b * b + 4 * a * c);
    return b >= 0 ? 2 * c / (b + s) : (s - b) / (2 * a);
}

// argmin_{u >= 0} D(u^d + eps) + rho/2 (u - y)^2 (data r already includes eps).
double proxStep(double y, double r, const Divergence& D, int d, double rho, double eps) {
    if (d == 1) {
        // closed forms in v = u + eps (= z): quadratic, KL right, IS left
        if (D.beta == 2) return std::max(0.0, (r - eps + rho * y) / (1 + rho));
        if (D.beta == 1 && D.right) {  // rho v^2 + (1 - rho (y + eps)) v - r = 0
            return std::max(0.0, positiveRoot(rho, 1 - rho * (y + eps), r) - eps);
        }
        if (D.beta == 0 && !D.right) {  // rho v^2 + (1/r - rho (y + eps)) v - 1 = 0
            return std::max(0.0, positiveRoot(rho, 1 / r - rho * (y + eps), 1.0) - eps);
        }
    }
    double lo = 0, hi = std::max(y, d == 1 ? r : std::sqrt(r));
    double u = hi;  // from the right: phi' >= 0 there and Newton converges monotonically where phi' is convex
    for (int i = 0; i < 60; ++i) {
        const double ud = d == 1 ? u : u * u, z = ud + eps;
        const double g1 = D.first(z, r), g2 = D.second(z, r);
        const double slope = (d == 1 ? g1 : 2 * u * g1) + rho * (u - y);
        if (slope == 0) break;
        (slope < 0 ? lo : hi) = u;
        const double curvature = (d == 1 ? g2 : 2 * g1 + 4 * ud * g2) + rho;
        double next = u - slope / curvature;
        if (!(curvature > 0) || !(next > lo && next < hi)) next = 0.5 * (lo + hi);
        const bool done = std::abs(next - u) <= 1e-7 * std::max(u, 1e-6) || hi - lo <= 1e-12;
        u = next;
        if (done) break;
    }
    return u;
}

Eigen::ArrayXd envelope(const StftConfig& config, Eigen::Index length) {
    const int N = config.windowLength;
    const Eigen::ArrayXd w2 = makeWindow(config.window, N).cast<double>().square();
    Eigen::ArrayXd env = Eigen::ArrayXd::Zero(length + N);
    for (Eigen::Index t = 0, T = 1 + length / config.hop; t < T; ++t) env.segment(t * config.hop, N) += w2;
    return env.segment(N / 2, length);
}

void checkParams(const BregmanParams& p) {
    auto bad = [](const std::string& what) { throw InputError("Bregman phase retrieval: " + what); };
    if (!(p.beta >= 0 && p.beta <= 2)) bad("beta must be between 0 and 2, got " + std::to_string(p.beta));
    if (p.power != 1 && p.power != 2) bad("the power d must be 1 (magnitude) or 2 (power), got " + std::to_string(p.power));
    if (p.iterations < 1) bad("the number of iterations must be at least 1, got " + std::to_string(p.iterations));
    if (!(p.step >= 0) || !std::isfinite(p.step)) bad("the step must be positive (0 = default), got " + std::to_string(p.step));
    if (!(p.acceleration >= 0 && p.acceleration < 1)) bad("the acceleration must be in [0, 1), got " + std::to_string(p.acceleration));
    if (!(p.rho > 0) || !std::isfinite(p.rho)) bad("rho must be positive, got " + std::to_string(p.rho));
    if (!(p.eps > 0) || !std::isfinite(p.eps)) bad("eps must be positive, got " + std::to_string(p.eps));
    if (p.threads < 1 || p.threads > 64) bad("threads must be between 1 and 64, got " + std::to_string(p.threads));
}

}  // namespace

double betaDivergence(double a, double b, double beta) {
    if (beta == 2) return 0.5 * (a - b) * (a - b);
    if (beta == 1) return a * std::log(a / b) - a + b;
    if (beta == 0) return a / b - std::log(a / b) - 1;
    return (powe(a, beta) + (beta - 1) * powe(b, beta) - beta * a * powe(b, beta - 1)) / (beta * (beta - 1));
}

double bregmanProx(double y, double r, const BregmanParams& p) {
    return proxStep(y, r + p.eps, Divergence{p.beta, p.side == BregmanSide::Right}, p.power, p.rho, p.eps);
}

double defaultStep(double beta, int power, BregmanSide side) {
    // Best step of a sweep (1e-9 .. 3, 100 accelerated iterations, zero initial phase) on 5 s of
    // speech_noise_16k_speech, Hann 1024 / 256, at beta = 0, 0.5, 1, 2; log-linear in between.
    static const double anchors[4] = {0, 0.5, 1, 2};
    static const double steps[2][2][4] = {
        {{1e-9, 1e-6, 1e-3, 1.0}, {1e-9, 1e-5, 0.1, 1.0}},     // d = 1: right, left
        {{1e-9, 1e-6, 0.3, 1e-4}, {1e-9, 1e-6, 0.03, 1e-4}},   // d = 2: right, left
    };
    const double* s = steps[power == 2][side == BregmanSide::Left];
    int i = 0;
    while (i < 2 && beta > anchors[i + 1]) ++i;
    const double w = std::clamp((beta - anchors[i]) / (anchors[i + 1] - anchors[i]), 0.0, 1.0);
    return std::exp((1 - w) * std::log(s[i]) + w * std::log(s[i + 1]));
}

const AlgorithmDescription& bregmanDescription() {
    static const AlgorithmDescription d{
        "bregman",
        "Bregman phase retrieval",
        "recovery",
        "Minimise a beta-divergence between |STFT(y)|^d and the target (Vial et al. 2021).",
        {
            integerSpec("iterations", "Iterations", 100, 1, 100000, "", "Number of gradient or ADMM iterations."),
            realSpec("beta", "Beta", 2, 0, 2, "",
                     "Divergence: 2 quadratic, 1 Kullback-Leibler, 0 Itakura-Saito; lower values favour quiet bins."),
            integerSpec("power", "Power d", 1, 1, 2, "", "Compare magnitudes (1) or power spectrograms (2)."),
            choiceSpec("side", "Side", {"right", "left"}, "right",
                       "right: D(target | estimate); left: D(estimate | target)."),
            choiceSpec("solver", "Solver", {"gd", "admm"}, "gd",
                       "Accelerated gradient descent (cheap per iteration) or ADMM (a proximal step per bin)."),
            realSpec("step", "Step", 0, 0, 1000, "",
                     "Gradient step relative to a Griffin-Lim step (0 = default for beta and d); lower it if the error grows.",
                     true),
            realSpec("acceleration", "Acceleration", 0.99, 0, 0.999, "", "Momentum of the gradient descent (0.99 usual)."),
            realSpec("rho", "ADMM penalty", 0.1, 1e-4, 1e4, "", "ADMM augmented-Lagrangian penalty (0.1 in the paper).", true),
            choiceSpec("init", "Initial phase", {"zero", "random", "pu", "pghi", "signal"}, "zero",
                       "Phase to start from: zero, random (seeded), the sinusoidal model (pu), phase gradient heap integration (pghi) or a given signal's phase."),
            integerSpec("seed", "Seed", 0, 0, 4294967295.0, "", "Seed of the random initial phase."),
            integerSpec("threads", "Threads", 1, 1, 64, "", "Worker threads for the STFTs and the elementwise steps."),
        }};
    return d;
}

BregmanParams bregmanParamsFrom(const ParamValues& values, double sampleRate) {
    const auto& d = bregmanDescription();
    validateParams(d, values);
    BregmanParams p;
    p.iterations = int(numberParam(d, values, "iterations"));
    p.beta = numberParam(d, values, "beta");
    p.power = int(numberParam(d, values, "power"));
    p.side = choiceParam(d, values, "side") == "left" ? BregmanSide::Left : BregmanSide::Right;
    p.solver = choiceParam(d, values, "solver") == "admm" ? BregmanSolver::Admm : BregmanSolver::GradientDescent;
    p.step = numberParam(d, values, "step");
    p.acceleration = numberParam(d, values, "acceleration");
    p.rho = numberParam(d, values, "rho");
    p.init.kind = initialPhaseFromName(choiceParam(d, values, "init"));
    p.init.seed = unsigned(numberParam(d, values, "seed"));
    p.init.pghi.seed = p.init.seed;
    p.init.pu.sampleRate = sampleRate;
    p.threads = int(numberParam(d, values, "threads"));
    return p;
}

double bregmanObjective(const Eigen::ArrayXf& x, const Magnitudes& V, const StftConfig& config, const BregmanParams& p) {
    checkParams(p);
    checkTarget(V, x.size(), config, "Bregman objective");
    Stft stft(config);
    const Spectrogram S = stft.analyse(x);
    Eigen::ArrayXXd columns = Eigen::ArrayXXd::Zero(4, S.cols());
    std::vector<Workspace> work(1, Workspace(S.rows()));
    evaluate(S, V, Divergence{p.beta, p.side == BregmanSide::Right}, p.power, p.eps, nullptr, columns, work, omegaWeights(S.rows()));
    return total(columns).objective;
}

Eigen::ArrayXd bregmanGradient(const Eigen::ArrayXf& x, const Magnitudes& V, const StftConfig& config,
                               const BregmanParams& p) {
    checkParams(p);
    checkTarget(V, x.size(), config, "Bregman gradient");
    Stft stft(config);
    const Spectrogram S = stft.analyse(x);
    Spectrogram W(S.rows(), S.cols());
    Eigen::ArrayXXd columns = Eigen::ArrayXXd::Zero(4, S.cols());
    std::vector<Workspace> work(1, Workspace(S.rows()));
    evaluate(S, V, Divergence{p.beta, p.side == BregmanSide::Right}, p.power, p.eps, &W, columns, work, omegaWeights(S.rows()));
    return stft.synthesise(W, x.size()).cast<double>() * envelope(config, x.size()) * double(config.fft());
}

RecoveryResult bregmanRetrieval(const Magnitudes& V, Eigen::Index length, const StftConfig& config,
                                const BregmanParams& params, const RunControl& control) {
    checkTarget(V, length, config, "Bregman phase retrieval");
    checkParams(params);
    const FlushDenormals flush;
    const long long start = nowNanoseconds();
    const Eigen::Index F = V.rows(), T = V.cols();
    const int d = params.power, threads = params.threads;
    const Divergence D{params.beta, params.side == BregmanSide::Right};
    const double scale = std::sqrt(V.cast<double>().square().mean());
    const Magnitudes Vn = V / float(scale);
    const double reference = Vn.cast<double>().square().sum();
    const double step = params.step > 0 ? params.step : defaultStep(params.beta, d, params.side);
    const double rho = params.rho, eps = params.eps, gamma = params.acceleration;

    Stft stft(config, threads);
    Spectrogram S(F, T), W(F, T);
    Eigen::ArrayXf x(length), y(length), yPrevious(length), direction(length);
    stft.synthesise(polar(Vn, initialPhase(Vn, length, config, params.init)), length, x);
    stft.analyse(x, S);
    Eigen::ArrayXXd columns = Eigen::ArrayXXd::Zero(4, T);
    std::vector<Workspace> work(std::size_t(threads), Workspace{F});
    const Eigen::ArrayXd omega = omegaWeights(F);

    RecoveryResult r;
    r.trace.reserve(std::size_t(params.iterations));
    // Gradient descent iterates on the signal, so its spectrogram is consistent by construction:
    // it has no inconsistency to report (NaN), where ADMM's split variable does.
    const bool gradient = params.solver == BregmanSolver::GradientDescent;
    auto record = [&](int k, const Sums& s) {
        IterationFigures f{k, 10 * std::log10(std::max(s.error, 1e-300) / reference),
                           gradient ? NAN : (s.reference > 0 ? s.residual / s.reference : 0.0), s.objective};
        r.iterations = k;
        reportIteration(control, f, params.iterations, r.trace, start);
    };

    if (params.solver == BregmanSolver::GradientDescent) {
        yPrevious = x;
        for (int k = 1; k <= params.iterations; ++k) {
            control.checkCancel();
            evaluate(S, Vn, D, d, eps, &W, columns, work, omega);
            record(k, total(columns));
            stft.synthesise(W, length, direction);
            y = x - float(step) * direction;
            x = y + float(gamma) * (y - yPrevious);
            std::swap(y, yPrevious);
            stft.analyse(k == params.iterations ? yPrevious : x, S);
        }
        x = yPrevious;  // the last gradient step, without extrapolation
        evaluate(S, Vn, D, d, eps, nullptr, columns, work, omega);
        r.inconsistency = NAN;
    } else {
        Spectrogram& Z = W;
        Spectrogram L = Spectrogram::Zero(F, T);
        Z = S;
        const float invRho = float(1 / rho);
        // L += rho (S - Z); figures; then Z = prox(|S + L/rho|) e^{i angle}, S = Z - L/rho.
        auto pass = [&](bool update) {
            forColumns(T, threads, [&](int chunk, Eigen::Index begin, Eigen::Index end) {
                Workspace& w = work[std::size_t(chunk)];
                for (Eigen::Index t = begin; t < end; ++t) {
                    auto s = S.col(t);
                    auto z = Z.col(t);
                    auto l = L.col(t);
                    columns(2, t) = (s - z).abs2().cast<double>().sum();
                    columns(3, t) = z.abs2().cast<double>().sum();
                    w.a = s.abs2().cast<double>().sqrt();
                    w.v = Vn.col(t).cast<double>();
                    w.z = (d == 1 ? w.a : w.a.square()) + eps;
                    w.r = (d == 1 ? w.v : w.v.square()) + eps;
                    columns(0, t) = weightedValue(w, omega, D);
                    columns(1, t) = (w.a - w.v).square().sum();
                    if (!update) continue;
                    l += float(rho) * (s - z);
                    w.h = s + l * invRho;
                    w.a = w.h.abs2().cast<double>().sqrt();  // |H|, the prox input y
                    if (d == 1 && D.beta == 2) {
                        w.g = ((w.r - eps + rho * w.a) / (1 + rho)).max(0.0);
                    } else if (d == 1 && D.beta == 1 && D.right) {  // rho v^2 + (1 - rho (y + eps)) v - r = 0
                        w.z = 1 - rho * (w.a + eps);
                        positiveRootsMinusEps(w, rho, eps, false);
                    } else if (d == 1 && D.beta == 0 && !D.right) {  // rho v^2 + (1/r - rho (y + eps)) v - 1 = 0
                        w.z = 1 / w.r - rho * (w.a + eps);
                        positiveRootsMinusEps(w, rho, eps, true);
                    } else {
                        for (Eigen::Index f = 0; f < F; ++f) w.g[f] = proxStep(w.a[f], w.r[f], D, d, rho, eps);
                    }
                    z = w.h * (w.a > 0).select(w.g / w.a, 0.0).cast<float>().cast<std::complex<float>>();
                    for (Eigen::Index f = 0; f < F; ++f)
                        if (w.a[f] == 0) z[f] = std::complex<float>(float(w.g[f]), 0);
                    s = z - l * invRho;
                }
            });
        };
        for (int k = 1; k <= params.iterations; ++k) {
            control.checkCancel();
            pass(true);
            record(k, total(columns));
            stft.synthesise(S, length, x);
            stft.analyse(x, S);
        }
        pass(false);
        const Sums s = total(columns);
        r.inconsistency = s.reference > 0 ? s.residual / s.reference : 0.0;
    }
    const Sums s = total(columns);
    r.spectralConvergenceDb = 10 * std::log10(std::max(s.error, 1e-300) / reference);
    r.signal = x * float(scale);
    r.seconds = secondsSince(start);
    return r;
}

}  // namespace phaselab::recovery
