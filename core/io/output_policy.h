#pragma once
// Where PhaseLab may write: one policy for every CLI command and the GUI.
//
// - Outputs go only where the user said: a file named from untrusted text (a source name in a
//   shared experiment, a track folder, an algorithm id) goes through safeFileName() and inside()
//   so it can never leave the output folder.
// - Nothing a command reads is ever written, even when overwriting is allowed: every input is
//   registered with addInput() and check() refuses a target that is the same file (same path after
//   resolving links and "..", or the same inode).
// - An existing output is replaced only when the policy allows it (CLI --force, a GUI "replace?"
//   answer); a folder is never replaced by a file.
// - Writes are atomic: writeFileAtomically() and writeAudio() write a temporary file beside the
//   target and rename it into place.
// Errors are InputError with a message naming the path. Thread-safety: a policy is a value; const
// member functions may be called from several threads.

#include <filesystem>
#include <string>
#include <vector>

namespace phaselab {

// A file name made from untrusted text: path separators, "..", control and reserved characters
// become '_', leading dots and spaces are dropped, the length is capped at 120 bytes; never empty
// ("unnamed"). Letters, digits, '-', '_', '.', ' ' and non-ASCII bytes are kept.
std::string safeFileName(const std::string& name);

// safeFileName() of each name; repeats (compared case-insensitively, as on some file systems) get
// "-2", "-3", ... so that no two outputs collide.
std::vector<std::string> uniqueFileNames(const std::vector<std::string>& names);

class OutputPolicy {
public:
    explicit OutputPolicy(bool overwrite = false) : overwrite_(overwrite) {}

    bool overwrite() const { return overwrite_; }
    void setOverwrite(bool overwrite) { overwrite_ = overwrite; }
    // A file this command reads: it is never a valid target.
    void addInput(const std::string& path);

    // folder / fileName, where fileName must be a plain name (as from safeFileName): InputError if
    // it has a separator, is "." or "..", or the result would leave `folder`.
    std::string inside(const std::string& folder, const std::string& fileName) const;

    // InputError if `target` is one of the inputs, is a folder, or exists and overwriting is not
    // allowed. `what` names the output in messages ("the spectrogram image").
    void check(const std::string& target, const std::string& what = "the output") const;

    // The same check, returning the reason instead of throwing ("" when writing is allowed).
    std::string problem(const std::string& target, const std::string& what = "the output") const;

private:
    bool overwrite_;
    std::vector<std::filesystem::path> inputs_;
};

// Writes `bytes` to `path` through a temporary file beside it and a rename: a failed write never
// leaves half a file and never touches an existing `path`. InputError on failure.
void writeFileAtomically(const std::string& path, const std::string& bytes);

// The two halves of an atomic write, for writers that need a file descriptor (libsndfile):
// a new, exclusively created temporary file beside `target` (mode 0666 less the umask), and the
// rename that replaces `target` with it (the temporary is removed when the rename fails).
struct TemporaryFile {
    std::string path;
    int fd = -1;  // open for writing; the caller closes it
};
TemporaryFile createTemporaryBeside(const std::string& target);
void commitTemporary(const std::string& temporaryPath, const std::string& target);

}  // namespace phaselab
