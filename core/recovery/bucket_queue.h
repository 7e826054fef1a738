#pragma once
// A max-priority queue of indices keyed on a positive float (a magnitude), for the heap integration
// of PGHI (core/recovery/pghi.cpp) and RTPGHI (core/stream/rtpghi.cpp).
// Thread-safety: none (one per integration).

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace phaselab::recovery {

// Max-priority queue of coefficient indices keyed on their magnitude, quantised to 1/1024 of an
// octave (0.006 dB: the top bits of the positive float): one LIFO list per key, linked through a
// `next` array (an index is queued at most once per pass), and a bitmap of the non-empty keys.
// Push and pop are O(1) amortised with no allocation; a binary heap over the integration front (a
// large part of the spectrogram) was several times slower. The order differs from an exact heap
// only between magnitudes within 0.006 dB of each other.
class BucketQueue {
public:
    static constexpr std::uint32_t kNone = UINT32_MAX;

    // Room for `buckets` keys and `indices` indices: a later reset() within these sizes allocates nothing.
    void reserve(std::size_t buckets, std::size_t indices) {
        head_.reserve(buckets);
        occupied_.reserve((buckets + 63) / 64);
        next_.reserve(indices);
    }
    // The number of keys between two magnitudes.
    static std::size_t bucketsBetween(float lowest, float highest) { return std::size_t(key(highest) - key(lowest)) + 1; }

    void reset(float lowest, float highest, std::size_t indices) {
        base_ = key(lowest);
        count_ = std::size_t(key(highest) - base_) + 1;
        head_.assign(count_, kNone);
        next_.resize(indices);
        occupied_.assign((count_ + 63) / 64, 0);
        topWord_ = 0;
        size_ = 0;
    }
    bool empty() const { return size_ == 0; }
    void push(float magnitude, std::uint32_t index) {
        const std::uint32_t k = key(magnitude);
        const std::size_t b = k <= base_ ? 0 : std::min<std::size_t>(k - base_, count_ - 1);
        next_[index] = head_[b];
        head_[b] = index;
        occupied_[b / 64] |= std::uint64_t(1) << (b % 64);
        topWord_ = std::max(topWord_, b / 64);
        ++size_;
    }
    // The index with the largest key (the last pushed among equal keys); the queue must not be empty.
    std::uint32_t pop() {
        std::size_t word = topWord_;
        while (occupied_[word] == 0) --word;
        topWord_ = word;
        const std::size_t b = word * 64 + std::size_t(63 - __builtin_clzll(occupied_[word]));
        const std::uint32_t i = head_[b];
        head_[b] = next_[i];
        if (head_[b] == kNone) occupied_[word] &= ~(std::uint64_t(1) << (b % 64));
        --size_;
        return i;
    }
    void clear() {
        std::fill(head_.begin(), head_.end(), kNone);
        std::fill(occupied_.begin(), occupied_.end(), 0);
        topWord_ = 0;
        size_ = 0;
    }

private:
    static std::uint32_t key(float magnitude) {
        std::uint32_t bits;
        std::memcpy(&bits, &magnitude, sizeof bits);
        return bits >> 13;
    }
    std::vector<std::uint32_t> head_, next_;
    std::vector<std::uint64_t> occupied_;
    std::uint32_t base_ = 0;
    std::size_t count_ = 0, size_ = 0, topWord_ = 0;
};

}  // namespace phaselab::recovery
