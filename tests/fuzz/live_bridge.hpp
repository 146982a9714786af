#pragma once
// The features that read controller data (state topics, on-demand requests) on a recording
// sink, with one live controller link driven as a session would drive it.

#include "gateway/features/answers.hpp"
#include "gateway/features/on_demand.hpp"
#include "gateway/features/state_topics.hpp"
#include "tests/support/link_driver.hpp"
#include "tests/support/recording_sink.hpp"

#include <vector>

namespace mg::fuzz {

struct live_bridge {
    test::recording_sink sink;
    const features::topic_scheme topics{"mosaic", "fuzz"};
    features::state_topics state{sink, topics};
    features::answers answers{sink, topics};
    features::on_demand on_demand{sink, topics, answers};
    // Live and subscribed to every mapped channel once constructed.
    test::link_driver driver{started()};

private:
    std::vector<features::feature*> started() {
        state.start();
        on_demand.start();
        return {&state, &on_demand};
    }
};

} // namespace mg::fuzz
