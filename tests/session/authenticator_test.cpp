#include "gateway/session/authenticator.hpp"

#include <gtest/gtest.h>

namespace mg::session {
namespace {

struct auth_case {
    const char* label;
    unsigned status;
    const char* body;
    auth_result::outcome expected;
    const char* value;
};

class AuthResponse : public ::testing::TestWithParam<auth_case> {};

TEST_P(AuthResponse, IsInterpretedAsTheControllerMeansIt) {
    const auto& c = GetParam();
    const auto r = interpret_auth_response(c.status, c.body);
    EXPECT_EQ(r.kind, c.expected);
    if (c.value) {
        EXPECT_EQ(r.value, c.value);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Documented, AuthResponse,
    ::testing::Values(
        auth_case{"token", 200, R"({"token":"eyJhbGciOi"})", auth_result::outcome::token, "eyJhbGciOi"},
        auth_case{"redirect_means_wrong_credentials", 302, "", auth_result::outcome::rejected, nullptr},
        auth_case{"see_other", 303, "", auth_result::outcome::rejected, nullptr},
        auth_case{"ok_without_token", 200, R"({"ok":true})", auth_result::outcome::rejected, nullptr},
        auth_case{"empty_token", 200, R"({"token":""})", auth_result::outcome::rejected, nullptr},
        auth_case{"not_json", 200, "<html>", auth_result::outcome::rejected, nullptr},
        auth_case{"bad_request", 400, "", auth_result::outcome::rejected, nullptr},
        auth_case{"unauthorized", 401, "", auth_result::outcome::rejected,
                  "credentials rejected (authentication answered HTTP 401)"},
        auth_case{"forbidden", 403, R"({"error":"forbidden"})", auth_result::outcome::rejected, nullptr},
        auth_case{"server_error", 500, "", auth_result::outcome::failed, nullptr},
        auth_case{"unavailable", 503, "", auth_result::outcome::failed,
                  "authentication answered HTTP 503"}),
    [](const auto& info) { return std::string(info.param.label); });

} // namespace
} // namespace mg::session
