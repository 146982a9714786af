// Every class of mistake is refused with `FILE:LINE:COLUMN: error: PATH: message`.
#include "tests/config/fake_environment.hpp"
#include "tests/config/test_pem.hpp"

#include <gtest/gtest.h>

namespace mg::config {
namespace {

using testing::fake_environment;

struct error_case {
    const char* label;
    std::string yaml;
    const char* expected;
};

std::ostream& operator<<(std::ostream& out, const error_case& c) {
    return out << c.label;
}

std::string site_with(std::string_view lines) {
    return std::string(testing::minimal_site) + std::string(lines);
}

class SiteConfigErrors : public ::testing::TestWithParam<error_case> {};

TEST_P(SiteConfigErrors, ReportsPositionPathAndReason) {
    fake_environment fake;
    fake.files = {{"/run/empty.pass", "\n"},
                  {"/etc/ssl/gw.pem", std::string(testing::certificate_a)},
                  {"/etc/ssl/gw.key", std::string(testing::key_a)},
                  {"/etc/ssl/other.key", std::string(testing::key_b)},
                  {"/etc/ssl/broken.pem", "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n"
                                          "-----END CERTIFICATE-----\n"},
                  {"/etc/ssl/text.pem", "not a certificate\n"}};
    EXPECT_EQ(fake.error_of(GetParam().yaml), GetParam().expected);
}

std::string case_name(const ::testing::TestParamInfo<error_case>& info) {
    return info.param.label;
}

// The contract's own example of a diagnostic, on the line and column it names.
const std::string contract_bad_scheme = R"(site: hotel-east
mqtt:
  url: mqtt://127.0.0.1:1883
  qos: 1
controllers:
  - name: lobby
    url: ws://10.0.4.20
    keepalive: 10s
    subscribe: [timeline]
    poll: []
  - name: ballroom
    url: http://10.0.4.21
)";

INSTANTIATE_TEST_SUITE_P(
    Document, SiteConfigErrors,
    ::testing::Values(
        error_case{"EmptyFile", "",
                   "site.yaml:1:1: error: the file holds no settings; 'site' and "
                   "'controllers' are required"},
        error_case{"CommentsOnly", "# nothing yet\n",
                   "site.yaml:1:1: error: the file holds no settings; 'site' and 'controllers' "
                   "are required"},
        error_case{"TopLevelList", "- site: x\n",
                   "site.yaml:1:1: error: expected a map, found a list"},
        error_case{"SyntaxError", "site: a: b\n", "site.yaml:1:8: error: illegal map value"},
        error_case{"UnclosedFlow", "site: x\ncontrollers: [\n",
                   "site.yaml:3:1: error: end of sequence flow not found"},
        error_case{"TwoDocuments", site_with("---\nsite: other\n"),
                   "site.yaml:6:1: error: a site file holds one YAML document, found more"},
        error_case{"MissingSite", "controllers:\n  - { name: lobby, url: ws://127.0.0.1 }\n",
                   "site.yaml:1:1: error: site: missing required key 'site'"},
        error_case{"MissingControllers", "site: hotel-east\n",
                   "site.yaml:1:1: error: controllers: missing required key 'controllers'"},
        error_case{"UnknownTopLevelKey", site_with("colour: red\n"),
                   "site.yaml:5:1: error: colour: unknown key 'colour'"},
        error_case{"MisspeltTopLevelKey", site_with("loging: { level: info }\n"),
                   "site.yaml:5:1: error: loging: unknown key 'loging' (did you mean 'logging'?)"},
        error_case{"DuplicateKey", site_with("    url: ws://127.0.0.1:9001\n"),
                   "site.yaml:5:5: error: controllers[0].url: duplicate key 'url' (first given "
                   "on line 4)"},
        error_case{"MergeKey", site_with("    <<: { keepalive: 5s }\n"),
                   "site.yaml:5:5: error: controllers[0].<<: merge keys ('<<') are not "
                   "supported; repeat the settings"},
        error_case{"ListAsKey", site_with("? [a]\n: b\n"),
                   "site.yaml:5:3: error: keys must be plain names, found a list"},
        error_case{"BadSiteName", "site: hotel east\ncontrollers: []\n",
                   "site.yaml:1:7: error: site: must be a non-empty name of letters, digits, '_' "
                   "and '-'"},
        error_case{"SiteAsMap", "site: { name: x }\n",
                   "site.yaml:1:7: error: site: expected a string, found a map"},
        error_case{"LogLevelWithSuggestion", site_with("logging:\n  level: Info\n"),
                   "site.yaml:6:10: error: logging.level: unknown log level 'Info' (did you "
                   "mean 'info'?)"},
        error_case{"LogLevelListsChoices", site_with("logging:\n  level: warning\n"),
                   "site.yaml:6:10: error: logging.level: unknown log level 'warning' (expected "
                   "trace, debug, info, warn or error)"}),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    Mqtt, SiteConfigErrors,
    ::testing::Values(
        error_case{"MqttEmpty", site_with("mqtt:\n"),
                   "site.yaml:5:1: error: mqtt: expected a map, found nothing"},
        error_case{"MqttWrongScheme", site_with("mqtt:\n  url: ws://127.0.0.1\n"),
                   "site.yaml:6:8: error: mqtt.url: scheme must be mqtt or mqtts"},
        error_case{"MqttBadPort", site_with("mqtt:\n  url: mqtt://127.0.0.1:99999\n"),
                   "site.yaml:6:8: error: mqtt.url: port must be a number from 1 to 65535"},
        error_case{"QosWord", site_with("mqtt:\n  qos: high\n"),
                   "site.yaml:6:8: error: mqtt.qos: expected 0, 1 or 2, found 'high'"},
        error_case{"QosOutOfRange", site_with("mqtt:\n  qos: 3\n"),
                   "site.yaml:6:8: error: mqtt.qos: expected 0, 1 or 2, found '3'"},
        error_case{"QosAsMap", site_with("mqtt:\n  qos: { level: 1 }\n"),
                   "site.yaml:6:8: error: mqtt.qos: expected 0, 1 or 2, found a map"},
        error_case{"QosEmpty", site_with("mqtt:\n  qos:\n"),
                   "site.yaml:6:3: error: mqtt.qos: expected 0, 1 or 2, found nothing"},
        error_case{"Protocol4", site_with("mqtt:\n  protocol: 4\n"),
                   "site.yaml:6:13: error: mqtt.protocol: expected 5, or 3 for MQTT 3.1.1, "
                   "found '4'"},
        error_case{"BaseTopicWildcard", site_with("mqtt:\n  base_topic: mosaic/#\n"),
                   "site.yaml:6:15: error: mqtt.base_topic: must not contain the MQTT "
                   "wildcards '+' or '#'"},
        error_case{"BaseTopicSlash", site_with("mqtt:\n  base_topic: /mosaic\n"),
                   "site.yaml:6:15: error: mqtt.base_topic: must not start or end with '/'"},
        error_case{"BaseTopicEmpty", site_with("mqtt:\n  base_topic: \"\"\n"),
                   "site.yaml:6:15: error: mqtt.base_topic: must not be empty"},
        error_case{"ClientIdEmpty", site_with("mqtt:\n  client_id: ''\n"),
                   "site.yaml:6:14: error: mqtt.client_id: must not be empty"},
        error_case{"BothPasswordForms",
                   site_with("mqtt:\n  username: u\n  password: p\n  password_file: /x\n"),
                   "site.yaml:8:3: error: mqtt.password_file: give either password or "
                   "password_file, not both"},
        error_case{"MqttPasswordWithoutUser", site_with("mqtt:\n  password: p\n"),
                   "site.yaml:6:3: error: mqtt.password: a password needs a username"},
        error_case{"UnreadablePasswordFile",
                   site_with("mqtt:\n  username: u\n  password_file: /missing\n"),
                   "site.yaml:7:18: error: mqtt.password_file: cannot read file '/missing'"},
        error_case{"EmptyPasswordFile",
                   site_with("mqtt:\n  username: u\n  password_file: /run/empty.pass\n"),
                   "site.yaml:7:18: error: mqtt.password_file: the password file is empty"},
        error_case{"TlsWithPlainMqtt", site_with("mqtt:\n  tls: { verify: false }\n"),
                   "site.yaml:6:3: error: mqtt.tls: tls settings need an mqtts:// url"},
        error_case{"CertWithoutKey",
                   site_with("mqtt:\n  url: mqtts://127.0.0.1\n  tls:\n    cert_file: "
                             "/etc/ssl/gw.pem\n"),
                   "site.yaml:8:5: error: mqtt.tls.cert_file: cert_file needs a key_file"},
        error_case{"UnreadableCaFile",
                   site_with("mqtt:\n  url: mqtts://127.0.0.1\n  tls: { ca_file: /nope.pem }\n"),
                   "site.yaml:7:19: error: mqtt.tls.ca_file: cannot read file '/nope.pem'"},
        error_case{
            "CaFileWithoutCertificate",
            site_with("mqtt:\n  url: mqtts://127.0.0.1\n  tls: { ca_file: /etc/ssl/text.pem }\n"),
            "site.yaml:7:19: error: mqtt.tls.ca_file: '/etc/ssl/text.pem' holds no PEM "
            "certificate (-----BEGIN CERTIFICATE-----)"},
        error_case{"DamagedControllerCaFile",
                   "site: s\ncontrollers:\n  - name: lobby\n    url: wss://10.0.4.20\n"
                   "    tls: { ca_file: /etc/ssl/broken.pem }\n",
                   "site.yaml:5:21: error: controllers[0].tls.ca_file: '/etc/ssl/broken.pem' is "
                   "not a PEM file of CA certificates (ASN1 lib)"},
        error_case{"ClientKeyThatIsNoKey",
                   site_with("mqtt:\n  url: mqtts://127.0.0.1\n  tls:\n    cert_file: "
                             "/etc/ssl/gw.pem\n    key_file: /etc/ssl/gw.pem\n"),
                   "site.yaml:9:15: error: mqtt.tls.key_file: '/etc/ssl/gw.pem' is not a PEM "
                   "private key without a passphrase (unsupported)"},
        error_case{"ClientKeyOfAnotherCertificate",
                   site_with("mqtt:\n  url: mqtts://127.0.0.1\n  tls:\n    cert_file: "
                             "/etc/ssl/gw.pem\n    key_file: /etc/ssl/other.key\n"),
                   "site.yaml:9:15: error: mqtt.tls.key_file: '/etc/ssl/other.key' does not "
                   "belong to the certificate of cert_file"},
        error_case{"ClientCertificateThatIsNoCertificate",
                   site_with("mqtt:\n  url: mqtts://127.0.0.1\n  tls:\n    cert_file: "
                             "/etc/ssl/text.pem\n    key_file: /etc/ssl/gw.key\n"),
                   "site.yaml:8:16: error: mqtt.tls.cert_file: '/etc/ssl/text.pem' holds no "
                   "PEM certificate (no start line)"},
        error_case{"VerifyNotBoolean",
                   site_with("mqtt:\n  url: mqtts://127.0.0.1\n  tls: { verify: maybe }\n"),
                   "site.yaml:7:18: error: mqtt.tls.verify: expected true or false, found "
                   "'maybe'"},
        error_case{"BufferZero", site_with("mqtt:\n  buffer_messages: 0\n"),
                   "site.yaml:6:20: error: mqtt.buffer_messages: expected a whole number from "
                   "1 to 2147483647, found '0'"}),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    Controllers, SiteConfigErrors,
    ::testing::Values(
        error_case{"ContractExampleBadScheme", contract_bad_scheme,
                   "site.yaml:12:10: error: controllers[1].url: scheme must be ws or wss"},
        error_case{"ControllersEmpty", "site: s\ncontrollers: []\n",
                   "site.yaml:2:14: error: controllers: at least one controller is required"},
        error_case{"ControllersNull", "site: s\ncontrollers:\n",
                   "site.yaml:2:1: error: controllers: expected a list of controllers, found "
                   "nothing"},
        error_case{"ControllersAsMap", "site: s\ncontrollers:\n  name: lobby\n",
                   "site.yaml:3:3: error: controllers: expected a list of controllers, found a "
                   "map"},
        error_case{"ControllerAsScalar", "site: s\ncontrollers:\n  - lobby\n",
                   "site.yaml:3:5: error: controllers[0]: expected a map, found 'lobby'"},
        error_case{"MissingUrl", "site: s\ncontrollers:\n  - name: lobby\n    keepalive: 5s\n",
                   "site.yaml:3:5: error: controllers[0].url: missing required key 'url'"},
        error_case{"MissingNameInSecond", site_with("  - url: ws://127.0.0.1:9001\n"),
                   "site.yaml:5:5: error: controllers[1].name: missing required key 'name'"},
        error_case{"UrlAsMap", "site: s\ncontrollers:\n  - name: lobby\n    url: { host: x }\n",
                   "site.yaml:4:10: error: controllers[0].url: expected a string, found a map"},
        error_case{"UrlWithoutPort",
                   "site: s\ncontrollers:\n  - name: lobby\n    url: \"ws://h:\"\n",
                   "site.yaml:4:10: error: controllers[0].url: port must be a number from 1 to "
                   "65535"},
        error_case{"NameWithSlash", "site: s\ncontrollers:\n  - name: lobby/1\n    url: ws://h\n",
                   "site.yaml:3:11: error: controllers[0].name: must be a non-empty name of "
                   "letters, digits, '_' and '-'"},
        error_case{"ReservedNameGateway",
                   "site: s\ncontrollers:\n  - name: gateway\n    url: ws://h\n",
                   "site.yaml:3:11: error: controllers[0].name: 'gateway' is reserved for the "
                   "gateway's own topics (<base_topic>/<site>/gateway/...); choose another name"},
        error_case{"ReservedNameInAnyCase", site_with("  - { name: GateWay, url: ws://h }\n"),
                   "site.yaml:5:13: error: controllers[1].name: 'GateWay' is reserved for the "
                   "gateway's own topics (<base_topic>/<site>/gateway/...); choose another name"},
        error_case{"DuplicateName", site_with("  - name: lobby\n    url: ws://127.0.0.1:9001\n"),
                   "site.yaml:5:11: error: controllers[1].name: duplicate controller name "
                   "'lobby' (also controllers[0])"},
        error_case{"MisspeltKeepalive", site_with("    keepalve: 10s\n"),
                   "site.yaml:5:5: error: controllers[0].keepalve: unknown key 'keepalve' (did "
                   "you mean 'keepalive'?)"},
        error_case{"KeepaliveTooShort", site_with("    keepalive: 500ms\n"),
                   "site.yaml:5:16: error: controllers[0].keepalive: must be at least 1s"},
        error_case{"KeepaliveBadUnit", site_with("    keepalive: 10 sec\n"),
                   "site.yaml:5:16: error: controllers[0].keepalive: expected a duration like "
                   "500ms, 10s, 5m, 1h or a number of seconds, found '10 sec'"},
        error_case{"KeepaliveAsList", site_with("    keepalive: [10s]\n"),
                   "site.yaml:5:16: error: controllers[0].keepalive: expected a duration like "
                   "500ms, 10s, 5m or 1h, found a list"},
        error_case{"RequestTimeoutZero", site_with("    request_timeout: 0\n"),
                   "site.yaml:5:22: error: controllers[0].request_timeout: must be at least "
                   "100ms"},
        error_case{"MaxConnectionsZero", site_with("    max_connections: 0\n"),
                   "site.yaml:5:22: error: controllers[0].max_connections: expected a whole "
                   "number of at least 1, found '0'"},
        error_case{"ReadOnlyNotBoolean", site_with("    read_only: maybe\n"),
                   "site.yaml:5:16: error: controllers[0].read_only: expected true or false, "
                   "found 'maybe'"},
        error_case{"CommandTtlTooShort", site_with("    command_ttl: 10ms\n"),
                   "site.yaml:5:18: error: controllers[0].command_ttl: must be at least 100ms"},
        error_case{"ReconnectMinAboveMax", site_with("    reconnect: { min: 10s, max: 5s }\n"),
                   "site.yaml:5:33: error: controllers[0].reconnect.max: must not be less than "
                   "min (10s)"},
        error_case{"ReconnectMinAboveDefaultMax", site_with("    reconnect: { min: 1m }\n"),
                   "site.yaml:5:23: error: controllers[0].reconnect.min: must not be more than "
                   "max (30s unless given)"},
        error_case{"ReconnectUnknownKey", site_with("    reconnect: { minimum: 1s }\n"),
                   "site.yaml:5:18: error: controllers[0].reconnect.minimum: unknown key "
                   "'minimum'"},
        error_case{"PasswordWithoutUsername", site_with("    password: hunter2\n"),
                   "site.yaml:5:5: error: controllers[0].password: a password needs a username"},
        error_case{"PasswordFileWithoutUsername", site_with("    password_file: /x\n"),
                   "site.yaml:5:5: error: controllers[0].password_file: a password needs a "
                   "username"},
        error_case{"UsernameWithoutPassword", site_with("    username: gateway\n"),
                   "site.yaml:5:15: error: controllers[0].username: a username needs a password "
                   "or password_file"},
        error_case{"UndefinedVariable", site_with("    username: ${CTL_USER}\n    password: x\n"),
                   "site.yaml:5:15: error: controllers[0].username: environment variable "
                   "'CTL_USER' is not set"},
        error_case{"TlsWithPlainWs", site_with("    tls: { verify: false }\n"),
                   "site.yaml:5:5: error: controllers[0].tls: tls settings need a wss:// url"},
        error_case{"FingerprintTooShort",
                   "site: s\ncontrollers:\n  - name: lobby\n    url: wss://10.0.4.20\n"
                   "    tls: { fingerprint_sha256: 'AB:CD' }\n",
                   "site.yaml:5:32: error: controllers[0].tls.fingerprint_sha256: expected 32 "
                   "bytes of SHA-256 in hex, like AB:CD:..."},
        error_case{"TlsMisspeltVerify",
                   "site: s\ncontrollers:\n  - name: lobby\n    url: wss://10.0.4.20\n"
                   "    tls: { verfy: false }\n",
                   "site.yaml:5:12: error: controllers[0].tls.verfy: unknown key 'verfy' (did "
                   "you mean 'verify'?)"}),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    SubscribeAndPoll, SiteConfigErrors,
    ::testing::Values(
        error_case{"UnknownChannel", site_with("    subscribe: [timeline, scenes]\n"),
                   "site.yaml:5:27: error: controllers[0].subscribe[1]: unknown channel 'scenes' "
                   "(did you mean 'scene'?)"},
        error_case{"DuplicateChannel", site_with("    subscribe: [remote_device, remote-device]\n"),
                   "site.yaml:5:32: error: controllers[0].subscribe[1]: channel "
                   "'remote_device' is listed twice"},
        error_case{"ChannelAsMap", site_with("    subscribe:\n      - { name: scene }\n"),
                   "site.yaml:6:9: error: controllers[0].subscribe[0]: expected a channel name, "
                   "found a map"},
        error_case{"SubscribeEmptyValue", site_with("    subscribe:\n"),
                   "site.yaml:5:5: error: controllers[0].subscribe: expected a list of channel "
                   "names ([] for none), found nothing"},
        error_case{"SubscribeScalar", site_with("    subscribe: scene\n"),
                   "site.yaml:5:16: error: controllers[0].subscribe: expected a list of channel "
                   "names ([] for none), found 'scene'"},
        error_case{"UnknownRequest",
                   site_with("    poll:\n      - request: system\n        every: on_connect\n"
                             "      - request: temprature\n        every: 60s\n"),
                   "site.yaml:8:18: error: controllers[0].poll[1].request: unknown request "
                   "'temprature' (did you mean 'temperature'?)"},
        error_case{"PollMissingEvery", site_with("    poll:\n      - request: system\n"),
                   "site.yaml:6:9: error: controllers[0].poll[0].every: missing required key "
                   "'every'"},
        error_case{"PollMissingRequest", site_with("    poll:\n      - { every: 5s }\n"),
                   "site.yaml:6:9: error: controllers[0].poll[0].request: missing required key "
                   "'request'"},
        error_case{"PollEveryTypo",
                   site_with("    poll:\n      - { request: system, every: on_conect }\n"),
                   "site.yaml:6:35: error: controllers[0].poll[0].every: expected on_connect "
                   "or a duration like 10s, 5m, 1h, found 'on_conect' (did you mean "
                   "'on_connect'?)"},
        error_case{"PollTooOften",
                   site_with("    poll:\n      - { request: output, every: 200ms }\n"),
                   "site.yaml:6:35: error: controllers[0].poll[0].every: must be at least 1s"},
        error_case{"PollUnknownKey",
                   site_with("    poll:\n      - { request: output, interval: 5s }\n"),
                   "site.yaml:6:28: error: controllers[0].poll[0].interval: unknown key "
                   "'interval'"},
        error_case{"PollParamsList",
                   site_with("    poll:\n      - { request: output, every: 5s, params: [1] }\n"),
                   "site.yaml:6:47: error: controllers[0].poll[0].params: expected a map of "
                   "request parameters, found a list"},
        error_case{"PollParamsDuplicate",
                   site_with("    poll:\n      - request: output\n        every: 5s\n"
                             "        params: { a: 1, a: 2 }\n"),
                   "site.yaml:8:25: error: controllers[0].poll[0].params.a: duplicate parameter "
                   "'a'"},
        error_case{"PollTopicWildcard",
                   site_with("    poll:\n      - { request: output, every: 5s, topic: out/+ }\n"),
                   "site.yaml:6:46: error: controllers[0].poll[0].topic: must not contain the "
                   "MQTT wildcards '+' or '#'"},
        error_case{"PollTopicEmptySegment",
                   site_with("    poll:\n      - { request: output, every: 5s, topic: a//b }\n"),
                   "site.yaml:6:46: error: controllers[0].poll[0].topic: must not have empty "
                   "segments (leading, trailing or doubled '/')"},
        error_case{"PollTopicReserved",
                   site_with("    poll:\n      - { request: output, every: 5s, topic: status }\n"),
                   "site.yaml:6:46: error: controllers[0].poll[0].topic: 'status' is a topic "
                   "the gateway publishes itself"},
        error_case{"PollTopicGet",
                   site_with("    poll:\n      - { request: output, every: 5s, topic: out/get }\n"),
                   "site.yaml:6:46: error: controllers[0].poll[0].topic: must not end in 'get', "
                   "which the gateway listens on for requests"},
        error_case{"PollTopicCollision",
                   site_with("    poll:\n      - { request: output, every: 5s }\n"
                             "      - { request: output, every: 9s, params: { universe: 2 } }\n"),
                   "site.yaml:7:9: error: controllers[0].poll[1]: topic 'output' is already "
                   "used by controllers[0].poll[0]; give each poll its own topic"}),
    case_name);

TEST(SiteConfigErrors, NamesTheFileItWasGiven) {
    EXPECT_EQ(fake_environment{}.error_of("site: s\n", "/etc/mosaic-gateway/lobby.yaml"),
              "/etc/mosaic-gateway/lobby.yaml:1:1: error: controllers: missing required key "
              "'controllers'");
}

TEST(SiteConfigErrors, ReportsUnreadableFileWithoutPosition) {
    try {
        load_site_config("/nonexistent/mosaic/site.yaml");
        FAIL();
    } catch (const config_error& e) {
        EXPECT_STREQ(e.what(), "/nonexistent/mosaic/site.yaml: error: cannot read file");
    }
}

} // namespace
} // namespace mg::config
