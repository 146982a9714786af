// The probe's report as a person and as a script read it.

#include "gateway/service/probe_report.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace mg::service {
namespace {

probe_report sample() {
    probe_report r;
    r.controller = "lobby";
    r.url = "wss://10.0.4.20/query";
    r.steps = {{"connect", probe_step::result::ok, 12, "TCP and TLS 10.0.4.20:443"},
               {"request system", probe_step::result::odd, 3,
                "system.serial_number is an array, expected a string"}};
    r.hardware = "MSC X";
    r.fingerprint = "AB:CD";
    return r;
}

TEST(ProbeReport, OddStillExitsZeroAndFailExitsOne) {
    auto r = sample();
    EXPECT_EQ(probe_exit_code(r), 0);
    r.steps.push_back({"authenticate", probe_step::result::fail, 5, "wrong credentials"});
    EXPECT_EQ(probe_exit_code(r), 1);
}

TEST(ProbeReport, TextHasOneLinePerStepAndTheFacts) {
    const auto text = format_text(sample());
    EXPECT_NE(text.find("ok   connect" + std::string(13, ' ') + "12 ms  TCP and TLS 10.0.4.20:443\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("odd  request system" + std::string(7, ' ') + "3 ms  system.serial_number is an array"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("hardware     MSC X"), std::string::npos) << text;
    EXPECT_NE(text.find("fingerprint  AB:CD"), std::string::npos) << text;
}

TEST(ProbeReport, JsonHasStepsAndFacts) {
    rapidjson::Document doc;
    doc.Parse(format_json(sample()).c_str());
    ASSERT_TRUE(doc.IsObject());
    ASSERT_TRUE(doc["steps"].IsArray());
    ASSERT_EQ(doc["steps"].Size(), 2u);
    EXPECT_STREQ(doc["steps"][1]["result"].GetString(), "odd");
    EXPECT_EQ(doc["steps"][0]["ms"].GetInt(), 12);
    EXPECT_STREQ(doc["hardware"].GetString(), "MSC X");
    EXPECT_STREQ(doc["fingerprint"].GetString(), "AB:CD");
    EXPECT_TRUE(doc["ok"].GetBool());
}

} // namespace
} // namespace mg::service
