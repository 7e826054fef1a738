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
    fftwf_plan forward = nullptr;
    fftwf_plan inverse = nullptr;
};

// Plans live until process exit; one pair per size.
PlanPair planFor(int n) {
    static std::map<int, PlanPair> cache;
    std::lock_guard<std::mutex> lock(plannerMutex());
    auto it = cache.find(n);
    if (it != cache.end()) return it->second;
    float* r = fftwf_alloc_real(std::size_t(n));
    fftwf_complex* c = fftwf_alloc_complex(std::size_t(n / 2 + 1));
    PlanPair p;
    p.forward = fftwf_plan_dft_r2c_1d(n, r, c, FFTW_ESTIMATE);
    p.inverse = fftwf_plan_dft_c2r_1d(n, c, r, FFTW_ESTIMATE);
    fftwf_free(r);
    fftwf_free(c);
    if (!p.forward || !p.inverse) throw Error("FFTW could not plan a transform of size " + std::to_string(n));
    cache.emplace(n, p);
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

RealFft::RealFft(int n) : n_(n) {
    if (n < 2 || n % 2) throw InputError("FFT size must be even and at least 2, got " + std::to_string(n));
    PlanPair p = planFor(n);
    forwardPlan_ = p.forward;
    inversePlan_ = p.inverse;
}

void RealFft::forward(float* in, std::complex<float>* out) const {
    fftwf_execute_dft_r2c(static_cast<fftwf_plan>(forwardPlan_), in, reinterpret_cast<fftwf_complex*>(out));
}

void RealFft::inverse(std::complex<float>* in, float* out) const {
    fftwf_execute_dft_c2r(static_cast<fftwf_plan>(inversePlan_), reinterpret_cast<fftwf_complex*>(in), out);
}

}  // namespace phaselab
