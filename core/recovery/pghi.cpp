#include "core/recovery/pghi.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numbers>
#include <random>
#include <vector>

#include "core/common/error.h"
#include "core/recovery/bucket_queue.h"

namespace phaselab::recovery {

const AlgorithmDescription& pghiDescription() {
    static const AlgorithmDescription d{
        "pghi", "PGHI (phase gradient heap integration)", "recovery",
        "Phase from the magnitudes alone by integrating the phase gradients of a Gaussian window, strongest "
        "coefficients first (Průša et al. 2017). No iteration; also the best start for GL.",
        {
            realSpec("tolerance", "Tolerance", 1e-1, 1e-6, 0.99, "",
                     "Pass 1 integrates coefficients above this fraction of the largest magnitude (0.1 = -20 dB).", true),
            realSpec("second-tolerance", "Second tolerance", 1e-10, 1e-15, 0.99, "",
                     "Pass 2 extends the phase down to this fraction; weaker coefficients get a random phase. "
                     "Equal to the tolerance: one pass.",
                     true),
            integerSpec("seed", "Seed", 0, 0, 4294967295.0, "",
                        "Seed of the random phase of coefficients below the second tolerance."),
        }};
    return d;
}

PghiParams pghiParamsFrom(const ParamValues& values) {
    const auto& d = pghiDescription();
    validateParams(d, values);
    PghiParams p;
    p.tolerance = numberParam(d, values, "tolerance");
    p.secondTolerance = numberParam(d, values, "second-tolerance");
    p.seed = unsigned(numberParam(d, values, "seed"));
    return p;
}

void checkPghiParams(const PghiParams& p, const StftConfig& config) {
    if (!(p.tolerance > 0 && p.tolerance < 1))
        throw InputError("PGHI: the tolerance must be between 0 and 1 (a fraction of the largest magnitude), got " +
                         std::to_string(p.tolerance));
    if (!(p.secondTolerance > 0 && p.secondTolerance < 1))
        throw InputError("PGHI: the second tolerance must be between 0 and 1, got " + std::to_string(p.secondTolerance));
    if (p.secondTolerance > p.tolerance)
        throw InputError("PGHI: the second tolerance (" + std::to_string(p.secondTolerance) +
                         ") must not exceed the first (" + std::to_string(p.tolerance) + ")");
    if (config.windowLength < kPghiMinimumWindow)
        throw InputError("PGHI: the window of " + std::to_string(config.windowLength) + " samples is too short (at least " +
                         std::to_string(kPghiMinimumWindow) + ")");
}

namespace {

enum : unsigned char { kBelow = 0, kUnknown = 1, kKnown = 2 };

struct Entry {
    float magnitude;
    std::uint32_t index;
};
struct Smaller {
    bool operator()(const Entry& a, const Entry& b) const {
        return a.magnitude < b.magnitude || (a.magnitude == b.magnitude && a.index > b.index);
    }
};

double wrap(double x) {
    constexpr double twoPi = 2 * std::numbers::pi;
    x -= twoPi * std::floor((x + std::numbers::pi) / twoPi);
    return x <= -std::numbers::pi ? x + twoPi : x;
}

// The two passes of §1.5 over one spectrogram (phase written in place).
class HeapIntegration {
public:
    HeapIntegration(const Magnitudes& V, const PhaseGradients& g, Magnitudes& phase, std::vector<unsigned char>& state,
                    float peak)
        : magnitude_(V.data()), timeGradient_(g.time.data()), frequencyGradient_(g.frequency.data()),
          linear_(g.timeLinear), phase_(phase.data()), state_(state), F_(V.rows()), T_(V.cols()),
          inverseF_(1.0 / double(V.rows())), peak_(peak) {}

    void pass(float threshold) {
        // Island starts: the largest coefficient not yet reached. After the first flood (from the
        // known coefficients' borders, or from the largest coefficient) the still-unknown ones are
        // collected and sorted once; the set only shrinks, so a cursor finds every later start.
        const Eigen::Index K = F_ * T_;
        Eigen::Index remaining = 0;
        for (Eigen::Index i = 0; i < K; ++i) {
            if (state_[i] == kKnown) continue;
            state_[i] = magnitude_[i] > threshold ? kUnknown : kBelow;
            remaining += state_[i] == kUnknown;
        }
        remaining_ = remaining;
        if (remaining_ == 0) return;
        queue_.reset(std::max(threshold, FLT_MIN), std::max(peak_, FLT_MIN), std::size_t(K));
        for (Eigen::Index n = 0, i = 0; n < T_; ++n)
            for (Eigen::Index m = 0; m < F_; ++m, ++i)
                if (state_[i] == kKnown && hasUnknownNeighbour(i, m, n)) push(i);
        if (queue_.empty()) {
            Eigen::Index start = -1;
            for (Eigen::Index i = 0; i < K; ++i)
                if (state_[i] == kUnknown && (start < 0 || magnitude_[i] > magnitude_[start])) start = i;
            startIsland(start);
        }
        flood();
        candidates_.clear();
        for (Eigen::Index i = 0; i < K && remaining_ > 0; ++i)
            if (state_[i] == kUnknown) candidates_.push_back({magnitude_[i], std::uint32_t(i)});
        std::sort(candidates_.begin(), candidates_.end(), [](const Entry& a, const Entry& b) { return Smaller{}(b, a); });
        for (const Entry& c : candidates_) {
            if (remaining_ == 0) break;
            if (state_[c.index] != kUnknown) continue;
            startIsland(c.index);
            flood();
        }
    }

private:

    bool hasUnknownNeighbour(Eigen::Index i, Eigen::Index m, Eigen::Index n) const {
        return (m + 1 < F_ && state_[i + 1] == kUnknown) || (m > 0 && state_[i - 1] == kUnknown) ||
               (n + 1 < T_ && state_[i + F_] == kUnknown) || (n > 0 && state_[i - F_] == kUnknown);
    }

    void startIsland(Eigen::Index i) {
        phase_[i] = 0;
        state_[i] = kKnown;
        --remaining_;
        push(i);
    }

    void flood() {
        while (!queue_.empty() && remaining_ > 0) extend(queue_.pop());
        queue_.clear();
    }

    void push(Eigen::Index i) { queue_.push(magnitude_[i], std::uint32_t(i)); }

    void assign(Eigen::Index i, double value) {
        phase_[i] = float(wrap(value));
        state_[i] = kKnown;
        --remaining_;
        push(i);
    }

    void extend(Eigen::Index w) {
        const Eigen::Index n = Eigen::Index((double(w) + 0.5) * inverseF_), m = w - n * F_;  // exact for w < 2^32
        const double phi = phase_[w];
        const float* fg = frequencyGradient_;
        const float* tg = timeGradient_;
        if (m + 1 < F_ && state_[w + 1] == kUnknown) assign(w + 1, phi + 0.5 * (double(fg[w]) + fg[w + 1]));
        if (m > 0 && state_[w - 1] == kUnknown) assign(w - 1, phi - 0.5 * (double(fg[w]) + fg[w - 1]));
        if (n + 1 < T_ && state_[w + F_] == kUnknown) assign(w + F_, phi + 0.5 * (double(tg[w]) + tg[w + F_]) + linear_[m]);
        if (n > 0 && state_[w - F_] == kUnknown) assign(w - F_, phi - 0.5 * (double(tg[w]) + tg[w - F_]) - linear_[m]);
    }

    const float* magnitude_;
    const float* timeGradient_;
    const float* frequencyGradient_;
    const Eigen::ArrayXd& linear_;
    float* phase_;
    std::vector<unsigned char>& state_;
    Eigen::Index F_, T_;
    double inverseF_;
    float peak_;
    Eigen::Index remaining_ = 0;  // coefficients still unknown in this pass
    BucketQueue queue_;
    std::vector<Entry> candidates_;
};

void checkMagnitudes(const Magnitudes& V) {
    if (V.size() == 0) throw InputError("PGHI: the magnitudes are empty");
    if (!V.isFinite().all()) throw InputError("PGHI: the magnitudes contain NaN or infinite values");
    if ((V < 0).any()) throw InputError("PGHI: the magnitudes must be non-negative");
}

// Per-bin shift from the zero-phase convention to the config's own (-pi f N / Nfft, or 0).
Eigen::ArrayXf conventionShift(const StftConfig& config) {
    const Eigen::Index F = config.bins();
    if (config.zeroPhase) return Eigen::ArrayXf::Zero(F);
    Eigen::ArrayXf shift(F);
    for (Eigen::Index f = 0; f < F; ++f) shift[f] = float(wrap(-std::numbers::pi * double(f) * config.windowLength / config.fft()));
    return shift;
}

}  // namespace

Magnitudes pghiIntegrate(const Magnitudes& V, const PhaseGradients& g, const PghiParams& params, const KnownPhase* known) {
    const Eigen::Index F = V.rows(), T = V.cols(), K = V.size();
    if (K >= Eigen::Index(UINT32_MAX))
        throw InputError("PGHI: the spectrogram has " + std::to_string(K) + " coefficients, more than it can index; "
                         "use a larger hop or split the file");
    if (g.time.rows() != F || g.time.cols() != T || g.frequency.rows() != F || g.frequency.cols() != T ||
        g.timeLinear.size() != F)
        throw InputError("PGHI: the phase gradients do not have the magnitudes' shape");
    Magnitudes phase = Magnitudes::Zero(F, T);
    std::vector<unsigned char> state(std::size_t(K), kBelow);
    if (known) {
        if (known->mask.rows() != F || known->mask.cols() != T || known->phase.rows() != F || known->phase.cols() != T)
            throw InputError("PGHI: the known-phase mask is " + std::to_string(known->mask.rows()) + " x " +
                             std::to_string(known->mask.cols()) + ", the magnitudes " + std::to_string(F) + " x " +
                             std::to_string(T));
        for (Eigen::Index i = 0; i < K; ++i)
            if (known->mask(i)) {
                if (!std::isfinite(known->phase(i))) throw InputError("PGHI: a known phase is NaN or infinite");
                phase(i) = known->phase(i);
                state[std::size_t(i)] = kKnown;
            }
    }
    const float peak = V.maxCoeff();
    if (peak > 0) {
        HeapIntegration integration(V, g, phase, state, peak);
        integration.pass(float(params.tolerance * peak));
        if (params.secondTolerance < params.tolerance) integration.pass(float(params.secondTolerance * peak));
    }
    std::mt19937 generator(params.seed);
    std::uniform_real_distribution<float> uniform(-float(std::numbers::pi), float(std::numbers::pi));
    for (Eigen::Index i = 0; i < K; ++i)
        if (state[std::size_t(i)] != kKnown) phase(i) = uniform(generator);
    return phase;
}

Magnitudes pghiPhase(const Magnitudes& V, const StftConfig& config, const PghiParams& params, const KnownPhase* known) {
    config.validate();
    checkPghiParams(params, config);
    checkMagnitudes(V);
    if (V.rows() != config.bins())
        throw InputError("PGHI: the magnitudes have " + std::to_string(V.rows()) + " bins, " + config.describe() + " has " +
                         std::to_string(config.bins()));
    const Eigen::ArrayXf shift = conventionShift(config);
    Magnitudes l;
    logMagnitude(V, std::max(V.maxCoeff() * 1e-15f, FLT_MIN), l);
    const PhaseGradients g = phaseGradients(l, config, pghiGamma(config));
    Magnitudes phase;
    if (known && !config.zeroPhase) {
        KnownPhase centred = *known;
        centred.phase.colwise() -= shift;
        phase = pghiIntegrate(V, g, params, &centred);
    } else {
        phase = pghiIntegrate(V, g, params, known);
    }
    if (!config.zeroPhase) {
        phase.colwise() += shift;
        phase = phase.unaryExpr([](float x) { return float(wrap(x)); });
    }
    return phase;
}

RecoveryResult pghiRecovery(const Magnitudes& V, Eigen::Index length, const StftConfig& config, const PghiParams& params,
                            const RunControl& control) {
    checkTarget(V, length, config, "PGHI");
    checkPghiParams(params, config);
    const long long start = nowNanoseconds();
    control.checkCancel();
    return onePassResult(V, pghiPhase(V, config, params), length, config, control, start);
}

}  // namespace phaselab::recovery
