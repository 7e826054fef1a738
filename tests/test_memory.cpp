// resizeLarge (core/common/memory.h): the shapes and values of an ordinary resize, and on Linux with
// transparent huge pages on request the buffer's mapping starts on a 2 MB boundary and every whole
// 2 MB of it is a huge page (read from /proc/self/smaps).

#include <QtTest>

#include <Eigen/Core>
#include <complex>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "core/common/memory.h"

using phaselab::resizeLarge;

namespace {

struct Mapping {
    std::uintptr_t begin = 0, end = 0;
    long hugeKb = -1;
};

// The mapping of /proc/self/smaps that holds address p.
Mapping mappingOf(const void* p) {
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    Mapping found;
    bool inside = false;
    const auto address = reinterpret_cast<std::uintptr_t>(p);
    while (std::getline(smaps, line)) {
        const auto dash = line.find('-');
        if (dash != std::string::npos && dash < 17 && line.find(' ') > dash) {
            const std::uintptr_t b = std::stoull(line.substr(0, dash), nullptr, 16);
            const std::uintptr_t e = std::stoull(line.substr(dash + 1, line.find(' ') - dash - 1), nullptr, 16);
            inside = b <= address && address < e;
            if (inside) found = {b, e, -1};
        } else if (inside && line.rfind("AnonHugePages:", 0) == 0) {
            std::istringstream(line.substr(14)) >> found.hugeKb;
        }
    }
    return found;
}

bool hugePagesOnRequest() {
    std::ifstream f("/sys/kernel/mm/transparent_hugepage/enabled");
    std::string s;
    std::getline(f, s);
    return s.find("[madvise]") != std::string::npos || s.find("[always]") != std::string::npos;
}

}  // namespace

class TestMemory : public QObject {
    Q_OBJECT
private slots:
    void resizesLikeResize() {
        for (Eigen::Index n : {Eigen::Index(0), Eigen::Index(10), Eigen::Index(1) << 20, Eigen::Index(5'300'003)}) {
            Eigen::ArrayXf v;
            resizeLarge(v, n, 1);
            QCOMPARE(v.size(), n);
            for (Eigen::Index i = 0; i < n; ++i) v[i] = float(i % 1000);
            for (Eigen::Index i = 0; i < n; i += 997) QCOMPARE(v[i], float(i % 1000));
        }
        Eigen::ArrayXXcf s;
        for (auto [rows, cols] : {std::pair<Eigen::Index, Eigen::Index>{1025, 2584}, {3, 7}, {2049, 1300}, {1025, 2584}}) {
            resizeLarge(s, rows, cols);
            QCOMPARE(s.rows(), rows);
            QCOMPARE(s.cols(), cols);
            for (Eigen::Index c = 0; c < cols; ++c) s.col(c).setConstant(std::complex<float>(float(c), 1));
            QCOMPARE(s(rows - 1, cols - 1), std::complex<float>(float(cols - 1), 1));
            QCOMPARE(s(0, 0), std::complex<float>(0, 1));
        }
        const std::complex<float>* before = s.data();
        resizeLarge(s, 1025, 2584);  // same shape: storage and values kept
        QCOMPARE(s.data(), before);
        QCOMPARE(s(7, 2583), std::complex<float>(2583, 1));
    }

    void largeBuffersAreHugePagesFromTheirStart() {
#if defined(__linux__) && defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
        if (!hugePagesOnRequest()) QSKIP("transparent huge pages are off on this machine (/sys/kernel/mm/transparent_hugepage/enabled)");
        constexpr std::uintptr_t huge = std::uintptr_t(2) << 20;
        Eigen::ArrayXXcf s;
        resizeLarge(s, 1025, 2584);  // 21.2 MB
        s.setZero();
        const Mapping m = mappingOf(s.data());
        QVERIFY(m.end > m.begin);
        QCOMPARE(m.begin % huge, std::uintptr_t(0));
        const std::uintptr_t bytes = std::uintptr_t(s.size()) * sizeof(std::complex<float>);
        const long wholePagesKb = long((bytes / huge) * huge / 1024);
        QVERIFY2(m.hugeKb >= wholePagesKb, qPrintable(QString("%1 kB of huge pages, %2 kB expected").arg(m.hugeKb).arg(wholePagesKb)));
#else
        QSKIP("huge pages are requested on Linux with glibc only (and not under AddressSanitizer's allocator)");
#endif
    }
};

QTEST_APPLESS_MAIN(TestMemory)
#include "test_memory.moc"
