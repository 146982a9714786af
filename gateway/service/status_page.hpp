#pragma once
// The status page served at / (README "Status page"): gateway/service/status_page.html, built
// into the binary so that the page needs nothing from anywhere else.

#include <string_view>

namespace mg::service {

extern const std::string_view status_page_html;

} // namespace mg::service
