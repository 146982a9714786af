#pragma once
// Self-signed certificates and their keys (EC P-256, valid for a century), for config tests
// that load certificate files from a fake file system. Made once with
//   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500
// They secure nothing: they are only ever parsed.

#include <string_view>

namespace mg::config::testing {

inline constexpr std::string_view certificate_a = R"(-----BEGIN CERTIFICATE-----
MIIBeTCCAR+gAwIBAgIUHfw+TSQdesHsw8bZ8Mp0Id/OZfEwCgYIKoZIzj0EAwIw
ETEPMA0GA1UEAwwGdGVzdC1hMCAXDTI2MTIwNTA4MDYxOFoYDzIxMjYxMTExMDgw
NjE4WjARMQ8wDQYDVQQDDAZ0ZXN0LWEwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC
AASi6/9Y8QZ9HG1+OwMWo7cWRU96+uO7IWKRtXTQz4W29WOQz+uW0G8kFnl2v7NT
kmgEd4u18VDdml5CAJIyWX5co1MwUTAdBgNVHQ4EFgQU0XuaRj8CyKyxWNLHDRqW
K+nTdwQwHwYDVR0jBBgwFoAU0XuaRj8CyKyxWNLHDRqWK+nTdwQwDwYDVR0TAQH/
BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiEA11nyUMsiq4S/nnchk/mP1SxBUA9A
6tMpv5S+X0wGk/oCIEgolSvAGOYXHYPa0tkzxA+vManup2AApyXfRt8C4qHE
-----END CERTIFICATE-----
)";
inline constexpr std::string_view key_a = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgrKA2yiavpSOrIHSM
5lGT/Zm8BwCjpoLgypKDRHcMvZuhRANCAASi6/9Y8QZ9HG1+OwMWo7cWRU96+uO7
IWKRtXTQz4W29WOQz+uW0G8kFnl2v7NTkmgEd4u18VDdml5CAJIyWX5c
-----END PRIVATE KEY-----
)";
inline constexpr std::string_view certificate_b = R"(-----BEGIN CERTIFICATE-----
MIIBeDCCAR+gAwIBAgIULwlhm3CC6+Dfi31qGGPBRwAlHe0wCgYIKoZIzj0EAwIw
ETEPMA0GA1UEAwwGdGVzdC1iMCAXDTI2MTIwNTA4MDYxOFoYDzIxMjYxMTExMDgw
NjE4WjARMQ8wDQYDVQQDDAZ0ZXN0LWIwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC
AAQUCiBzCMzv1Zk2OzmFUQkcsb4vf0n71ElP7O9DVFNHG841p4PZ75olKl6yyWji
AxA82rGCFGdQqPhSvRtlOVlOo1MwUTAdBgNVHQ4EFgQUISx+SebtWJQ77L6mkGC1
aGgU6HcwHwYDVR0jBBgwFoAUISx+SebtWJQ77L6mkGC1aGgU6HcwDwYDVR0TAQH/
BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiAKXgQYMapVBGrIHzpdCFS6lZLHpScC
dOtA8MsKXr8gagIgJ+kFV9ZVDTVHilZzcARheab/pnqU5wV029xJLN/Eq7A=
-----END CERTIFICATE-----
)";
inline constexpr std::string_view key_b = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgwnkTAVXbTvbwA/5b
3t84hF4cK7zJPjcR9weLQOXooGGhRANCAAQUCiBzCMzv1Zk2OzmFUQkcsb4vf0n7
1ElP7O9DVFNHG841p4PZ75olKl6yyWjiAxA82rGCFGdQqPhSvRtlOVlO
-----END PRIVATE KEY-----
)";

} // namespace mg::config::testing
