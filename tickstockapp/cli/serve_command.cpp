// tickstockapp serve: feed -> engine -> sinks until the feed ends (--exit-on-eof) or a signal.
// The settings are runtime/serve_config's, the run itself runtime/serve_runtime's; this file
// owns what belongs to the process: the signals, --help and the exit code.
#include <cstdio>
#include <pthread.h>
#include <signal.h>
#include <string>
#include <thread>
#include <utility>

#include "cli/commands.h"
#include "runtime/serve_config.h"
#include "runtime/serve_runtime.h"
#include "settings/scanner_settings.h"
#include "settings/settings.h"

namespace tickstock::app {
namespace {

// Block SIGINT/SIGTERM in every thread; one thread waits for them with sigwait. SIGUSR1 wakes
// that thread when the run ends by itself.
sigset_t block_signals() {
  // A shell may start us with SIGINT ignored (background job); take it back so sigwait sees it.
  ::signal(SIGINT, SIG_DFL);
  ::signal(SIGTERM, SIG_DFL);
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  return sigs;
}

// Runs until the feed ends (or fails), or until SIGINT/SIGTERM; the exit code.
int run_until_signal(ServeRuntime& runtime, const sigset_t& sigs, Log& log) {
  std::thread signal_thread([&] {
    int sig = 0;
    sigwait(&sigs, &sig);
    if (sig == SIGUSR1) return;  // woken up because the run ended by itself
    log.info(std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") +
             ": stopping the feed, closing open bars and flushing");
    runtime.stop();
  });
  runtime.wait();
  if (runtime.keeps_serving()) {
    signal_thread.join();  // services keep serving until a signal arrives
  } else {
    pthread_kill(signal_thread.native_handle(), SIGUSR1);
    signal_thread.join();
  }
  return runtime.finish();
}

}  // namespace

int run_serve(int argc, char** argv, Log& log) {
  const sigset_t sigs = block_signals();
  auto sets = take_sets(argc, argv);
  if (!sets) {
    log.error(sets.error().message);
    return 2;
  }
  Settings s;
  declare_serve_settings(s);
  if (auto r = s.parse(argc, argv); !r) {
    log.error(r.error().message);
    return 2;
  }
  if (s.help_requested()) {
    std::printf(
        "usage: tickstockapp serve [--feed synthetic|replay:FILE|polygon|redis] [--speed max|N]\n"
        "                          [--exit-on-eof] [--http 127.0.0.1:8080]\n"
        "                          [--patterns all|NAME,...] [--set NAME.param=value]...\n"
        "                          [--indicator-events] [--no-bar-events]\n"
        "                          [--redis-url URL] [--redis-prefix P] [--redis-bars]\n"
        "                          [--redis-stream-maxlen N]\n"
        "                          [--symbols LIST|* | --symbols-file FILE | --universe GROUP]\n\n"
        "Runs the engine on a feed and prints, as JSON lines on stdout, every closed bar and\n"
        "the scanner's pattern, alert (and indicator) events for it; with Redis configured it\n"
        "also publishes them there (docs/redis-events.md).\n"
        "--feed polygon streams Polygon.io (Massive) trades; its API key is read from the\n"
        "environment variable POLYGON_API_KEY only and never logged.\n"
        "Settings: flag, then environment, then default.\n\n%s\n%s",
        s.help().c_str(), kSetHelp);
    return 0;
  }
  auto config = parse_serve_config(s, *sets);
  if (!config) {
    log.error(config.error().message);
    return 2;
  }
  ServeRuntime runtime(std::move(*config), log);
  if (auto r = runtime.start(); !r) {
    log.error(r.error().message);
    return 2;
  }
  return run_until_signal(runtime, sigs, log);
}

}  // namespace tickstock::app
