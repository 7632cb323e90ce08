#include "serve_command.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>

#include "msgcenter/message_center.hpp"
#include "msgcenter/server/demo_data.hpp"
#include "msgcenter/server/http_server.hpp"
#include "msgcenter/server/token_store.hpp"
#include "msgcenter/server/twilio_gateway.hpp"

namespace msgcenter::cli {
namespace {

struct serve_args {
  std::string listen;
  std::string data_dir;
  std::string config;
  std::string public_url;
  std::string outbound;
  std::string twilio_api_url;
  std::string web;
  unsigned threads = 0;
  bool demo = false;
};

millis now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// mkdir -p
bool make_dirs(const std::string& path) {
  std::string partial;
  for (std::size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      if (!partial.empty() && ::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) return false;
    }
    if (i < path.size()) partial.push_back(path[i]);
  }
  return true;
}

bool is_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

/// The web page's directory when neither --web nor the config names one: `web/` of the
/// source tree this binary was built in, found relative to the binary (build*/cli/msgcenter
/// -> ../../web), if it holds index.html. Empty otherwise (docs/decisions.md).
std::string default_web_root() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return {};
  std::string exe(buf, static_cast<std::size_t>(n));
  auto slash = exe.rfind('/');
  if (slash == std::string::npos) return {};
  std::string candidate = exe.substr(0, slash) + "/../../web";
  if (!is_file(candidate + "/index.html")) return {};
  char real[PATH_MAX];
  return ::realpath(candidate.c_str(), real) ? std::string(real) : candidate;
}

/// A random admin key for runs without one ("mca_" + 32 characters); empty if the system
/// has no /dev/urandom.
std::string random_admin_key() {
  static const char* alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";  // 57
  unsigned char bytes[32];
  FILE* urandom = std::fopen("/dev/urandom", "rb");
  bool ok = urandom && std::fread(bytes, 1, sizeof bytes, urandom) == sizeof bytes;
  if (urandom) std::fclose(urandom);
  if (!ok) return {};
  std::string key = "mca_";
  for (unsigned char c : bytes) key.push_back(alphabet[c % 57]);
  return key;
}

void print_demo(const server::demo_info& info, const std::string& base,
                const std::string& signed_base, bool web_page) {
  std::cout << "\nDemo data " << (info.already_loaded ? "found in the store" : "loaded")
            << ": business `" << info.business << "` (Lotus Day Spa), number " << info.number;
  if (!info.already_loaded) std::cout << ", " << info.operations << " operations replayed";
  std::cout << ".\nStaff tokens"
            << (info.already_loaded ? " (new ones; earlier ones stay valid)" : "") << ":\n";
  for (const auto& s : info.staff)
    std::cout << "  " << s.staff << " (" << s.name << "): " << s.token << "\n";
  const std::string& token = info.staff.front().token;
  std::cout
      << "\nTry it (as " << info.staff.front().staff << "):\n"
      << "  T=" << token << "\n"
      << "  curl -s " << base << "/v1/conversations -H \"Authorization: Bearer $T\"\n"
      << "  curl -sN " << base << "/v1/events -H \"Authorization: Bearer $T\"      # live events\n"
      << "\nAn inbound text as Twilio would post it (signed with the demo auth token `"
      << info.twilio_auth_token << "`):\n"
      << "  URL=" << signed_base << "/webhooks/twilio/sms\n"
      << "  SIG=$(printf '%s' \"${URL}Bodyhello againFrom" << info.client_phone
      << "MessageSidSM0001To" << info.number << "\" | openssl dgst -sha1 -hmac "
      << info.twilio_auth_token << " -binary | base64)\n"
      << "  curl -s " << base << "/webhooks/twilio/sms -H \"X-Twilio-Signature: $SIG\" \\\n"
      << "    --data-urlencode From=" << info.client_phone << " --data-urlencode To=" << info.number
      << " \\\n    --data-urlencode 'Body=hello again' --data-urlencode MessageSid=SM0001\n"
      << "\nA reply:\n"
      << "  curl -s " << base
      << "/v1/messages -H \"Authorization: Bearer $T\" -H 'Content-Type: application/json' \\\n"
      << "    -d '{\"phone\":\"" << info.client_phone << "\",\"body\":\"See you soon!\"}'\n\n";
  if (web_page)
    std::cout << "The staff web inbox: open " << base << "/ and sign in as "
              << info.staff.front().staff << " (" << info.staff.front().name
              << ") with the token\n  " << token << "\n\n";
  std::cout << std::flush;
}

int run_serve(const serve_args& a) {
  // SIGINT/SIGTERM are taken by sigwait below: block them before any thread starts, so
  // every thread inherits the mask and none is interrupted.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  server::serve_config cfg;
  if (!a.config.empty()) {
    auto loaded = server::load_serve_config(a.config);
    if (!loaded) {
      std::cerr << "msgcenter: " << loaded.error().message << "\n";
      return 2;
    }
    cfg = std::move(loaded.value());
  }
  if (!a.listen.empty()) {
    auto l = server::parse_listen(a.listen);
    if (!l) {
      std::cerr << "msgcenter: " << l.error().message << "\n";
      return 2;
    }
    cfg.server.host = l->first;
    cfg.server.port = l->second;
  }
  if (!a.data_dir.empty()) cfg.data_dir = a.data_dir;
  if (!a.public_url.empty()) cfg.server.public_url = a.public_url;
  while (!cfg.server.public_url.empty() && cfg.server.public_url.back() == '/')
    cfg.server.public_url.pop_back();
  if (!a.outbound.empty()) cfg.outbound = a.outbound;
  if (!a.twilio_api_url.empty()) cfg.twilio_api_url = a.twilio_api_url;
  if (!a.web.empty())
    cfg.server.web_root = a.web == "none" ? std::string() : a.web;
  else if (cfg.server.web_root.empty())
    cfg.server.web_root = default_web_root();
  if (!cfg.server.web_root.empty() && !is_file(cfg.server.web_root + "/index.html")) {
    std::cerr << "msgcenter: --web " << cfg.server.web_root << ": no index.html there\n";
    return 2;
  }
  if (cfg.outbound != "local" && cfg.outbound != "twilio") {
    std::cerr << "msgcenter: --outbound is `local` or `twilio`\n";
    return 2;
  }
  if (const char* key = std::getenv("MSGCENTER_ADMIN_KEY"); key && *key) cfg.server.admin_key = key;
  if (cfg.server.admin_key.empty()) {
    cfg.server.admin_key = random_admin_key();
    if (cfg.server.admin_key.empty()) {
      std::cerr << "msgcenter: set MSGCENTER_ADMIN_KEY (no random source for a generated one)\n";
      return 2;
    }
    std::cerr << "msgcenter: no MSGCENTER_ADMIN_KEY or config admin_key; this run's admin key is "
              << cfg.server.admin_key << "\n";
  }
  if (const char* key = std::getenv("MSGCENTER_METRICS_KEY"); key && *key)
    cfg.server.metrics_key = key;
  for (auto [key, what] : {std::pair{&cfg.server.admin_key, "the admin key"},
                           std::pair{&cfg.server.metrics_key, "the metrics key"}}) {
    if (auto ok = server::check_admin_key(*key, what); !ok) {
      std::cerr << "msgcenter: " << ok.error().message << "\n";
      return 2;
    }
  }

  // Tokens live beside the store when there is one.
  std::unique_ptr<server::token_store> tokens;
  if (!cfg.data_dir.empty()) {
    if (!make_dirs(cfg.data_dir)) {
      std::cerr << "msgcenter: cannot create " << cfg.data_dir << ": " << std::strerror(errno)
                << "\n";
      return 1;
    }
    auto opened = server::token_store::open(cfg.data_dir + "/tokens.json");
    if (!opened) {
      std::cerr << "msgcenter: " << opened.error().message << "\n";
      return 1;
    }
    tokens = std::move(opened.value());
  } else {
    tokens = std::make_unique<server::token_store>();
  }

  std::shared_ptr<server::twilio_gateway> twilio;
  options eo;
  eo.data_dir = cfg.data_dir;
  eo.threads = a.threads;
  if (cfg.outbound == "twilio") {
    server::twilio_gateway_options go;
    go.api_url = cfg.twilio_api_url;
    if (!cfg.server.public_url.empty())
      go.status_callback_url = cfg.server.public_url + "/webhooks/twilio/status";
    else
      std::cerr << "msgcenter: no --public-url: Twilio will not be asked for status callbacks\n";
    twilio = std::make_shared<server::twilio_gateway>(go);
    eo.outbound = twilio;
  }
  auto engine = message_center::open(eo);
  if (!engine) {
    std::cerr << "msgcenter: cannot open the engine";
    if (!cfg.data_dir.empty()) std::cerr << " with its store in " << cfg.data_dir;
    std::cerr << ": " << engine.error().message << "\n";
    if (!cfg.data_dir.empty() && engine.error().code == errc::unavailable)
      std::cerr << "msgcenter: if this build has no LMDB store yet, run without --data: state is "
                   "then kept in "
                   "memory and lost at exit\n";
    if (twilio) twilio->stop();
    return 1;
  }
  message_center& mc = *engine.value();
  server::server_metrics metrics;
  if (twilio) {
    twilio->set_account_lookup(
        [&mc](const outbound_sms& sms) { return mc.carrier_account_for(sms.from); });
    metrics.set_extra([twilio] { return twilio->metrics_text(); });
  }

  std::optional<server::demo_info> demo;
  if (a.demo) {
    auto loaded = server::load_demo_data(mc, *tokens, now_ms());
    if (!loaded) {
      std::cerr << "msgcenter: cannot load the demo data: " << loaded.error().message << "\n";
      mc.close();
      if (twilio) twilio->stop();
      return 1;
    }
    demo = std::move(loaded.value());
  }

  server::http_server http(cfg.server, mc, *tokens, metrics);
  if (auto started = http.start(); !started) {
    std::cerr << "msgcenter: " << started.error().message << "\n";
    mc.close();
    if (twilio) twilio->stop();
    return 1;
  }
  const std::string host = cfg.server.host.find(':') != std::string::npos
                               ? "[" + cfg.server.host + "]"
                               : cfg.server.host;
  const std::string base = "http://" + host + ":" + std::to_string(http.port());
  std::cout << "msgcenter: listening on " << base
            << " (store: " << (cfg.data_dir.empty() ? std::string("in memory") : cfg.data_dir)
            << ", outbound: " << cfg.outbound << ")" << std::endl;
  if (!cfg.server.web_root.empty())
    std::cout << "msgcenter: staff web page at " << base << "/ (files from " << cfg.server.web_root
              << ")" << std::endl;
  else
    std::cout << "msgcenter: no staff web page (no web/index.html beside the build; --web DIR)"
              << std::endl;
  if (demo)
    print_demo(*demo, base, cfg.server.public_url.empty() ? base : cfg.server.public_url,
               !cfg.server.web_root.empty());

  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::cerr << "msgcenter: " << (sig == SIGINT ? "SIGINT" : "SIGTERM")
            << ": no new connections; finishing the requests in flight\n";
  const std::size_t abandoned = http.stop();
  if (abandoned) std::cerr << "msgcenter: " << abandoned << " request(s) did not finish in time\n";
  mc.close();
  if (twilio) twilio->stop();
  std::cerr << "msgcenter: stopped\n";
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<serve_args>();
  auto* cmd = app.add_subcommand(
      "serve", "Serve the HTTP API, Twilio webhooks and event streams (docs/api.md)");
  cmd->add_option("--listen", args->listen,
                  "HOST:PORT to listen on (default 127.0.0.1:8080; port 0 picks one)");
  cmd->add_option("--data", args->data_dir,
                  "Store directory (LMDB store and tokens.json); default: in memory");
  cmd->add_option("--config", args->config,
                  "JSON config file (listen, admin_key, public_url, data, limits, ...)");
  cmd->add_option(
      "--public-url", args->public_url,
      "Base URL Twilio uses to reach this server; webhook signatures are checked against it");
  cmd->add_option("--outbound", args->outbound,
                  "Where replies go: local (default, nowhere) or twilio");
  cmd->add_option("--twilio-api-url", args->twilio_api_url,
                  "Twilio REST API base URL (default https://api.twilio.com)");
  cmd->add_option("--web", args->web,
                  "Directory of the staff web page served at / (default: web/ of the source "
                  "tree, found from the binary; `none`: no page)");
  cmd->add_option("--threads", args->threads, "Engine scheduler threads (default: core count)");
  cmd->add_flag("--demo", args->demo,
                "Load a demo business, staff (tokens printed), contacts and a day of texts");
  cmd->footer("The admin key comes from MSGCENTER_ADMIN_KEY (or the config file's admin_key).");
  cmd->callback([args, &exit_code] { exit_code = run_serve(*args); });
}

}  // namespace msgcenter::cli
