// ZeroMQ (Debian's libzmq3-dev, libzmq 4.3) for the Jupyter kernel's five sockets. Its C API
// has no variadic calls, so Swift uses <zmq.h> directly; only the option helpers below are
// typed wrappers, since zmq_setsockopt takes an untyped pointer and a size.
#ifndef HEBB_ZEROMQ_SHIM_H
#define HEBB_ZEROMQ_SHIM_H
#include <zmq.h>

/// Sets an int socket option (ZMQ_LINGER, ZMQ_ROUTER_HANDOVER, ...); 0 on success.
static inline int hebb_zmq_set_int(void *socket, int option, int value) {
    return zmq_setsockopt(socket, option, &value, sizeof value);
}

/// True when the last message part received on `socket` has more parts after it.
static inline int hebb_zmq_has_more(void *socket) {
    int more = 0;
    size_t size = sizeof more;
    if (zmq_getsockopt(socket, ZMQ_RCVMORE, &more, &size) != 0) return 0;
    return more;
}
#endif
