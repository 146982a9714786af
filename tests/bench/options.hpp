#pragma once
// The small command line reader both benchmark programs share: `--flag value` pairs, numbers
// range-checked, and any mistake printed with the usage text (exit 2), since these programs are
// driven by a script and a silent default would make a wrong measurement look right.

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

namespace mg::bench {

class arguments {
public:
    arguments(int argc, char** argv, std::string_view usage)
        : argc_(argc), argv_(argv), usage_(usage) {}

    // Moves to the next flag; false at the end. --help prints the usage and exits 0.
    bool next() {
        if (++at_ >= argc_)
            return false;
        flag_ = argv_[at_];
        if (flag_ == "--help" || flag_ == "-h") {
            std::cout << usage_;
            std::exit(0);
        }
        return true;
    }

    std::string_view flag() const { return flag_; }

    std::string value() {
        if (++at_ >= argc_)
            fail(std::string(flag_) + " needs a value");
        return argv_[at_];
    }

    std::uint64_t number(std::uint64_t min, std::uint64_t max) {
        const auto text = value();
        std::uint64_t n = 0;
        const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size() || n < min ||
            n > max)
            fail(std::string(flag_) + ": expected a whole number from " + std::to_string(min) +
                 " to " + std::to_string(max) + ", got '" + text + "'");
        return n;
    }

    double seconds() {
        const auto text = value();
        char* end = nullptr;
        const double s = std::strtod(text.c_str(), &end);
        if (text.empty() || end != text.c_str() + text.size() || s < 0)
            fail(std::string(flag_) + ": expected seconds, got '" + text + "'");
        return s;
    }

    [[noreturn]] void unknown() { fail("unknown option " + std::string(flag_)); }

    [[noreturn]] void fail(const std::string& why) {
        std::cerr << argv_[0] << ": " << why << "\n\n" << usage_;
        std::exit(2);
    }

private:
    int argc_;
    char** argv_;
    std::string_view usage_;
    int at_ = 0;
    std::string_view flag_;
};

} // namespace mg::bench
