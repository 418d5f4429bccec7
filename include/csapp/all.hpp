// csapp/all.hpp - the whole C++ face in one include, for programs that use most of it.
// Each header below stands alone; include just the ones you need when you prefer.
#pragma once

#include "error.hpp"      // std::system_error policy, retry_on_eintr
#include "fd.hpp"         // unique_fd
#include "rio.hpp"        // readn, writen, rio_state, reader
#include "sbuf.hpp"       // sbuf<T>
#include "semaphore.hpp"  // semaphore (P and V)
#include "signal.hpp"     // install_handler, sio::
#include "socket.hpp"     // listen_on, connect_to, accept_from, local_port
#include "stop.hpp"       // stop_on_signals, wait_readable: clean exit on SIGINT/SIGTERM
