// metrics-bench-scrape: times the /metrics and /healthz bodies for N controllers (default
// 100) and counts heap allocations per scrape, with the response buffer kept between scrapes
// as a scraper that keeps its connection open keeps it.
//
//   metrics-bench-scrape [controllers] [scrapes]

#include "gateway/features/metrics_text.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

namespace {
std::atomic<std::uint64_t> allocations{0};
}

void* operator new(std::size_t size) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size ? size : 1))
        return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}

int main(int argc, char** argv) {
    const std::size_t controllers = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100;
    const std::size_t scrapes = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 20000;

    std::vector<std::string> names;
    for (std::size_t i = 0; i < controllers; ++i)
        names.push_back("controller-" + std::to_string(i));
    std::vector<mg::features::controller_sample> samples(controllers);
    for (std::size_t i = 0; i < controllers; ++i) {
        auto& s = samples[i];
        s.name = names[i];
        s.state = "live";
        s.up = true;
        s.messages_in = 123456789 + i;
        s.reconnects = i % 7;
        s.auth_renewals = i % 3;
        s.commands = {1000 + i, 3, 1, 0, 0};
        s.last_message_age = 0.001 * static_cast<double>(i);
    }
    const mg::features::metrics_snapshot snapshot{
        "0.1.0", "hotel-east", samples, {true, 987654321, 12, 3, 0}};

    std::string body;
    mg::features::write_metrics(body, snapshot); // grows the buffer once
    const auto size = body.size();

    const auto before = allocations.load();
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < scrapes; ++i) {
        body.clear();
        mg::features::write_metrics(body, snapshot);
    }
    const auto metrics_done = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < scrapes; ++i) {
        body.clear();
        mg::features::write_health(body, snapshot);
    }
    const auto health_done = std::chrono::steady_clock::now();
    const auto allocated = allocations.load() - before;

    const auto us = [&](auto from, auto to) {
        return std::chrono::duration<double, std::micro>(to - from).count() /
               static_cast<double>(scrapes);
    };
    std::printf("controllers %zu, scrapes %zu, /metrics body %zu bytes\n", controllers, scrapes,
                size);
    std::printf("/metrics: %.1f us per scrape\n", us(start, metrics_done));
    std::printf("/healthz: %.2f us per scrape\n", us(metrics_done, health_done));
    std::printf("heap allocations per scrape: %.3f\n",
                static_cast<double>(allocated) / static_cast<double>(2 * scrapes));
    return 0;
}
