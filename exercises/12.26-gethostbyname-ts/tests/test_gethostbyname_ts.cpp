// Problem 12.26's checks: gethostbyname_ts, gethostbyname made thread-safe by lock-and-copy.
//
// These checks stand in for gethostbyname: this file defines it, so the submission's call lands
// here rather than in the C library (a program's own definition comes first). It behaves like
// the library's: one static struct hostent and one static buffer that every call overwrites,
// real answers (from the reentrant gethostbyname_r) for real names, h_errno on failure; and it
// answers names under .test itself, some with several aliases and addresses, as /etc/hosts or
// DNS may. It also watches how many threads are inside at once, and on request holds its first
// caller inside, so that a check can see whether a second caller waits outside (a lock) or
// comes in too.
//
// The checks also stand in for sem_post and pthread_mutex_unlock (each call is passed on to the
// real one). When a check asks for it, the moment the submission lets go of a lock after
// gethostbyname answered, "another thread" calls gethostbyname, as one may at any time in a
// real program. A copy made after the unlock then copies that other answer: every time, not once
// in a while.
//
// Memory: freehostent_ts is held to freeing everything by the allocator's own count of bytes in
// use (mallinfo2, or the sanitizer's count under a sanitizer), before and after many calls.
#include "exercise.hpp"
#include "gethostbyname_ts.h"

#include <arpa/inet.h>
#include <malloc.h>
#include <netdb.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define EXERCISE_SANITIZER_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define EXERCISE_SANITIZER_ALLOCATOR 1
#endif
#endif
#ifdef EXERCISE_SANITIZER_ALLOCATOR
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#endif

namespace {

using namespace std::chrono_literals;

// ---- What a name resolves to ----

// One answer, by value: what a result must say.
struct answer {
  std::string name;                    // h_name
  std::vector<std::string> aliases;    // h_aliases, in order
  std::vector<std::string> addresses;  // h_addr_list, in order, 4 bytes each (IPv4)
  bool operator==(const answer& o) const {
    return name == o.name && aliases == o.aliases && addresses == o.addresses;
  }
  bool operator!=(const answer& o) const { return !(*this == o); }
};

std::string ip(unsigned char a, unsigned char b, unsigned char c, unsigned char d) {
  return std::string{static_cast<char>(a), static_cast<char>(b), static_cast<char>(c),
                     static_cast<char>(d)};
}

std::string dotted(const std::string& bytes) {
  char text[INET_ADDRSTRLEN] = "?";
  if (bytes.size() == 4) ::inet_ntop(AF_INET, bytes.data(), text, sizeof text);
  return text;
}

std::string join(const std::vector<std::string>& items, std::string (*show)(const std::string&)) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + show(item);
  return out;
}

std::string same(const std::string& s) { return s; }

// "two.test (aliases alias1.two.test, alias2.two.test; addresses 10.2.0.1, 10.2.0.2)"
std::string describe(const answer& a) {
  std::string out = a.name + " (";
  out += a.aliases.empty()
             ? "no aliases"
             : (a.aliases.size() == 1 ? "alias " : "aliases ") + join(a.aliases, same);
  out += "; ";
  out += a.addresses.empty()
             ? "no address"
             : (a.addresses.size() == 1 ? "address " : "addresses ") + join(a.addresses, dotted);
  return out + ")";
}

// The names under .test that the stand-in answers itself. one.test and two.test have the same
// shape, so that the same static storage holds the one or the other, byte for byte in place.
const std::vector<answer>& made_up() {
  static const std::vector<answer> table = {
      {"one.test",
       {"alias1.one.test", "alias2.one.test"},
       {ip(10, 1, 0, 1), ip(10, 1, 0, 2), ip(10, 1, 0, 3)}},
      {"two.test",
       {"alias1.two.test", "alias2.two.test"},
       {ip(10, 2, 0, 1), ip(10, 2, 0, 2), ip(10, 2, 0, 3)}},
      {"many.test",
       {"a.many.test", "b.many.test", "c.many.test", "d.many.test"},
       {ip(10, 3, 0, 1), ip(10, 3, 0, 2), ip(10, 3, 0, 3), ip(10, 3, 0, 4), ip(10, 3, 0, 5)}},
      {"plain.test", {}, {ip(10, 4, 0, 1)}},
  };
  return table;
}

bool under_test(const char* name) {
  const std::size_t n = std::strlen(name);
  return n >= 5 && std::strcmp(name + n - 5, ".test") == 0;
}

const answer* find_made_up(const char* name) {
  for (const auto& a : made_up())
    if (a.name == name) return &a;
  return nullptr;
}

// What a struct hostent says. `problem` is set when it is not a well-formed IPv4 answer.
answer read(const hostent* h, std::string& problem) {
  answer a;
  if (h->h_addrtype != AF_INET || h->h_length != 4) {
    problem = "its h_addrtype and h_length are " + std::to_string(h->h_addrtype) + " and " +
              std::to_string(h->h_length) + ", not AF_INET and 4 as gethostbyname gave";
    return a;
  }
  if (h->h_name == nullptr)
    problem = "its h_name is NULL";
  else
    a.name = h->h_name;
  if (h->h_aliases == nullptr) {
    problem = "its h_aliases is NULL (no aliases is an array that holds just NULL)";
  } else {
    for (int i = 0; h->h_aliases[i] != nullptr; ++i) {
      if (i == 64) {
        problem = "its h_aliases has no NULL at its end";
        break;
      }
      a.aliases.emplace_back(h->h_aliases[i]);
    }
  }
  if (h->h_addr_list == nullptr) {
    problem = "its h_addr_list is NULL";
  } else {
    for (int i = 0; h->h_addr_list[i] != nullptr; ++i) {
      if (i == 64) {
        problem = "its h_addr_list has no NULL at its end";
        break;
      }
      a.addresses.emplace_back(h->h_addr_list[i], 4);
    }
  }
  return a;
}

std::string describe(const hostent* h) {
  if (h == nullptr) return "NULL";
  std::string problem;
  const answer a = read(h, problem);
  return problem.empty() ? describe(a) : "a result whose " + problem.substr(4);
}

// ---- The stand-in for gethostbyname ----

namespace fake {
hostent result;                             // the one static result, as in the C library
alignas(alignof(char*)) char buffer[8192];  // what it points to: arrays, addresses, names
std::atomic<int> calls{0};                  // calls begun
std::atomic<int> done{0};                   // calls returned
std::atomic<int> inside{0};                 // threads inside right now
std::atomic<int> overlaps{0};               // calls that began while another thread was inside
std::atomic<bool> hold{false};              // hold the next caller inside until let_go
std::atomic<bool> holding{false};           // a caller is being held
std::atomic<bool> let_go{false};
std::atomic<int> trapped{0};           // unlocks that let "another thread" in
thread_local bool trap_armed = false;  // this thread: the next unlock after an answer lets one in
thread_local bool answer_out = false;  // this thread has an answer and has not unlocked since

void reset() {
  calls = 0;
  done = 0;
  inside = 0;
  overlaps = 0;
  hold = false;
  holding = false;
  let_go = false;
  trapped = 0;
  trap_armed = false;
  answer_out = false;
}

// Writes `a` into the static result, the way the C library lays out its own: arrays first,
// then the addresses, then the strings.
hostent* pack(const answer& a) {
  char* at = buffer;
  auto take = [&](std::size_t bytes) {
    char* p = at;
    at += (bytes + alignof(char*) - 1) / alignof(char*) * alignof(char*);
    return p;
  };
  char** addr_list = reinterpret_cast<char**>(take((a.addresses.size() + 1) * sizeof(char*)));
  char** alias_list = reinterpret_cast<char**>(take((a.aliases.size() + 1) * sizeof(char*)));
  for (std::size_t i = 0; i < a.addresses.size(); ++i) {
    addr_list[i] = take(4);
    std::memcpy(addr_list[i], a.addresses[i].data(), 4);
  }
  addr_list[a.addresses.size()] = nullptr;
  for (std::size_t i = 0; i < a.aliases.size(); ++i) {
    alias_list[i] = take(a.aliases[i].size() + 1);
    std::memcpy(alias_list[i], a.aliases[i].c_str(), a.aliases[i].size() + 1);
  }
  alias_list[a.aliases.size()] = nullptr;
  char* name = take(a.name.size() + 1);
  std::memcpy(name, a.name.c_str(), a.name.size() + 1);
  result.h_name = name;
  result.h_aliases = alias_list;
  result.h_addrtype = AF_INET;
  result.h_length = 4;
  result.h_addr_list = addr_list;
  return &result;
}

// The static result for `name`, or nullptr with *err set.
hostent* lookup(const char* name, int* err) {
  if (under_test(name)) {
    const answer* a = find_made_up(name);
    if (a == nullptr) {
      *err = HOST_NOT_FOUND;
      return nullptr;
    }
    return pack(*a);
  }
  hostent* r = nullptr;
  if (::gethostbyname_r(name, &result, buffer, sizeof buffer, &r, err) != 0) return nullptr;
  return r;
}

// Does `p` point into the static result?
bool in_static(const void* p) {
  const auto* c = static_cast<const char*>(p);
  const std::less<const char*> before;
  const auto* r = reinterpret_cast<const char*>(&result);
  return (!before(c, r) && before(c, r + sizeof result)) ||
         (!before(c, buffer) && before(c, buffer + sizeof buffer));
}

// The first part of h that lies in the static result ("" when none does).
std::string static_part(const hostent* h) {
  if (in_static(h)) return "struct hostent";
  if (in_static(h->h_name)) return "h_name";
  if (h->h_aliases != nullptr) {
    if (in_static(h->h_aliases)) return "h_aliases array";
    for (int i = 0; i < 64 && h->h_aliases[i] != nullptr; ++i)
      if (in_static(h->h_aliases[i])) return "h_aliases[" + std::to_string(i) + "]";
  }
  if (h->h_addr_list != nullptr) {
    if (in_static(h->h_addr_list)) return "h_addr_list array";
    for (int i = 0; i < 64 && h->h_addr_list[i] != nullptr; ++i)
      if (in_static(h->h_addr_list[i])) return "h_addr_list[" + std::to_string(i) + "]";
  }
  return "";
}

// Another thread's call, made the moment a lock was let go (see the top of this file).
void on_release() {
  if (trap_armed && answer_out) {
    trap_armed = false;
    answer_out = false;
    ++trapped;
    pack(*find_made_up("two.test"));
  }
}

// The C library's sem_post and pthread_mutex_unlock, which ours pass calls on to.
exercise::real_function<int(sem_t*)> real_sem_post{"sem_post"};
exercise::real_function<int(pthread_mutex_t*)> real_mutex_unlock{"pthread_mutex_unlock"};
}  // namespace fake

}  // namespace

extern "C" struct hostent* gethostbyname(const char* name) {
  ++fake::calls;
  if (++fake::inside > 1) ++fake::overlaps;
  int err = 0;
  hostent* r = fake::lookup(name, &err);
  if (fake::hold.exchange(false)) {  // the first caller stays in here until the check lets go
    fake::holding = true;
    exercise::wait_until([] { return fake::let_go.load(); }, 10s);
    fake::holding = false;
  }
  --fake::inside;
  if (r == nullptr) h_errno = err;
  fake::answer_out = r != nullptr;
  ++fake::done;
  return r;
}

extern "C" int sem_post(sem_t* sem) noexcept {
  fake::on_release();
  return fake::real_sem_post(sem);
}

extern "C" int pthread_mutex_unlock(pthread_mutex_t* mutex) noexcept {
  fake::on_release();
  return fake::real_mutex_unlock(mutex);
}

namespace {

// ---- The names the checks ask for ----

// What `name` resolves to (nothing when it does not), asked of the reentrant gethostbyname_r.
std::optional<answer> truth(const std::string& name) {
  if (under_test(name.c_str())) {
    const answer* a = find_made_up(name.c_str());
    return a ? std::optional<answer>(*a) : std::nullopt;
  }
  hostent h{};
  std::vector<char> buf(8192);
  hostent* r = nullptr;
  int err = 0;
  if (::gethostbyname_r(name.c_str(), &h, buf.data(), buf.size(), &r, &err) != 0 || r == nullptr)
    return std::nullopt;
  std::string problem;
  answer a = read(r, problem);
  if (!problem.empty()) return std::nullopt;
  return a;
}

// Names with an IPv4 address in /etc/hosts (localhost first, if there): this machine resolves
// them without a network.
std::vector<std::string> hosts_names(std::size_t most) {
  std::vector<std::string> names;
  std::ifstream in("/etc/hosts");
  for (std::string line; std::getline(in, line);) {
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    std::string address, name;
    in_addr parsed{};
    if (!(words >> address) || ::inet_pton(AF_INET, address.c_str(), &parsed) != 1) continue;
    while (words >> name)
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  const auto localhost = std::find(names.begin(), names.end(), "localhost");
  if (localhost != names.end()) std::rotate(names.begin(), localhost, localhost + 1);
  if (names.size() > most) names.resize(most);
  return names;
}

struct named {
  std::string name;
  answer want;
};

// Real names (from /etc/hosts, and addresses written as numbers) and made-up ones, with what
// each must say.
std::vector<named> known_names() {
  std::vector<std::string> names = hosts_names(4);
  for (const char* n :
       {"127.0.0.1", "10.1.2.3", "192.168.100.200", "one.test", "many.test", "plain.test"})
    names.emplace_back(n);
  std::vector<named> known;
  for (const auto& n : names)
    if (auto a = truth(n)) known.push_back({n, *a});
  return known;
}

std::string quoted(const std::string& name) { return "gethostbyname_ts(\"" + name + "\")"; }

// The parts two results share ("" when none): each call must make a copy of its own.
std::string shared_part(const hostent* a, const hostent* b) {
  if (a == b) return "struct hostent";
  if (a->h_name == b->h_name) return "h_name";
  if (a->h_aliases == b->h_aliases) return "h_aliases array";
  if (a->h_addr_list == b->h_addr_list) return "h_addr_list array";
  for (int i = 0; a->h_aliases[i] != nullptr && b->h_aliases[i] != nullptr; ++i)
    if (a->h_aliases[i] == b->h_aliases[i]) return "h_aliases[" + std::to_string(i) + "]";
  for (int i = 0; a->h_addr_list[i] != nullptr && b->h_addr_list[i] != nullptr; ++i)
    if (a->h_addr_list[i] == b->h_addr_list[i]) return "h_addr_list[" + std::to_string(i) + "]";
  return "";
}

// Frees results through freehostent_ts, except what is gethostbyname's own or shared with a
// result already freed (freeing that would only crash the check).
void free_all(const std::vector<hostent*>& results) {
  std::vector<hostent*> to_free;  // chosen first: nothing is compared with freed memory
  for (hostent* h : results) {
    if (h == nullptr || !fake::static_part(h).empty()) continue;
    bool shares = false;
    for (hostent* f : to_free) shares = shares || !shared_part(h, f).empty();
    if (!shares) to_free.push_back(h);
  }
  for (hostent* h : to_free) freehostent_ts(h);
}

// Bytes the allocator has handed out and not yet had back.
long long allocated_bytes() {
#ifdef EXERCISE_SANITIZER_ALLOCATOR
  return static_cast<long long>(__sanitizer_get_current_allocated_bytes());
#elif __GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33)
  const struct mallinfo2 m = ::mallinfo2();
  return static_cast<long long>(m.uordblks + m.hblkhd);
#else  // before glibc 2.33: the same counts, in ints
  const struct mallinfo m = ::mallinfo();
  return static_cast<long long>(m.uordblks) + m.hblkhd;
#endif
}

}  // namespace

TEST_CASE("[2] each result says what gethostbyname says: name, aliases and addresses") {
  fake::reset();
  for (const auto& [name, want] : known_names()) {
    hostent* h = gethostbyname_ts(name.c_str());
    if (!exercise::expect(h != nullptr,
                          quoted(name) + " returned NULL; gethostbyname finds " + describe(want)))
      return;
    std::string problem;
    const answer got = read(h, problem);
    const bool ok = exercise::expect(problem.empty(),
                                     "the result of " + quoted(name) + " is wrong: " + problem) &&
                    exercise::expect(got == want, quoted(name) + " says " + describe(got) +
                                                      "; gethostbyname says " + describe(want));
    free_all({h});
    if (!ok) return;
  }
  exercise::expect(
      fake::calls.load() > 0,
      "gethostbyname_ts never called gethostbyname: the task is to wrap it (lock and copy)");
}

TEST_CASE(
    "[1] a name that does not resolve gives NULL and leaves h_errno as gethostbyname set it") {
  fake::reset();
  for (const char* name : {"999.1.2.3", "1.2.3.4.5", "nowhere.test"}) {
    h_errno = 0;
    hostent* h = gethostbyname_ts(name);
    const int err = h_errno;
    if (!exercise::expect(h == nullptr, quoted(name) + " returned " + describe(h) +
                                            ", not NULL: gethostbyname finds no such host")) {
      free_all({h});
      return;
    }
    if (!exercise::expect(err == HOST_NOT_FOUND,
                          quoted(name) + " returned NULL with h_errno " + std::to_string(err) +
                              ", not HOST_NOT_FOUND (" + std::to_string(HOST_NOT_FOUND) +
                              ") as gethostbyname set it"))
      return;
  }
  freehostent_ts(nullptr);  // allowed, does nothing (as free(NULL))
}

TEST_CASE(
    "[2] the result is a copy of its own: later calls leave it alone, and each call makes a new "
    "one") {
  fake::reset();
  hostent* one = gethostbyname_ts("one.test");
  if (!exercise::expect(one != nullptr, quoted("one.test") + " returned NULL")) return;
  const std::string part = fake::static_part(one);
  hostent* two = gethostbyname_ts("two.test");
  const std::string after = "after a call for two.test, it said " + describe(one);
  if (part == "struct hostent") {
    exercise::verdict(quoted("one.test") +
                      " returned gethostbyname's own static result, not a copy: the next "
                      "call overwrites it, whichever thread makes it (" +
                      after + ")");
  } else if (!part.empty()) {
    exercise::verdict(
        "the result of " + quoted("one.test") + " is a shallow copy: its " + part +
        " still points into gethostbyname's static buffer, so the next call changes it (" + after +
        "); copy every string and array it points to, not just the struct");
  } else if (std::string problem; read(one, problem) != *find_made_up("one.test")) {
    exercise::verdict("the result of " + quoted("one.test") + " changed when " +
                      quoted("two.test") + " was called: " + after);
  } else {
    hostent* again = gethostbyname_ts("one.test");
    const std::string shared = again ? shared_part(one, again) : "";
    exercise::expect(shared.empty(),
                     "two calls of " + quoted("one.test") + " returned the same " + shared +
                         ": each call must make a new copy, which its caller frees with "
                         "freehostent_ts");
    free_all({one, two, again});
    return;
  }
  free_all({one, two});
}

TEST_CASE("[1] freehostent_ts frees everything gethostbyname_ts allocated") {
  fake::reset();
  for (int i = 0; i < 8; ++i) freehostent_ts(gethostbyname_ts("many.test"));  // first-call setup
  const int rounds = 256;
  const long long before = allocated_bytes();
  for (int i = 0; i < rounds; ++i) freehostent_ts(gethostbyname_ts("many.test"));
  const long long grown = allocated_bytes() - before;
  exercise::expect(grown < 1024,
                   "after " + std::to_string(rounds) + " calls of " + quoted("many.test") +
                       ", each result passed to freehostent_ts, " + std::to_string(grown) +
                       " more bytes were in use than before (about " +
                       std::to_string(grown / rounds) +
                       " a call): freehostent_ts must free all of it: the struct, h_name, each "
                       "alias and the h_aliases array, each address and the h_addr_list array");
}

TEST_CASE("[2] while one thread is inside gethostbyname, another caller waits for the lock") {
  fake::reset();
  fake::hold = true;
  hostent* first_result = nullptr;   // written by its thread, read after the join
  hostent* second_result = nullptr;  // the same
  std::atomic<bool> first_done{false}, second_calling{false};
  std::atomic<pid_t> second_tid{0};
  std::thread first([&] {
    first_result = gethostbyname_ts("one.test");
    first_done = true;
  });
  exercise::wait_until([&] { return fake::holding.load() || first_done.load(); }, 5s);
  if (!fake::holding.load()) {
    fake::hold = false;
    fake::let_go = true;
    first.join();
    exercise::verdict(
        fake::calls.load() == 0
            ? "gethostbyname_ts never called gethostbyname: the task is to wrap it (lock and copy)"
            : quoted("one.test") + " had neither called gethostbyname nor returned after 5 s");
    free_all({first_result});
    return;
  }
  // The first thread is inside gethostbyname. A second caller must now wait for the lock
  // (asleep, and not inside): if it comes in, its call overwrites the first one's answer.
  std::thread second([&] {
    second_tid = exercise::thread_id();
    second_calling = true;
    second_result = gethostbyname_ts("two.test");
  });
  int asleep = 0;  // looks in a row that found the second thread asleep, outside
  exercise::wait_until(
      [&] {
        if (fake::done.load() > 0) return true;  // its call went through gethostbyname
        if (!second_calling.load()) return false;
        asleep = exercise::thread_state(second_tid.load()) == 'S' && fake::calls.load() == 1
                     ? asleep + 1
                     : 0;
        return asleep >= 3;
      },
      5s);
  fake::let_go = true;
  first.join();
  second.join();
  // Only the lock is judged here: a result that is no copy is the copy check's to name.
  const bool copies = first_result != nullptr && second_result != nullptr &&
                      fake::static_part(first_result).empty() &&
                      fake::static_part(second_result).empty();
  exercise::expect(
      fake::overlaps.load() == 0,
      "while a thread was inside gethostbyname for one.test, a second thread went in too, for "
      "two.test: nothing kept it out, and its call overwrote the first one's answer (the first "
      "thread got back " +
          describe(first_result) + "); hold a lock from before the call until the copy is made") &&
      exercise::expect(!copies || (describe(first_result) == describe(*find_made_up("one.test")) &&
                                   describe(second_result) == describe(*find_made_up("two.test"))),
                       "with the second thread kept waiting, " + quoted("one.test") + " gave " +
                           describe(first_result) + " and " + quoted("two.test") + " gave " +
                           describe(second_result));
  free_all({first_result, second_result});
}

TEST_CASE("[1] the copy is made before the lock is released") {
  fake::reset();
  fake::trap_armed = true;  // the next unlock after gethostbyname answers lets "another thread" in
  hostent* h = gethostbyname_ts("one.test");
  fake::trap_armed = false;
  fake::answer_out = false;
  const std::string part = h ? fake::static_part(h) : "";
  if (!exercise::expect(
          fake::calls.load() > 0,
          "gethostbyname_ts never called gethostbyname: the task is to wrap it (lock and copy)") ||
      !exercise::expect(h != nullptr, quoted("one.test") + " returned NULL") ||
      !exercise::expect(part.empty(),
                        "the result of " + quoted("one.test") + " is not a copy: its " + part +
                            " is in gethostbyname's static result, which no lock protects once "
                            "gethostbyname_ts has returned") ||
      !exercise::expect(
          fake::trapped.load() > 0,
          "gethostbyname_ts released no lock after gethostbyname answered (no V, sem_post or "
          "mutex unlock): lock before calling gethostbyname, unlock once the copy is made")) {
    free_all({h});
    return;
  }
  exercise::expect(
      describe(h) == describe(*find_made_up("one.test")),
      "gethostbyname_ts released its lock before it had copied gethostbyname's answer: right after "
      "the unlock another thread called gethostbyname(\"two.test\"), as one may at any time, and "
      "the "
      "copy returned for one.test said " +
          describe(h) + "; copy first, then unlock");
  free_all({h});
}

TEST_CASE(
    "[1] many threads at once: every result right, and still right after other threads' calls") {
  fake::reset();
  const std::vector<named> known = known_names();
  const int threads = 8, calls = 100, kept = 3;
  std::mutex lock;
  std::string mistake;  // the first one seen, under lock
  auto report = [&](const std::string& what) {
    std::lock_guard<std::mutex> hold(lock);
    if (mistake.empty()) mistake = what;
  };
  std::vector<std::thread> all;
  for (int t = 0; t < threads; ++t)
    all.emplace_back([&, t] {
      struct held {
        hostent* h;
        const named* n;
      };
      std::vector<held> mine;  // results this thread holds on to while others call
      for (int i = 0; i < calls; ++i) {
        const named& n = known[static_cast<std::size_t>(t + i) % known.size()];
        hostent* h = gethostbyname_ts(n.name.c_str());
        if (const std::string part = h ? fake::static_part(h) : ""; !part.empty()) {
          report(
              "thread " + std::to_string(t) + ": the result of " + quoted(n.name) +
              " is not a copy: its " + part +
              " is in gethostbyname's static result, which every other thread's call overwrites");
          break;
        }
        if (h == nullptr || describe(h) != describe(n.want)) {
          report("thread " + std::to_string(t) + ": " + quoted(n.name) + " gave " + describe(h) +
                 ", not " + describe(n.want));
          mine.push_back({h, &n});
          break;
        }
        mine.push_back({h, &n});
        if (mine.size() > static_cast<std::size_t>(kept)) {
          const held old = mine.front();
          if (describe(old.h) != describe(old.n->want)) {
            report("thread " + std::to_string(t) + ": the result of " + quoted(old.n->name) +
                   " said " + describe(old.h) + " after " + std::to_string(kept) +
                   " more calls (it said " + describe(old.n->want) + " when it was returned)");
            break;
          }
          mine.erase(mine.begin());
          if (fake::static_part(old.h).empty()) freehostent_ts(old.h);
        }
      }
      std::vector<hostent*> rest;
      for (const auto& m : mine) rest.push_back(m.h);
      free_all(rest);
    });
  for (auto& th : all) th.join();
  const int overlaps = fake::overlaps.load();
  exercise::expect(
      mistake.empty() && overlaps == 0,
      std::to_string(threads) + " threads calling gethostbyname_ts at once: " +
          (mistake.empty() ? "every result was right" : mistake) +
          (overlaps == 0 ? ""
                         : "; " + exercise::times(overlaps) +
                               " a thread went into gethostbyname while another was inside"));
}
