// RTISI-LA and GSRTISI-LA (core/stream/rtisila.h; issue 13, algorithms-online.md §3): the processor
// equals a slow, literal double-precision statement of the algorithm (phaseret's buffer of look-back
// and look-ahead frames, each partial signal overlap-added from its neighbours, a naive DFT, the
// windows summed from their definitions), within what the algorithm itself moves for input changes
// of float size; the RTPGHI start is RTPGHI's frame integrated from the refined previous frame;
// quality on real music is ordered as the spec's tables (Hann; the truncated Gaussian), with the
// latency the window plus the look-ahead.
#include <QtTest>
#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

#include "core/common/error.h"
#include "core/io/audio.h"
#include "core/stream/rtisila.h"
#include "core/stream/rtpghi.h"
#include "test_support.h"

using namespace phaselab;
using namespace phaselab::stream;

namespace {

using cd = std::complex<double>;
using Vec = std::vector<double>;

// The algorithm as phaseret states it, in double precision with a naive DFT, one frame at a time.
class ReferenceRtisi {
public:
    ReferenceRtisi(const StftConfig& c, int lookahead, int iterations, bool gs)
        : N_(c.windowLength), hop_(c.hop), nfft_(c.fft()), bins_(c.bins()), K_(lookahead), iterations_(iterations), gs_(gs) {
        const Eigen::ArrayXf w = makeWindow(c.window, N_);
        g_.assign(w.data(), w.data() + N_);
        gd_.resize(std::size_t(N_));
        for (int n = 0; n < N_; ++n) {
            double e = 0;
            for (int k = -N_; k <= N_; ++k)
                if (n + k * hop_ >= 0 && n + k * hop_ < N_) e += g_[std::size_t(n + k * hop_)] * g_[std::size_t(n + k * hop_)];
            gd_[std::size_t(n)] = g_[std::size_t(n)] / e;
        }
        lookback_ = (N_ + hop_ - 1) / hop_ - 1;
        // windows summed sample by sample from their definitions
        specg1_.assign(std::size_t(N_), 0.0);
        for (int n = 0; n < N_; ++n)
            for (int i = 1; i * hop_ <= n; ++i) specg1_[std::size_t(n)] += gd_[std::size_t(n - i * hop_)];
        specg2_ = specg1_;
        for (int n = 0; n < N_; ++n) specg2_[std::size_t(n)] += gd_[std::size_t(n)];
        for (int r = 0; r <= K_; ++r) {
            Vec gana = Vec(std::size_t(N_));
            for (int n = 0; n < N_; ++n) {
                double s = 0;
                for (int i = -lookback_; i <= r; ++i) {
                    const int at = n - i * hop_;
                    if (at >= 0 && at < N_) s += g_[std::size_t(at)] * gd_[std::size_t(at)];
                }
                if (s == 0) s = 1;
                else if (std::abs(s) < 1e-3) s = std::copysign(1e-3, s);
                gana[std::size_t(n)] = g_[std::size_t(n)] / s;
            }
            gana_.push_back(gana);
        }
        const std::size_t count = std::size_t(lookback_ + K_ + 1);
        frames_.assign(count, Vec(std::size_t(N_), 0.0));
        coef_.assign(count, std::vector<cd>(std::size_t(bins_)));
        target_.assign(std::size_t(K_ + 1), Vec(std::size_t(bins_), 0.0));
    }

    // One new frame (its magnitude, and for a start its coefficients); returns the emitted frame.
    std::vector<cd> step(const std::vector<cd>& frame, bool startGiven) {
        frames_.erase(frames_.begin());
        frames_.push_back(Vec(std::size_t(N_), 0.0));
        coef_.erase(coef_.begin());
        coef_.push_back(std::vector<cd>(std::size_t(bins_)));
        target_.erase(target_.begin());
        Vec s = Vec(std::size_t(bins_));
        for (int m = 0; m < bins_; ++m) s[std::size_t(m)] = std::abs(frame[std::size_t(m)]);
        target_.push_back(s);
        if (startGiven) {
            coef_.back() = frame;
            frames_.back() = inverse(frame);
        }
        for (int it = 0; it < iterations_; ++it)
            for (int nback = K_; nback >= 0; --nback) {
                const int index = lookback_ + nback;
                const Vec& window = gs_ ? gana_[std::size_t(K_ - nback)]
                                    : nback == K_ ? (it == 0 ? specg1_ : specg2_)
                                                  : g_;
                Vec partial = overlay(index);
                for (int n = 0; n < N_; ++n) partial[std::size_t(n)] *= window[std::size_t(n)];
                const std::vector<cd> X = forward(partial);
                std::vector<cd> c = std::vector<cd>(std::size_t(bins_));
                for (int m = 0; m < bins_; ++m)
                    c[std::size_t(m)] = std::polar(target_[std::size_t(nback)][std::size_t(m)], std::arg(X[std::size_t(m)]));
                coef_[std::size_t(index)] = c;
                frames_[std::size_t(index)] = inverse(c);
            }
        return coef_[std::size_t(lookback_)];
    }

    const std::vector<cd>& newest() const { return coef_.back(); }

private:
    Vec overlay(int index) const {
        Vec out = frames_[std::size_t(index)];
        for (std::size_t ii = 0; ii < frames_.size(); ++ii) {
            const int shift = (int(ii) - index) * hop_;
            if (int(ii) == index || std::abs(shift) >= N_) continue;
            for (int n = 0; n < N_; ++n)
                if (n - shift >= 0 && n - shift < N_) out[std::size_t(n)] += frames_[ii][std::size_t(n - shift)];
        }
        return out;
    }
    // Zero-phase DFT: frame sample n sits at time n - N/2.
    std::vector<cd> forward(const Vec& x) const {
        std::vector<cd> X = std::vector<cd>(std::size_t(bins_));
        for (int m = 0; m < bins_; ++m)
            for (int n = 0; n < N_; ++n)
                X[std::size_t(m)] += x[std::size_t(n)] * std::polar(1.0, -2 * std::numbers::pi * m * (n - N_ / 2) / nfft_);
        return X;
    }
    Vec inverse(const std::vector<cd>& c) const {
        Vec y = Vec(std::size_t(N_));
        for (int n = 0; n < N_; ++n) {
            double sum = 0;
            for (int m = 0; m < bins_; ++m) {
                const double weight = (m == 0 || 2 * m == nfft_) ? 1.0 : 2.0;
                sum += weight * std::real(c[std::size_t(m)] * std::polar(1.0, 2 * std::numbers::pi * m * (n - N_ / 2) / nfft_));
            }
            y[std::size_t(n)] = sum / nfft_ * gd_[std::size_t(n)];
        }
        return y;
    }

    int N_, hop_, nfft_, bins_, K_, iterations_;
    bool gs_;
    int lookback_ = 0;
    Vec g_, gd_, specg1_, specg2_;
    std::vector<Vec> gana_;
    std::vector<Vec> frames_;
    std::vector<std::vector<cd>> coef_;
    std::vector<Vec> target_;
};

using Frames = std::vector<std::vector<cd>>;

double relativeError(const Frames& a, const Frames& b) {
    double num = 0, den = 0;
    for (std::size_t t = 0; t < b.size(); ++t)
        for (std::size_t m = 0; m < b[t].size(); ++m) {
            num += std::norm(a[t][m] - b[t][m]);
            den += std::norm(b[t][m]);
        }
    return std::sqrt(num / den);
}

Eigen::ArrayXf streamed(const Eigen::ArrayXf& x, const StftConfig& c, std::unique_ptr<FrameProcessor> p, int* latency) {
    StreamEngine engine(c, std::move(p));
    *latency = engine.latency();
    const Eigen::Index total = x.size() + engine.latency();
    Eigen::ArrayXf in = Eigen::ArrayXf::Zero(total), out(total);
    in.head(x.size()) = x;
    for (Eigen::Index at = 0; at < total; at += 512) {
        const int n = int(std::min<Eigen::Index>(512, total - at));
        const float* ip[] = {in.data() + at};
        float* op[] = {out.data() + at};
        engine.process(ip, op, n);
    }
    return out.segment(engine.latency(), x.size());
}

}  // namespace

class TestStreamRtisi : public QObject {
    Q_OBJECT
private slots:
    void equalsTheLiteralAlgorithm_data() {
        QTest::addColumn<bool>("gs");
        QTest::addColumn<int>("lookahead");
        QTest::addColumn<int>("start");  // 0 zeros, 1 RTPGHI(0), 2 RTPGHI(1)
        QTest::addColumn<int>("fft");
        QTest::newRow("RTISI-LA(0)") << false << 0 << 0 << 64;
        QTest::newRow("RTISI-LA(2), zero-padded") << false << 2 << 0 << 128;
        QTest::newRow("GSRTISI-LA(2)") << true << 2 << 0 << 64;
        QTest::newRow("RTPGHI(0) -> GSRTISI-LA(1)") << true << 1 << 1 << 64;
        QTest::newRow("RTPGHI(1) -> GSRTISI-LA(1)") << true << 1 << 2 << 64;
    }
    void equalsTheLiteralAlgorithm() {
        QFETCH(bool, gs);
        QFETCH(int, lookahead);
        QFETCH(int, start);
        QFETCH(int, fft);
        StftConfig c;
        c.windowLength = 64;
        c.hop = 16;
        c.fftSize = fft;
        Eigen::ArrayXf x(1200);
        for (int n = 0; n < 1200; ++n)
            x(n) = float(0.5 * std::sin(0.21 * n + 2e-4 * n * n) + 0.3 * std::sin(1.3 * n) * std::exp(-n / 600.0));
        x += test::whiteNoise(1200, 5, 0.01f);
        Stft stft(c);
        const Spectrogram X = stft.analyse(x);
        RtisiLaParams p;
        p.variant = gs ? RtisiLaParams::Variant::GsRtisiLa : RtisiLaParams::Variant::RtisiLa;
        p.lookahead = lookahead;
        p.iterations = 4;
        p.start = start == 0 ? RtisiLaParams::Start::Zeros : start == 1 ? RtisiLaParams::Start::Rtpghi0 : RtisiLaParams::Start::Rtpghi1;
        RtisiLaProcessor processor(c, p);
        QCOMPARE(processor.lookahead(), lookahead + (start == 2 ? 1 : 0));

        // The start frames the reference is given: RTPGHI's own output (tested against offline PGHI
        // in test_stream), integrating from the reference's newest frame. A second reference gets
        // every frame scaled by 1 + 1e-5 sin(m): how far the algorithm itself moves for errors of
        // the size float arithmetic accumulates (a zero start decides phases from tiny overlaps).
        std::unique_ptr<RtpghiProcessor> rtpghi;
        if (start) rtpghi = std::make_unique<RtpghiProcessor>(c, RtpghiParams{start == 2 ? 1 : 0, 1e-6, 0});
        const int delay = start == 2 ? 1 : 0;
        ReferenceRtisi reference(c, lookahead, 4, gs), perturbed(c, lookahead, 4, gs);

        const Eigen::Index T = X.cols(), F = X.rows();
        Spectrogram in(F, 1), out(F, 1), pghi(F, 1);
        Frames got, expected, moved;
        const int total = processor.lookahead();
        for (Eigen::Index t = 0; t < T + total; ++t) {
            if (t < T) in.col(0) = X.col(t);
            else in.setZero();
            processor.process(in, out);
            if (t >= total) got.emplace_back(out.col(0).data(), out.col(0).data() + F);
            std::vector<cd> frame(static_cast<std::size_t>(F));
            if (rtpghi) {
                std::vector<std::complex<float>> previous(reference.newest().begin(), reference.newest().end());
                rtpghi->setPreviousPhase(previous.data());
                rtpghi->process(in, pghi);
                if (t < delay) continue;
                for (Eigen::Index m = 0; m < F; ++m) frame[std::size_t(m)] = cd(pghi(m, 0));
            } else {
                for (Eigen::Index m = 0; m < F; ++m) frame[std::size_t(m)] = cd(std::abs(in(m, 0)));
            }
            const std::vector<cd> emitted = reference.step(frame, rtpghi != nullptr);
            for (std::size_t m = 0; m < frame.size(); ++m) frame[m] *= 1.0 + 1e-5 * std::sin(double(m));
            const std::vector<cd> shifted = perturbed.step(frame, rtpghi != nullptr);
            if (t >= total) {
                expected.push_back(emitted);
                moved.push_back(shifted);
            }
        }
        const double error = relativeError(got, expected), sensitivity = relativeError(moved, expected);
        qInfo("relative difference from the literal algorithm %.2e (the literal algorithm moves %.2e for 1e-5 "
              "changes of its input)", error, sensitivity);
        QVERIFY2(error < std::max(1e-4, 2 * sensitivity), qPrintable(QString::number(error)));
        // and the result has the target magnitudes, not zeros
        for (std::size_t t = 0; t < got.size(); ++t)
            for (Eigen::Index m = 0; m < F; ++m)
                QVERIFY(std::abs(std::abs(got[t][std::size_t(m)]) - std::abs(X(m, Eigen::Index(t)))) < 1e-3f * X.abs().maxCoeff());
    }

    // algorithms-online.md §4 on the first 6 s of real music, 2048/256, 24 iterations per frame; the
    // output is the engine's, delay-compensated by its reported latency.
    // §4.1 (Hann): RTISI-LA(0) and RTISI-LA(1) below RTPGHI(0) and RTPGHI(1).
    // §4.2 (the truncated Gaussian of the real-time demo, a = 256, M = gl = 2048): GSRTISI-LA(2) far
    // above RTPGHI(1) and RTISI-LA(2), RTPGHI(1) -> GSRTISI-LA(1) above it. Published, the RTPGHI start
    // is 8 dB above GSRTISI-LA(2) and RTISI-LA(2) 1.2 dB below RTPGHI(1); here 1.1 dB and level: the
    // test bounds those, and the README states them.
    void qualityIsOrderedAsPublished() {
        const Audio a = readAudio(test::sharedAudio("real_music_44k.wav"));
        const Eigen::ArrayXf x = a.mono().head(Eigen::Index(6 * a.sampleRate));
        using V_ = RtisiLaParams::Variant;
        using S = RtisiLaParams::Start;
        auto rtisi = [](V_ v, int k, S s) {
            RtisiLaParams p;
            p.variant = v;
            p.lookahead = k;
            p.iterations = 24;
            p.start = s;
            return p;
        };
        for (WindowType window : {WindowType::Hann, WindowType::Gauss}) {
            StftConfig c;
            c.window = window;
            c.windowLength = 2048;
            c.hop = 256;
            Stft stft(c);
            const Magnitudes V = stft.analyse(x).abs();
            auto sc = [&](std::unique_ptr<FrameProcessor> p, int lookahead) {
                int latency = 0;
                const Eigen::ArrayXf y = streamed(x, c, std::move(p), &latency);
                if (latency != 2048 + 256 * lookahead) qFatal("latency %d with look-ahead %d", latency, lookahead);
                return spectralConvergenceDb(stft.analyse(y), V);
            };
            if (window == WindowType::Hann) {
                const double pghi0 = sc(std::make_unique<RtpghiProcessor>(c, RtpghiParams{0, 1e-6, 0}), 0);
                const double pghi1 = sc(std::make_unique<RtpghiProcessor>(c, RtpghiParams{1, 1e-6, 0}), 1);
                const double rtisi0 = sc(std::make_unique<RtisiLaProcessor>(c, rtisi(V_::RtisiLa, 0, S::Zeros)), 0);
                const double rtisi1 = sc(std::make_unique<RtisiLaProcessor>(c, rtisi(V_::RtisiLa, 1, S::Zeros)), 1);
                qInfo("Hann: RTPGHI(0) %.2f, RTISI-LA(0) %.2f, RTPGHI(1) %.2f, RTISI-LA(1) %.2f dB (published "
                      "-21.11, -20.19, -22.74, -19.88)", pghi0, rtisi0, pghi1, rtisi1);
                QVERIFY(rtisi0 > pghi0);
                QVERIFY(rtisi1 > pghi1);
                QVERIFY(rtisi1 < -15);
            } else {
                const double pghi1 = sc(std::make_unique<RtpghiProcessor>(c, RtpghiParams{1, 1e-6, 0}), 1);
                const double rtisi2 = sc(std::make_unique<RtisiLaProcessor>(c, rtisi(V_::RtisiLa, 2, S::Zeros)), 2);
                const double gs2 = sc(std::make_unique<RtisiLaProcessor>(c, rtisi(V_::GsRtisiLa, 2, S::Zeros)), 2);
                const double best = sc(std::make_unique<RtisiLaProcessor>(c, rtisi(V_::GsRtisiLa, 1, S::Rtpghi1)), 2);
                qInfo("truncated Gaussian: RTPGHI(1) %.2f, RTISI-LA(2) %.2f, GSRTISI-LA(2) %.2f, RTPGHI(1) -> GSRTISI-LA(1) "
                      "%.2f dB (published: -28.87, -27.72, -34.22, -42.21)",
                      pghi1, rtisi2, gs2, best);
                QVERIFY(gs2 < std::min(pghi1, rtisi2) - 5);
                QVERIFY(best < std::min(pghi1, rtisi2) - 5);
                QVERIFY(best < gs2);
                QVERIFY(std::abs(rtisi2 - pghi1) < 1.5);
            }
        }
    }

    void badSettingsAreRefused() {
        StftConfig c;
        RtisiLaParams p;
        p.lookahead = 17;
        QVERIFY_THROWS_EXCEPTION(InputError, RtisiLaProcessor(c, p));
        p.lookahead = 1;
        p.iterations = 0;
        QVERIFY_THROWS_EXCEPTION(InputError, RtisiLaProcessor(c, p));
        p.iterations = 5;
        p.start = RtisiLaParams::Start::Rtpghi1;
        QVERIFY_THROWS_EXCEPTION(InputError, RtisiLaProcessor(c, p));  // RTISI-LA has no RTPGHI start
        p.variant = RtisiLaParams::Variant::GsRtisiLa;
        p.lookahead = 0;
        QVERIFY_THROWS_EXCEPTION(InputError, RtisiLaProcessor(c, p));  // RTPGHI(1) needs k >= 1
        p.start = RtisiLaParams::Start::Rtpghi0;
        RtisiLaProcessor causal(c, p);
        QCOMPARE(causal.lookahead(), 0);
        StftConfig frameStart = c;
        frameStart.zeroPhase = false;
        QVERIFY_THROWS_EXCEPTION(InputError, RtisiLaProcessor(frameStart, p));
        p.start = RtisiLaParams::Start::Zeros;
        RtisiLaProcessor zeros(frameStart, p);  // without RTPGHI any convention works
        QCOMPARE(zeros.lookahead(), 0);
    }
};

QTEST_APPLESS_MAIN(TestStreamRtisi)
#include "test_stream_rtisi.moc"
