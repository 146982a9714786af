#pragma once
// The test control API: routes and JSON bodies, free of any transport.
//
//   GET  /stats                          counters of every controller
//   POST /reset-stats                    zero them (current values stay)
//   POST /controllers/<i>/timeline       {"num",["state"],["position"],["onstage"]} + broadcast
//   POST /controllers/<i>/scene          {"num",["state"],["onstage"]} + broadcast
//   POST /controllers/<i>/group          {"num",["level"]} + broadcast
//   POST /controllers/<i>/broadcast      {"frame":"<text>"} or {"binary_hex":"00ff…"}, to every
//   client POST /controllers/<i>/set            {"request":"<name>","data":<json or null to
//   restore>} POST /controllers/<i>/fault {"kind":"drop|refuse|expire|restart|silence|garbage|
//                                         binary|oversized",["seconds"]}
//   POST /controllers/<i>/tick           one random change
//
// Success is 200 {"ok":true,"sent":<WebSocket clients the call sent a frame to>}; errors are
// 400/404 {"error":"…"}.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mg::sim {

class controller;

struct control_reply {
    unsigned status = 200;
    std::string body;
};

class control_api {
public:
    explicit control_api(std::vector<std::shared_ptr<controller>> controllers);

    control_reply handle(std::string_view method, std::string_view target, std::string_view body);

private:
    control_reply stats() const;
    control_reply reset_stats();
    control_reply controller_call(std::string_view method, std::string_view rest,
                                  std::string_view body);

    std::vector<std::shared_ptr<controller>> controllers_;
};

} // namespace mg::sim
