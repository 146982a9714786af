#pragma once
// The test control API: routes and JSON bodies, free of any transport.
//
//   GET  /stats                          counters of every controller (counters.hpp)
//   POST /reset-stats                    zero them (current values stay) and forget the recorded
//                                        HTTP control calls
//   POST /controllers/<i>/timeline       {"num",["state"],["position"],["onstage"]} + broadcast
//   POST /controllers/<i>/scene          {"num",["state"],["onstage"]} + broadcast
//   POST /controllers/<i>/group          {"num",["level"]} + broadcast
//   POST /controllers/<i>/broadcast      {"frame":"<text>"} or {"binary_hex":"00ff…"}, to every
//                                        client
//   POST /controllers/<i>/set            {"request":"<name>","data":<json, or null to restore>}
//   POST /controllers/<i>/fault          {"kind":"drop|refuse|expire|restart|silence|garbage|
//                                        binary|oversized",["seconds"]}; `expire` forgets every
//                                        token, so the next WebSocket message or /api/* call
//                                        with one needs a new /authenticate
//   POST /controllers/<i>/tick           one random change
//   POST /controllers/<i>/auth-answers   {["expired_token":"401|redirect|body"],
//                                         ["wrong_credentials":"redirect|401|403|no-token"]}
//                                        (what the --expired-token/--wrong-credentials options
//                                        set at start)
//   GET  /controllers/<i>/http-calls     {"calls":[{"method","path","content_type","body",
//                                        "bearer","status"}]}: the HTTP control calls (every
//                                        /api/* call but a GET) the controller received, oldest
//                                        first, the newest 1000; `bearer` tells whether an
//                                        Authorization: Bearer header came (never the token)
//
// Success is 200 {"ok":true,"sent":<WebSocket clients the call sent a frame to>} (or the JSON
// asked for); errors are 400/404 {"error":"…"}.

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
