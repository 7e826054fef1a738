#include "core/tf/fft.h"

#include <fftw3.h>

#include <map>
#include <mutex>
#include <utility>

#include "core/common/error.h"

namespace phaselab {
namespace {

std::mutex& plannerMutex() {
    static std::mutex m;
    return m;
}

struct PlanPair {
    void* forward = nullptr;
    void* inverse = nullptr;
};

// FFTW's float (fftwf_) and double (fftw_) interfaces behind one name per operation.
template <typename T>
struct Fftw;

template <>
struct Fftw<float> {
    static PlanPair plan(int n) {
        float* r = fftwf_alloc_real(std::size_t(n));
        fftwf_complex* c = fftwf_alloc_complex(std::size_t(n / 2 + 1));
        PlanPair p{fftwf_plan_dft_r2c_1d(n, r, c, FFTW_ESTIMATE), fftwf_plan_dft_c2r_1d(n, c, r, FFTW_ESTIMATE)};
        fftwf_free(r);
        fftwf_free(c);
        return p;
    }
    static void forward(void* plan, float* in, std::complex<float>* out) {
        fftwf_execute_dft_r2c(static_cast<fftwf_plan>(plan), in, reinterpret_cast<fftwf_complex*>(out));
    }
    static void inverse(void* plan, std::complex<float>* in, float* out) {
        fftwf_execute_dft_c2r(static_cast<fftwf_plan>(plan), reinterpret_cast<fftwf_complex*>(in), out);
    }
    static void destroy(const PlanPair& p) {
        fftwf_destroy_plan(static_cast<fftwf_plan>(p.forward));
        fftwf_destroy_plan(static_cast<fftwf_plan>(p.inverse));
    }
    static void cleanup() { fftwf_cleanup(); }
};

template <>
struct Fftw<double> {
    static PlanPair plan(int n) {
        double* r = fftw_alloc_real(std::size_t(n));
        fftw_complex* c = fftw_alloc_complex(std::size_t(n / 2 + 1));
        PlanPair p{fftw_plan_dft_r2c_1d(n, r, c, FFTW_ESTIMATE), fftw_plan_dft_c2r_1d(n, c, r, FFTW_ESTIMATE)};
        fftw_free(r);
        fftw_free(c);
        return p;
    }
    static void forward(void* plan, double* in, std::complex<double>* out) {
        fftw_execute_dft_r2c(static_cast<fftw_plan>(plan), in, reinterpret_cast<fftw_complex*>(out));
    }
    static void inverse(void* plan, std::complex<double>* in, double* out) {
        fftw_execute_dft_c2r(static_cast<fftw_plan>(plan), reinterpret_cast<fftw_complex*>(in), out);
    }
    static void destroy(const PlanPair& p) {
        fftw_destroy_plan(static_cast<fftw_plan>(p.forward));
        fftw_destroy_plan(static_cast<fftw_plan>(p.inverse));
    }
    static void cleanup() { fftw_cleanup(); }
};

// Plans live until process exit, when they are destroyed and FFTW's own state is released (so leak
// checkers see no leak); one pair per size and precision.
template <typename T>
struct PlanCache {
    std::map<int, PlanPair> plans;
    ~PlanCache() {
        for (const auto& [n, p] : plans) Fftw<T>::destroy(p);
        Fftw<T>::cleanup();
    }
};

template <typename T>
PlanPair planFor(int n) {
    std::mutex& mutex = plannerMutex();  // constructed first, so destroyed after the cache
    static PlanCache<T> cache;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = cache.plans.find(n);
    if (it != cache.plans.end()) return it->second;
    const PlanPair p = Fftw<T>::plan(n);
    if (!p.forward || !p.inverse) throw Error("FFTW could not plan a transform of size " + std::to_string(n));
    cache.plans.emplace(n, p);
    return p;
}

}  // namespace

void* fftAlignedAlloc(std::size_t bytes) {
    void* p = fftwf_malloc(bytes ? bytes : 1);
    if (!p) throw std::bad_alloc();
    return p;
}

void fftAlignedFree(void* p) {
    if (p) fftwf_free(p);
}

template <typename T>
BasicRealFft<T>::BasicRealFft(int n) : n_(n) {
    if (n < 2 || n % 2) throw InputError("FFT size must be even and at least 2, got " + std::to_string(n));
    const PlanPair p = planFor<T>(n);
    forwardPlan_ = p.forward;
    inversePlan_ = p.inverse;
}

template <typename T>
void BasicRealFft<T>::forward(T* in, std::complex<T>* out) const {
    Fftw<T>::forward(forwardPlan_, in, out);
}

template <typename T>
void BasicRealFft<T>::inverse(std::complex<T>* in, T* out) const {
    Fftw<T>::inverse(inversePlan_, in, out);
}

template class BasicRealFft<float>;
template class BasicRealFft<double>;

}  // namespace phaselab
