// tools/echocheck/servers.hpp - the chapter's example echo servers and what each design
// promises: one table, read by the tour (its rows, its reading, performance.md) and by the
// tests, which judge every server here against its own promises with the checker's scenarios,
// exactly as echo-check judges a student's server.
#pragma once

#include <string>
#include <vector>

namespace echo_check {

// The approaches of the chapter; a reading of the numbers depends on which one a server is.
enum class design {
  iterative,    // one client at a time (11.4)
  process,      // a child process per client (12.1)
  select_pool,  // the book's select pool: one line per ready client, blocking reads (12.2)
  event_loop,   // select with non-blocking sockets and per-client buffers (12.2, ours)
  epoll,        // the same with epoll, past FD_SETSIZE (12.2, ours)
  thread,       // a thread per client (12.3)
  pool,         // a fixed pool of workers fed by an sbuf (12.5)
};

struct example_server {
  std::string program;              // under the build's examples folder: "11.4-echo/echoserveri"
  std::string name;                 // the approach, as the tour's table shows it
  std::string section;              // the book's section
  design kind = design::iterative;  // which approach
  bool concurrent = false;          // a second client is served while the first stays connected
  bool half_line_stalls = false;    // a client that sends half a line holds every other one up
  int workers = 0;                  // a fixed pool serves this many clients at once (0: no pool)
  bool catches_sigterm = false;     // ends on SIGTERM with exit(0) (csapp/stop.hpp); others die
  bool slow_readers_stall = false;  // clients that send and never read hold every other one up

  // "echoserveri": the program's file name, as --only and the tests name it.
  std::string file_name() const { return program.substr(program.rfind('/') + 1); }
};

// In the order the chapter builds them.
inline const std::vector<example_server>& example_servers() {
  static const std::vector<example_server> servers = {
      {"11.4-echo/echoserveri", "iterative", "11.4", design::iterative, false, true, 0, false,
       true},
      {"12.1-processes/echoserverp", "process per client", "12.1", design::process, true, false, 0,
       false, false},
      {"12.2-io-multiplexing/echoservers", "select pool (book)", "12.2", design::select_pool, true,
       true, 0, false, true},
      {"12.2-io-multiplexing/echoserver_nb", "event loop, partial lines", "12.2",
       design::event_loop, true, false, 0, false, false},
      {"12.2-io-multiplexing/echoserver_epoll", "epoll event loop", "12.2", design::epoll, true,
       false, 0, true, false},
      {"12.3-threads/echoservert", "thread per client", "12.3", design::thread, true, false, 0,
       false, false},
      {"12.5-semaphores/echoservert_pre", "prethreaded pool", "12.5", design::pool, true, false, 4,
       false, true},
      {"12.3-threads/echoservert_cpp", "threads, C++ API", "12.3", design::thread, true, false, 0,
       true, false},
      {"12.5-semaphores/echoservert_pre_cpp", "prethreaded, C++ API", "12.5", design::pool, true,
       false, 4, true, true},
  };
  return servers;
}

// The server whose file name is `name`, or nullptr.
inline const example_server* find_example_server(const std::string& name) {
  for (const auto& s : example_servers())
    if (s.file_name() == name) return &s;
  return nullptr;
}

}  // namespace echo_check
