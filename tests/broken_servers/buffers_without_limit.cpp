// buffers_without_limit - an echo server that takes in everything a client sends, whether or
// not the client reads its echoes.
//
// The flaw: each client has a reader thread and a writer thread with a queue between them,
// and the queue has no bound. The reader never waits for the writer, so a client that sends
// and never reads makes the queue, and the server's memory, grow with everything it sends;
// a handful of such clients can exhaust the machine's memory. A server must stop taking a
// client's input while that client's output is backed up (flow control: a bound on the
// queue, as echoserver_nb and echoserver_epoll keep, or simply writing before reading more,
// as a thread per client does). echo-check must report it in the slow-readers scenario, and
// nowhere else: every byte still comes back, in order, to a client that reads.
#include <condition_variable>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>

#include "broken_server.hpp"

namespace {

struct queue {
  std::mutex lock;
  std::condition_variable changed;
  std::string bytes;  // echoes not yet written: no bound, the flaw
  bool done = false;  // the reader saw the end (or an error)
};

void write_what_comes(int fd, queue& q) {
  std::string batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> hold(q.lock);
      q.changed.wait(hold, [&] { return !q.bytes.empty() || q.done; });
      if (q.bytes.empty()) return;  // done, and everything written
      batch.swap(q.bytes);
    }
    try {
      csapp::write_all(fd, batch.data(), batch.size());
    } catch (const std::system_error&) {
      return;  // reset or closed: nothing more to say to this client
    }
    batch.clear();
  }
}

void serve(int fd) {
  queue q;
  std::thread writer(write_what_comes, fd, std::ref(q));
  csapp::reader in(fd);
  char piece[csapp::rio_bufsize];
  try {
    while (const std::size_t n = in.read_line(piece, sizeof piece)) {
      const std::lock_guard<std::mutex> hold(q.lock);
      q.bytes.append(piece, n);
      q.changed.notify_one();
    }
  } catch (const std::system_error&) {
    // reset: the writer finishes what it can
  }
  {
    const std::lock_guard<std::mutex> hold(q.lock);
    q.done = true;
    q.changed.notify_one();
  }
  writer.join();
}

}  // namespace

int main(int argc, char** argv) { broken::serve_each_client_in_a_thread(argc, argv, serve); }
