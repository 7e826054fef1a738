#include "core/io/output_policy.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>
#include <set>

#include "core/common/error.h"

namespace phaselab {
namespace {

namespace fs = std::filesystem;

std::string quoted(const std::string& path) { return "'" + path + "'"; }

bool reservedByte(unsigned char c) {
    return c < 0x20 || c == 0x7f || std::strchr("/\\:*?\"<>|", c) != nullptr;
}

std::string lowered(std::string s) {
    for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool sameFile(const fs::path& a, const fs::path& b) {
    std::error_code ec;
    if (fs::exists(a, ec) && fs::exists(b, ec) && fs::equivalent(a, b, ec)) return true;
    const fs::path ca = fs::weakly_canonical(fs::absolute(a, ec), ec);
    const fs::path cb = fs::weakly_canonical(fs::absolute(b, ec), ec);
    return !ec && ca == cb;
}

}  // namespace

std::string safeFileName(const std::string& name) {
    std::string s;
    for (unsigned char c : name) s += reservedByte(c) ? '_' : char(c);
    const auto first = s.find_first_not_of(". ");
    s = first == std::string::npos ? std::string() : s.substr(first);
    while (!s.empty() && (s.back() == ' ' || s.back() == '.')) s.pop_back();
    constexpr std::size_t kMaxBytes = 120;
    if (s.size() > kMaxBytes) {
        std::size_t cut = kMaxBytes;
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
        s.resize(cut);
    }
    return s.empty() ? "unnamed" : s;
}

std::vector<std::string> uniqueFileNames(const std::vector<std::string>& names) {
    std::vector<std::string> out;
    std::set<std::string> taken;
    for (const auto& n : names) {
        const std::string base = safeFileName(n);
        std::string name = base;
        for (int k = 2; !taken.insert(lowered(name)).second; ++k) name = base + "-" + std::to_string(k);
        out.push_back(name);
    }
    return out;
}

void OutputPolicy::addInput(const std::string& path) {
    if (!path.empty()) inputs_.emplace_back(path);
}

std::string OutputPolicy::inside(const std::string& folder, const std::string& fileName) const {
    const fs::path name(fileName);
    if (fileName.empty() || fileName == "." || fileName == ".." || name.is_absolute() || name.has_parent_path() ||
        fileName.find('/') != std::string::npos)
        throw InputError("refusing to write " + quoted(fileName) + ": an output name must be a plain file name inside " +
                         quoted(folder));
    return (fs::path(folder) / name).string();
}

std::string OutputPolicy::problem(const std::string& target, const std::string& what) const {
    if (target.empty()) return what + " has no file name";
    std::error_code ec;
    const fs::path t(target);
    for (const auto& in : inputs_)
        if (sameFile(t, in))
            return "refusing to write " + what + " to " + quoted(target) +
                   ": it is an input of this command (choose another output name)";
    if (fs::is_directory(t, ec)) return "cannot write " + what + " to " + quoted(target) + ": it is a folder";
    if (fs::exists(fs::symlink_status(t, ec)) && !overwrite_)
        return quoted(target) + " exists already: choose another output name or allow replacing it (--force)";
    const fs::path parent = t.has_parent_path() ? t.parent_path() : fs::path(".");
    if (!fs::is_directory(parent, ec))
        return "cannot write " + what + " to " + quoted(target) + ": the folder " + quoted(parent.string()) +
               " does not exist";
    return {};
}

void OutputPolicy::check(const std::string& target, const std::string& what) const {
    const std::string p = problem(target, what);
    if (!p.empty()) throw InputError(p);
}

TemporaryFile createTemporaryBeside(const std::string& target) {
    const fs::path t(target);
    std::random_device seed;
    std::mt19937_64 random(seed());
    for (int attempt = 0; attempt < 100; ++attempt) {
        char suffix[24];
        std::snprintf(suffix, sizeof(suffix), ".%012llx.part", static_cast<unsigned long long>(random() & 0xffffffffffffull));
        fs::path tmp = t;
        tmp += suffix;
        const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) return {tmp.string(), fd};
        if (errno != EEXIST) throw InputError("cannot write " + quoted(target) + ": " + std::strerror(errno));
    }
    throw InputError("cannot write " + quoted(target) + ": no free temporary name beside it");
}

void commitTemporary(const std::string& temporaryPath, const std::string& target) {
    std::error_code ec;
    fs::rename(temporaryPath, target, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(temporaryPath, ignored);
        throw InputError("cannot write " + quoted(target) + ": " + ec.message());
    }
}

void writeFileAtomically(const std::string& path, const std::string& bytes) {
    const TemporaryFile tmp = createTemporaryBeside(path);
    std::size_t done = 0;
    int error = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(tmp.fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            error = n < 0 ? errno : EIO;
            break;
        }
        done += std::size_t(n);
    }
    if (::close(tmp.fd) != 0 && error == 0) error = errno;
    if (error != 0) {
        std::error_code ignored;
        fs::remove(tmp.path, ignored);
        throw InputError("cannot write " + quoted(path) + ": " + std::strerror(error));
    }
    commitTemporary(tmp.path, path);
}

}  // namespace phaselab
