#pragma once
// Narrow interface to FFTW3 (real <-> half-complex, single precision for the STFTs and double for
// the metrics), with plans made once per size and precision and shared process-wide.
//
// Plan creation takes a global lock (the FFTW planner is not thread-safe); execution uses
// FFTW's new-array functions, so one RealFft may be executed from several threads at once as
// long as each thread passes its own buffers. Buffers must be 16-byte aligned, as FFTW's SIMD
// codelets require: AlignedBuffer, or Eigen storage at a 16-byte boundary (the start of any Eigen
// array, and every column of a complex<double> one). Plans use FFTW_ESTIMATE: cheap to make, and the same algorithm in every process,
// so results are bit-identical from run to run (FFTW_MEASURE picks plans by timing, which changes
// the rounding between processes); measured as fast as FFTW_MEASURE for our sizes (bench_stft).

#include <complex>
#include <cstddef>
#include <memory>

namespace phaselab {

void* fftAlignedAlloc(std::size_t bytes);
void fftAlignedFree(void* p);

template <typename T>
class AlignedBuffer {
public:
    AlignedBuffer() = default;
    explicit AlignedBuffer(std::size_t n) : n_(n), p_(static_cast<T*>(fftAlignedAlloc(n * sizeof(T)))) {}
    AlignedBuffer(AlignedBuffer&& o) noexcept : n_(o.n_), p_(o.p_) { o.n_ = 0; o.p_ = nullptr; }
    AlignedBuffer& operator=(AlignedBuffer&& o) noexcept {
        std::swap(n_, o.n_);
        std::swap(p_, o.p_);
        return *this;
    }
    AlignedBuffer(const AlignedBuffer&) = delete;
    AlignedBuffer& operator=(const AlignedBuffer&) = delete;
    ~AlignedBuffer() { fftAlignedFree(p_); }
    T* data() { return p_; }
    const T* data() const { return p_; }
    std::size_t size() const { return n_; }
    T& operator[](std::size_t i) { return p_[i]; }
    const T& operator[](std::size_t i) const { return p_[i]; }

private:
    std::size_t n_ = 0;
    T* p_ = nullptr;
};

// Real FFT of even size n: forward maps n reals to n/2+1 complex bins,
// X[k] = sum_j x[j] exp(-2 pi i j k / n) (no scaling); inverse is the unnormalised
// adjoint (multiply by 1/n yourself) and destroys its input. T is float or double.
template <typename T>
class BasicRealFft {
public:
    explicit BasicRealFft(int n);
    int size() const { return n_; }
    int bins() const { return n_ / 2 + 1; }
    void forward(T* in, std::complex<T>* out) const;
    void inverse(std::complex<T>* in, T* out) const;

private:
    int n_;
    void* forwardPlan_;
    void* inversePlan_;
};

using RealFft = BasicRealFft<float>;
using RealFftD = BasicRealFft<double>;

}  // namespace phaselab
