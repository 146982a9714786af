#include "gateway/service/status_page.hpp"

namespace mg::service {

// status_page_html.inc is status_page.html as a raw string literal, written by CMake.
const std::string_view status_page_html =
#include "status_page_html.inc"
    ;

} // namespace mg::service
