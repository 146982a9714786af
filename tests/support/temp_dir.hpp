#pragma once
// A private directory under $TMPDIR (or /tmp), removed with everything in it on destruction.

#include <filesystem>
#include <string>
#include <string_view>

namespace mg::test {

class temp_dir {
public:
    explicit temp_dir(std::string_view prefix = "mg-test");
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    // Writes `text` to `name` inside the directory and returns the file's path.
    std::filesystem::path write(std::string_view name, std::string_view text) const;
    // The content of a file inside the directory, empty if it does not exist.
    std::string read(std::string_view name) const;

private:
    std::filesystem::path path_;
};

} // namespace mg::test
