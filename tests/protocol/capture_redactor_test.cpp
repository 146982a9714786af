// Redaction of capture files (docs/capture-format.md), on the documented messages.

#include "gateway/protocol/capture_line.hpp"
#include "gateway/protocol/capture_redactor.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace mg::protocol {
namespace {

capture_redactor with_credentials() {
    capture_redactor r;
    r.add_credentials("api-user", "s3cret-pw");
    return r;
}

TEST(CaptureRedactor, AuthenticateRequestLosesUsernameAndPassword) {
    auto r = with_credentials();
    EXPECT_EQ(r.redact(R"({"username":"api-user","password":"s3cret-pw"})"),
              R"({"username":"<username>","password":"<password>"})");
    // The older field name, and values never configured, go too.
    EXPECT_EQ(r.redact(R"({"user":"someone","password":"other"})"),
              R"({"user":"<username>","password":"<password>"})");
}

TEST(CaptureRedactor, AuthenticateAnswerTokenBecomesNumberedPlaceholder) {
    auto r = with_credentials();
    EXPECT_EQ(r.redact(R"({"token":"eyJhbGciOi.first"})"), R"({"token":"<token-1>"})");
    EXPECT_EQ(r.redact(R"({"token":"eyJhbGciOi.second"})"), R"({"token":"<token-2>"})");
    // The same token reads the same wherever it comes back.
    EXPECT_EQ(r.redact(R"({"subscribe":"timeline","token":"eyJhbGciOi.first"})"),
              R"({"subscribe":"timeline","token":"<token-1>"})");
}

TEST(CaptureRedactor, KnownTokenIsReplacedInsideOtherStringsAndPlainText) {
    auto r = with_credentials();
    r.redact(R"({"token":"abc.def.ghi"})");
    EXPECT_EQ(r.redact(R"({"request":"lua","data":{"note":"Bearer abc.def.ghi"}})"),
              R"({"request":"lua","data":{"note":"Bearer <token-1>"}})");
    EXPECT_EQ(r.redact("not json abc.def.ghi and s3cret-pw by api-user"),
              "not json <token-1> and <password> by <username>");
}

TEST(CaptureRedactor, TokenInAFrameIsNumberedOnFirstSight) {
    auto r = with_credentials();
    // A reply that hands out a fresh token, and a keep-alive carrying it.
    EXPECT_EQ(r.redact(R"({"request":"system","id":1,"data":{},"token":"t-new"})"),
              R"({"request":"system","id":1,"data":{},"token":"<token-1>"})");
    EXPECT_EQ(r.redact(R"({"token":"t-new"})"), R"({"token":"<token-1>"})");
}

TEST(CaptureRedactor, JsonIsWrittenBackCompactAndOtherwiseUnchanged) {
    auto r = with_credentials();
    EXPECT_EQ(r.redact(R"({ "broadcast" : "group", "data" : {"num":1, "name":"Façade", "level":40} })"),
              R"({"broadcast":"group","data":{"num":1,"name":"Façade","level":40}})");
    EXPECT_EQ(r.redact(""), "");
    EXPECT_EQ(r.redact("{}"), "{}");
}

TEST(CaptureRedactor, ShortUsernameIsOnlyReplacedWhereAKeyNamesIt) {
    capture_redactor r;
    r.add_credentials("op", "pw");
    EXPECT_EQ(r.redact(R"({"username":"op","data":{"name":"Stop pw"}})"),
              R"({"username":"<username>","data":{"name":"Stop <password>"}})");
}

TEST(CaptureRedactor, NonZeroSessionKeysAreNumberedAndAllZeroKept) {
    capture_redactor r;
    const std::vector<std::uint8_t> first(16, 0x11), second(16, 0x22), zero(16, 0);
    EXPECT_EQ(r.session_key(first), "<session-key-1>");
    EXPECT_EQ(r.session_key(first), "<session-key-1>");
    EXPECT_EQ(r.session_key(second), "<session-key-2>") << "a changed key stays a change";
    EXPECT_FALSE(r.session_key(zero).has_value());
}

traffic event(traffic::kind what, std::string_view text = {}, bool binary = false) {
    traffic t;
    t.what = what;
    t.controller = "lobby";
    t.text = text;
    t.binary = binary;
    return t;
}

std::string field(const std::string& line, const char* name) {
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    EXPECT_TRUE(doc.IsObject()) << line;
    if (!doc.IsObject() || !doc.HasMember(name))
        return "(absent)";
    const auto& v = doc[name];
    if (v.IsString())
        return v.GetString();
    if (v.IsUint64())
        return std::to_string(v.GetUint64());
    if (v.IsDouble())
        return std::to_string(v.GetDouble());
    return "(other)";
}

TEST(CaptureLine, BinaryFramesBecomeSessionKeyPlaceholdersOrZeroHex) {
    capture_redactor r;
    const std::string key(16, '\x07'), zero(16, '\0');
    auto t = event(traffic::kind::ws_recv, key, true);
    const auto line = capture_line(r, 1.2345, t);
    EXPECT_EQ(field(line, "session_key"), "<session-key-1>");
    EXPECT_EQ(field(line, "length"), "16");
    EXPECT_EQ(field(line, "hex"), "(absent)");
    EXPECT_EQ(line.find("0707"), std::string::npos);
    t.text = zero;
    const auto expired = capture_line(r, 2, t);
    EXPECT_EQ(field(expired, "hex"), std::string(32, '0'));
    EXPECT_EQ(field(expired, "event"), "ws_recv");
    EXPECT_EQ(field(expired, "controller"), "lobby");
}

TEST(CaptureLine, HttpExchangeIsRedactedAndTimed) {
    auto r = with_credentials();
    auto request =
        event(traffic::kind::http_request, R"({"username":"api-user","password":"s3cret-pw"})");
    request.method = "POST";
    request.path = "/authenticate";
    const auto line = capture_line(r, 0.0124, request);
    EXPECT_EQ(line, R"({"t":0.012,"controller":"lobby","event":"http_request","method":"POST",)"
                    R"("path":"/authenticate","body":"{\"username\":\"<username>\",)"
                    R"(\"password\":\"<password>\"}"})");
    auto answer = event(traffic::kind::http_response, R"({"token":"jwt-1"})");
    answer.method = "POST";
    answer.path = "/authenticate";
    answer.status = 200;
    const auto reply = capture_line(r, 0.02, answer);
    EXPECT_EQ(field(reply, "body"), R"({"token":"<token-1>"})");
    EXPECT_EQ(field(reply, "status"), "200");
    EXPECT_EQ(field(reply, "error"), "(absent)");

    auto lost = event(traffic::kind::http_response);
    lost.method = "POST";
    lost.path = "/api/timeline";
    lost.error = "no answer within request_timeout";
    const auto none = capture_line(r, 3, lost);
    EXPECT_EQ(field(none, "status"), "0");
    EXPECT_EQ(field(none, "error"), "no answer within request_timeout");
}

TEST(CaptureLine, TextFrameThatIsNotUtf8IsKeptAsHex) {
    capture_redactor r;
    const auto t = event(traffic::kind::ws_recv, "\xff\xfe");
    EXPECT_EQ(field(capture_line(r, 0, t), "hex"), "fffe");
}

TEST(CaptureLine, OpenCloseAndStopped) {
    capture_redactor r;
    EXPECT_EQ(capture_line(r, 0, event(traffic::kind::ws_open, "ws://10.0.0.1/query")),
              R"({"t":0.0,"controller":"lobby","event":"ws_open","url":"ws://10.0.0.1/query"})");
    EXPECT_EQ(field(capture_line(r, 0, event(traffic::kind::ws_close, "closed")), "reason"),
              "closed");
    EXPECT_EQ(field(capture_stopped_line(9, "lobby", "size limit 100 bytes reached"), "event"),
              "capture_stopped");
}

} // namespace
} // namespace mg::protocol
