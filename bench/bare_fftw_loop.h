#pragma once
// The baseline of the STFT-bound benchmarks: one STFT + iSTFT pass (Hann, r2c into a spectrogram;
// c2r, window, overlap-add, envelope normalisation) written directly on FFTW, single precision,
// FFTW_MEASURE plans, one thread. What any STFT-based method has to pay per pass.
#include <fftw3.h>

#include <Eigen/Core>
#include <algorithm>
#include <complex>

#include "core/tf/stft.h"

namespace phaselab::bench {

class BareFftwLoop {
public:
    BareFftwLoop(Eigen::Index length, int n = 2048, int hop = 512)
        : N_(n), hop_(hop), F_(n / 2 + 1), L_(length), T_(1 + length / hop), w_(makeWindow(WindowType::Hann, n)),
          buf_(fftwf_alloc_real(std::size_t(n))), spec_(fftwf_alloc_complex(std::size_t(F_))),
          fwd_(fftwf_plan_dft_r2c_1d(n, buf_, spec_, FFTW_MEASURE)), inv_(fftwf_plan_dft_c2r_1d(n, spec_, buf_, FFTW_MEASURE)),
          S_(F_, T_), acc_(length + n + hop) {
        Eigen::ArrayXf env = Eigen::ArrayXf::Zero(length + n + hop);
        for (Eigen::Index t = 0; t < T_; ++t) env.segment(t * hop, n) += w_.square();
        envInv_ = 1.0f / (env.segment(n / 2, length) * float(n));
    }
    ~BareFftwLoop() {
        fftwf_destroy_plan(fwd_);
        fftwf_destroy_plan(inv_);
        fftwf_free(buf_);
        fftwf_free(spec_);
    }
    BareFftwLoop(const BareFftwLoop&) = delete;
    BareFftwLoop& operator=(const BareFftwLoop&) = delete;

    // x: L_ samples in; y: L_ samples out.
    void pass(const Eigen::ArrayXf& x, Eigen::ArrayXf& y) {
        const int half = N_ / 2;
        for (Eigen::Index t = 0; t < T_; ++t) {
            const Eigen::Index s0 = t * hop_ - half;
            for (int n = 0; n < N_; ++n) {
                const Eigen::Index s = s0 + n;
                buf_[n] = (s >= 0 && s < L_) ? x[s] * w_[n] : 0.0f;
            }
            fftwf_execute(fwd_);
            std::copy_n(reinterpret_cast<std::complex<float>*>(spec_), F_, S_.col(t).data());
        }
        acc_.setZero();
        for (Eigen::Index t = 0; t < T_; ++t) {
            std::copy_n(S_.col(t).data(), F_, reinterpret_cast<std::complex<float>*>(spec_));
            fftwf_execute(inv_);
            for (int n = 0; n < N_; ++n) acc_[t * hop_ + n] += buf_[n] * w_[n];
        }
        y = acc_.segment(half, L_) * envInv_;
    }

private:
    int N_, hop_, F_;
    Eigen::Index L_, T_;
    Eigen::ArrayXf w_;
    float* buf_;
    fftwf_complex* spec_;
    fftwf_plan fwd_, inv_;
    Eigen::ArrayXcf S_;
    Eigen::ArrayXf acc_, envInv_;
};

}  // namespace phaselab::bench
