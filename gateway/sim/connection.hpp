#pragma once
// What a simulated controller needs of its live TCP connections, and the budget slot each holds.

#include <cstdint>
#include <memory>
#include <string>

namespace mg::sim {

class controller;

// A live TCP connection (HTTP or WebSocket) of a simulated controller.
class connection {
public:
    virtual ~connection() = default;
    // Aborts the connection at once, as a controller losing power would.
    virtual void close() = 0;
};

struct ws_frame {
    std::shared_ptr<const std::string> data; // shared: one broadcast goes to many clients
    bool binary = false;
};

ws_frame text_frame(std::string text);
ws_frame binary_frame(std::string bytes);

// A connection that completed the WebSocket upgrade.
class ws_client : public connection {
public:
    virtual void send(ws_frame frame) = 0;
};

// One unit of a controller's connection budget, held for the life of a TCP connection; it moves
// from the HTTP session to the WebSocket on upgrade. Destroying it frees the unit. It keeps the
// controller alive, so a connection never outlives what it reports to.
class connection_slot {
public:
    connection_slot(std::shared_ptr<controller> owner, std::uint64_t id);
    connection_slot(connection_slot&& other) noexcept;
    connection_slot& operator=(connection_slot&& other) noexcept;
    connection_slot(const connection_slot&) = delete;
    connection_slot& operator=(const connection_slot&) = delete;
    ~connection_slot();

    std::uint64_t id() const { return id_; }
    controller& owner() const { return *owner_; }

    // Names the object now carrying the connection, so a `drop` fault can close it.
    void attach(std::weak_ptr<connection> carrier) const;

private:
    std::shared_ptr<controller> owner_;
    std::uint64_t id_ = 0;
};

} // namespace mg::sim
