#pragma once
// A single-producer single-consumer ring of float samples (lock-free, wait-free, no allocation after
// construction): the live mode's hand-over between its processing thread and the audio output
// device, and to the GUI's meters and recording. One thread may write and one other may read.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <vector>

namespace phaselab::stream {

class SampleRing {
public:
    explicit SampleRing(std::size_t capacity) : data_(capacity + 1) {}
    std::size_t capacity() const { return data_.size() - 1; }
    std::size_t available() const {  // samples ready to read
        const std::size_t w = write_.load(std::memory_order_acquire), r = read_.load(std::memory_order_acquire);
        return w >= r ? w - r : w + data_.size() - r;
    }
    std::size_t space() const { return capacity() - available(); }
    // Writes up to n samples (fewer when full); returns how many.
    std::size_t write(const float* x, std::size_t n) {
        const std::size_t size = data_.size(), w = write_.load(std::memory_order_relaxed);
        n = std::min(n, space());
        const std::size_t first = std::min(n, size - w);
        std::copy_n(x, first, data_.data() + w);
        std::copy_n(x + first, n - first, data_.data());
        write_.store((w + n) % size, std::memory_order_release);
        return n;
    }
    // Reads up to n samples (fewer when empty); returns how many.
    std::size_t read(float* x, std::size_t n) {
        const std::size_t size = data_.size(), r = read_.load(std::memory_order_relaxed);
        n = std::min(n, available());
        const std::size_t first = std::min(n, size - r);
        std::copy_n(data_.data() + r, first, x);
        std::copy_n(data_.data(), n - first, x + first);
        read_.store((r + n) % size, std::memory_order_release);
        return n;
    }

    // Drops everything ready to read (the reader's side).
    void discard() { read_.store(write_.load(std::memory_order_acquire), std::memory_order_release); }

private:
    std::vector<float> data_;
    std::atomic<std::size_t> write_{0}, read_{0};
};

}  // namespace phaselab::stream
