// The HTTP control API's rules, driven through the transport-free handler.

#include "gateway/sim/control_api.hpp"
#include "gateway/sim/controller.hpp"
#include "gateway/sim/http_handler.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <string>

namespace mg::sim {
namespace {

class SimHttpControl : public ::testing::Test {
protected:
    std::shared_ptr<controller> make(std::string hardware) {
        controller_config config;
        config.hardware = std::move(hardware);
        return std::make_shared<controller>(ioc.get_executor(), config);
    }

    http_reply call(std::string_view method, std::string_view target, std::string_view body,
                    controller* on = nullptr) {
        return handle_http(on != nullptr ? *on : *msc,
                           {method, target, "application/json", {}, {}, body});
    }

    unsigned status(std::string_view method, std::string_view target, std::string_view body,
                    controller* on = nullptr) {
        return call(method, target, body, on).status;
    }

    boost::asio::io_context ioc;
    std::shared_ptr<controller> msc = make("MSC");
    std::shared_ptr<controller> atlas = make("Atlas");
};

struct row {
    std::string method;
    std::string path;
    std::string body;
    unsigned status;
};

TEST_F(SimHttpControl, BodiesAreCheckedStrictly) {
    const std::vector<row> table{
        // timeline
        {"POST", "/api/timeline", R"({"action":"start","num":2})", 204},
        {"POST", "/api/timeline", R"({"action":"start_release_others","num":2,"group":"B","fade":2.0})", 204},
        {"POST", "/api/timeline", R"({"action":"start_release_others","num":2,"same_group":true})", 204},
        {"POST", "/api/timeline", R"({"action":"toggle","num":2,"fade":2.0})", 204},
        {"POST", "/api/timeline", R"({"action":"release","group":"!B","fade":2.0})", 204},
        {"POST", "/api/timeline", R"({"action":"release","group":1})", 204},
        {"POST", "/api/timeline", R"({"action":"pause"})", 204},
        {"POST", "/api/timeline", R"({"action":"resume","num":1})", 204},
        {"POST", "/api/timeline", R"({"action":"set_rate","num":4,"rate":"0.5"})", 204},
        {"POST", "/api/timeline", R"({"action":"set_rate","num":4,"rate":"10:100"})", 204},
        {"POST", "/api/timeline", R"({"action":"set_position","num":3,"time":180})", 204},
        {"POST", "/api/timeline", R"({"action":"set_position","num":3,"position":"1:3"})", 204},
        {"POST", "/api/timeline", R"({"action":"set_position","num":4,"flag":"Start sparkle"})", 204},
        {"POST", "/api/timeline", R"({"action":"Start","num":2})", 400},
        {"POST", "/api/timeline", R"({"action":"jump","num":2})", 400},
        {"POST", "/api/timeline", R"({"num":2})", 400},
        {"POST", "/api/timeline", R"({"action":"start"})", 400},
        {"POST", "/api/timeline", R"({"action":"toggle"})", 400},
        {"POST", "/api/timeline", R"({"action":"start","num":99})", 400},
        {"POST", "/api/timeline", R"({"action":"start","num":"2"})", 400},
        {"POST", "/api/timeline", R"({"action":"start","num":-1})", 400},
        {"POST", "/api/timeline", R"({"action":"start","num":2.5})", 400},
        {"POST", "/api/timeline", R"({"action":"start","num":2,"fade":null})", 400},
        {"POST", "/api/timeline", R"({"action":"start","num":2,"fade":"2"})", 400},
        {"POST", "/api/timeline", R"({"action":"start","num":2,"fade":-1})", 400},
        {"POST", "/api/timeline", R"({"action":"start","num":2,"level":1})", 400},
        {"POST", "/api/timeline", R"({"action":"release","group":"Z"})", 400},
        {"POST", "/api/timeline", R"({"action":"release","group":true})", 400},
        {"POST", "/api/timeline", R"({"action":"start","num":2,"same_group":"yes"})", 400},
        {"POST", "/api/timeline", R"({"action":"set_rate","num":4})", 400},
        {"POST", "/api/timeline", R"({"action":"set_rate","num":4,"rate":0.5})", 400},
        {"POST", "/api/timeline", R"({"action":"set_position","num":3})", 400},
        {"POST", "/api/timeline", R"({"action":"set_position","num":3,"time":1,"flag":"Start sparkle"})", 400},
        {"POST", "/api/timeline", R"({"action":"set_position","num":3,"position":"1.5"})", 400},
        {"POST", "/api/timeline", R"({"action":"set_position","num":3,"flag":"Nope"})", 400},
        {"POST", "/api/timeline", R"(not json)", 400},
        {"POST", "/api/timeline", R"([1,2])", 400},
        {"POST", "/api/timeline", "", 400},
        {"PUT", "/api/timeline", R"({"action":"start","num":2})", 405},
        // scene
        {"POST", "/api/scene", R"({"action":"start","num":2})", 204},
        {"POST", "/api/scene", R"({"action":"release","num":2,"fade":3.5})", 204},
        {"POST", "/api/scene", R"({"action":"release","fade":2.0})", 204},
        {"POST", "/api/scene", R"({"action":"toggle","num":1,"group":"A"})", 204},
        {"POST", "/api/scene", R"({"action":"pause","num":1})", 400},
        {"POST", "/api/scene", R"({"action":"start"})", 400},
        {"POST", "/api/scene", R"({"action":"start","num":9})", 400},
        // group
        {"POST", "/api/group", R"({"action":"master_intensity","num":1,"level":"50:100","fade":3})", 204},
        {"POST", "/api/group", R"({"action":"master_intensity","num":0,"level":0.4})", 204},
        {"POST", "/api/group", R"({"action":"master_intensity","num":1,"level":1,"delay":0.5})", 204},
        {"POST", "/api/group", R"({"action":"master_intensity","num":1,"level":1.5})", 400},
        {"POST", "/api/group", R"({"action":"master_intensity","num":1,"level":40})", 400},
        {"POST", "/api/group", R"({"action":"master_intensity","num":1,"level":"40"})", 400},
        {"POST", "/api/group", R"({"action":"master_intensity","num":1,"level":"140:100"})", 400},
        {"POST", "/api/group", R"({"action":"master_intensity","num":1})", 400},
        {"POST", "/api/group", R"({"action":"master_intensity","level":0.5})", 400},
        {"POST", "/api/group", R"({"action":"master_intensity","num":7,"level":0.5})", 400},
        {"POST", "/api/group", R"({"action":"intensity","num":1,"level":0.5})", 400},
        {"POST", "/api/group", R"({"num":1,"level":0.5})", 400},
        {"POST", "/api/group", R"({"action":"master_intensity","num":1,"level":0.5,"fade":null})", 400},
        // content targets exist on Atlas only
        {"POST", "/api/content_target", R"({"action":"master_intensity","level":0.5})", 400},
        // trigger
        {"POST", "/api/trigger", R"({"num":2})", 204},
        {"POST", "/api/trigger", R"({"num":2,"var":"2,4,5","conditions":false})", 204},
        {"POST", "/api/trigger", R"({"num":2,"var":2})", 400},
        {"POST", "/api/trigger", R"({"num":2,"conditions":"no"})", 400},
        {"POST", "/api/trigger", R"({"var":"x"})", 400},
        {"POST", "/api/trigger", R"({"num":42})", 400},
        // text slot
        {"PUT", "/api/text_slot", R"({"name":"welcome","value":"Hi there"})", 204},
        {"PUT", "/api/text_slot", R"({"name":"welcome","value":""})", 204},
        {"PUT", "/api/text_slot", R"({"name":"welcome"})", 400},
        {"PUT", "/api/text_slot", R"({"name":"welcome","value":5})", 400},
        {"PUT", "/api/text_slot", R"({"name":"nope","value":"x"})", 400},
        {"POST", "/api/text_slot", R"({"name":"welcome","value":"x"})", 405},
        // beacon
        {"POST", "/api/beacon", "", 204},
        {"POST", "/api/beacon", R"({"enable":true})", 400},
        {"PUT", "/api/beacon", R"({"enable":true})", 204},
        {"PUT", "/api/beacon", R"({"enable":"on"})", 400},
        {"PUT", "/api/beacon", R"({})", 400},
        // elsewhere
        {"POST", "/api/override", R"({"target":"group","num":1})", 404},
        {"DELETE", "/api/timeline", "", 405},
    };
    for (const auto& r : table) {
        const auto reply = call(r.method, r.path, r.body);
        EXPECT_EQ(reply.status, r.status) << r.method << " " << r.path << " " << r.body << " -> "
                                          << reply.body;
        if (reply.status == 204) {
            EXPECT_TRUE(reply.body.empty());
            EXPECT_TRUE(reply.content_type.empty());
        } else {
            EXPECT_NE(reply.body.find(R"("error")"), std::string::npos) << reply.body;
        }
    }
    EXPECT_EQ(msc->stats().control_calls, table.size());
}

TEST_F(SimHttpControl, HardwareDecidesBetweenGroupMastersAndContentTargets) {
    const auto* level = R"({"action":"master_intensity","num":1,"level":0.5})";
    EXPECT_EQ(status("POST", "/api/group", level, atlas.get()), 400u);
    const std::vector<std::pair<std::string, unsigned>> table{
        {R"({"action":"master_intensity","level":0.25})", 204},
        {R"({"action":"master_intensity","type":"primary","level":"25:100"})", 204},
        {R"({"action":"master_intensity","type":"secondary","level":0.3,"fade":1,"delay":2})", 204},
        {R"({"action":"master_intensity","type":"target_3","level":0.3})", 400}, // Atlas Pro only
        {R"({"action":"master_intensity","type":"Primary","level":0.3})", 400},
        {R"({"action":"master_intensity","type":"primary"})", 400},
        {R"({"action":"master_intensity","num":1,"level":0.3})", 400},
    };
    for (const auto& [body, expected] : table)
        EXPECT_EQ(status("POST", "/api/content_target", body, atlas.get()), expected) << body;
    const auto& targets = atlas->model().content_targets();
    EXPECT_EQ(targets[0].level, 25);
    EXPECT_EQ(targets[1].level, 30);

    const auto pro = make("Atlas Pro");
    EXPECT_EQ(status("POST", "/api/content_target",
                     R"({"action":"master_intensity","type":"target_8","level":1})", pro.get()),
              204u);
    EXPECT_EQ(pro->model().content_target("Target 8")->level, 100);
}

TEST_F(SimHttpControl, TimelineActionsChangeTheShow) {
    auto& model = msc->model();
    const auto state = [&](int num) { return model.timeline(num)->state; };
    ASSERT_EQ(status("POST", "/api/timeline", R"({"action":"start","num":1})"), 204u);
    EXPECT_EQ(state(1), "running");
    EXPECT_TRUE(model.timeline(1)->onstage);
    ASSERT_EQ(status("POST", "/api/timeline", R"({"action":"start","num":2})"), 204u);
    ASSERT_EQ(status("POST", "/api/timeline", R"({"action":"start","num":3})"), 204u);
    // Releases the others of timeline 1's group (A: 1 and 2), not group B's.
    ASSERT_EQ(status("POST", "/api/timeline",
                     R"({"action":"start_release_others","num":1,"same_group":true})"),
              204u);
    EXPECT_EQ(state(1), "running");
    EXPECT_EQ(state(2), "released");
    EXPECT_EQ(state(3), "running");
    ASSERT_EQ(status("POST", "/api/timeline", R"({"action":"pause"})"), 204u);
    EXPECT_EQ(state(1), "paused");
    EXPECT_EQ(state(3), "paused");
    ASSERT_EQ(status("POST", "/api/timeline", R"({"action":"resume","num":3})"), 204u);
    EXPECT_EQ(state(3), "running");
    EXPECT_EQ(state(1), "paused");
    ASSERT_EQ(status("POST", "/api/timeline",
                     R"({"action":"set_position","num":3,"position":"0.5"})"),
              204u);
    EXPECT_EQ(model.timeline(3)->position, 30'000);
    ASSERT_EQ(status("POST", "/api/timeline", R"({"action":"toggle","num":3})"), 204u);
    EXPECT_EQ(state(3), "released");
    EXPECT_FALSE(model.timeline(3)->onstage);
    ASSERT_EQ(status("POST", "/api/timeline", R"({"action":"toggle","num":3})"), 204u);
    EXPECT_EQ(state(3), "running");
    ASSERT_EQ(status("POST", "/api/timeline", R"({"action":"release","group":"!A"})"), 204u);
    EXPECT_EQ(state(3), "released");
    EXPECT_EQ(state(1), "paused");
    ASSERT_EQ(status("POST", "/api/timeline", R"({"action":"release"})"), 204u);
    EXPECT_EQ(state(1), "released");
}

TEST_F(SimHttpControl, OtherCallsChangeTheShow) {
    auto& model = msc->model();
    ASSERT_EQ(status("POST", "/api/scene", R"({"action":"start","num":2})"), 204u);
    EXPECT_EQ(model.scene(2)->state, "started");
    ASSERT_EQ(status("POST", "/api/scene", R"({"action":"release"})"), 204u);
    EXPECT_EQ(model.scene(2)->state, "released");
    ASSERT_EQ(status("POST", "/api/group",
                     R"({"action":"master_intensity","num":2,"level":"37:100"})"),
              204u);
    EXPECT_EQ(model.group(2)->level, 37);
    ASSERT_EQ(status("POST", "/api/group", R"({"action":"master_intensity","num":0,"level":0.4})"),
              204u);
    EXPECT_EQ(model.group(0)->level, 40);
    ASSERT_EQ(status("POST", "/api/beacon", ""), 204u);
    EXPECT_TRUE(model.beacon());
    ASSERT_EQ(status("POST", "/api/beacon", ""), 204u);
    EXPECT_FALSE(model.beacon());
    ASSERT_EQ(status("PUT", "/api/beacon", R"({"enable":true})"), 204u);
    ASSERT_EQ(status("PUT", "/api/beacon", R"({"enable":true})"), 204u);
    EXPECT_TRUE(model.beacon());
    ASSERT_EQ(status("POST", "/api/trigger", R"({"num":3})"), 204u);
    EXPECT_EQ(msc->stats().triggers_fired, 1u);
    ASSERT_EQ(status("PUT", "/api/text_slot", R"({"name":"room","value":"Grand \"Hall\""})"),
              204u);
    const auto reply = call("GET", "/api/text_slot?names=room", "");
    EXPECT_EQ(reply.body, R"({"text_slots":[{"name":"room","value":"Grand \"Hall\""}]})");
}

TEST_F(SimHttpControl, EveryControlCallIsRecordedForTheControlApi) {
    control_api api({msc});
    call("POST", "/api/timeline", R"({"action":"start","num":1})");
    call("POST", "/api/timeline?x=1", R"({"action":"start","num":99})");
    call("POST", "/api/beacon", "");
    call("GET", "/api/timeline", ""); // a read, not a control call
    const auto reply = api.handle("GET", "/controllers/0/http-calls", "");
    ASSERT_EQ(reply.status, 200u);
    EXPECT_EQ(
        reply.body,
        R"({"calls":[)"
        R"({"method":"POST","path":"/api/timeline","content_type":"application/json","body":"{\"action\":\"start\",\"num\":1}","bearer":false,"status":204},)"
        R"({"method":"POST","path":"/api/timeline?x=1","content_type":"application/json","body":"{\"action\":\"start\",\"num\":99}","bearer":false,"status":400},)"
        R"({"method":"POST","path":"/api/beacon","content_type":"application/json","body":"","bearer":false,"status":204}]})");
    EXPECT_EQ(msc->stats().control_calls, 3u);
    EXPECT_EQ(msc->stats().control_rejected, 1u);
    EXPECT_EQ(msc->stats().http_requests, 4u);
    EXPECT_EQ(api.handle("POST", "/reset-stats", "").status, 200u);
    EXPECT_EQ(api.handle("GET", "/controllers/0/http-calls", "").body, R"({"calls":[]})");
    EXPECT_EQ(api.handle("GET", "/controllers/1/http-calls", "").status, 404u);
}

TEST_F(SimHttpControl, TheRecordKeepsTheNewestCalls) {
    for (std::size_t i = 0; i < controller::max_recorded_calls + 5; ++i)
        call("POST", "/api/trigger", R"({"num":)" + std::to_string(i) + "}");
    control_api api({msc});
    const auto reply = api.handle("GET", "/controllers/0/http-calls", "");
    EXPECT_EQ(reply.body.find(R"({\"num\":4})"), std::string::npos);
    EXPECT_NE(reply.body.find(R"({\"num\":5})"), std::string::npos);
    EXPECT_EQ(msc->stats().control_calls, controller::max_recorded_calls + 5);
}

TEST_F(SimHttpControl, AuthAnswersAreSwitchedThroughTheControlApi) {
    control_api api({msc});
    EXPECT_EQ(api.handle("POST", "/controllers/0/auth-answers",
                         R"({"expired_token":"body","wrong_credentials":"403"})")
                  .status,
              200u);
    EXPECT_EQ(msc->answers().expired_token, expired_token_answer::body);
    EXPECT_EQ(msc->answers().wrong_credentials, wrong_credentials_answer::forbidden);
    EXPECT_EQ(api.handle("POST", "/controllers/0/auth-answers", R"({"expired_token":"402"})")
                  .status,
              400u);
    EXPECT_EQ(api.handle("POST", "/controllers/0/auth-answers", R"({"wrong_credentials":1})")
                  .status,
              400u);
    EXPECT_EQ(msc->answers().expired_token, expired_token_answer::body);
}

TEST_F(SimHttpControl, DeeplyNestedBodiesAreRejectedWithoutRecursion) {
    const std::string nested = std::string(60'000, '[') + std::string(60'000, ']');
    EXPECT_EQ(status("POST", "/api/timeline", nested), 400u);
}

} // namespace
} // namespace mg::sim
