// The staff web page's static files (`msgcenter serve --web DIR`) against a real server:
// Content-Types, the Content-Security-Policy, ETag revalidation, HEAD, traversal attempts
// (plain, percent-encoded, through a symbolic link), what is never served, and the API
// routes answering exactly as before.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "msgcenter/server/static_files.hpp"
#include "server_fixture.hpp"

namespace msgcenter::server::testing {
namespace {

const char* kIndex = "<!doctype html><title>inbox</title><script type=module src=app/main.js>";
const char* kOutside = "OUTSIDE-THE-WEB-ROOT";

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

/// tmp/web/{index.html, app/main.js, app/style.css, ...} and tmp/outside.js beside it.
class ServerStaticFiles : public ServerTest {
 protected:
  void configure(server_options& o) override {
    char tmpl[] = "/tmp/msgcenter-web-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir = tmpl;
    const std::string web = dir + "/web";
    ASSERT_EQ(::mkdir(web.c_str(), 0700), 0);
    ASSERT_EQ(::mkdir((web + "/app").c_str(), 0700), 0);
    ASSERT_EQ(::mkdir((web + "/node_modules").c_str(), 0700), 0);
    ASSERT_EQ(::mkdir((web + "/folder.js").c_str(), 0700), 0);
    write_file(web + "/index.html", kIndex);
    write_file(web + "/app/main.js", "export const answer = 42;\n");
    write_file(web + "/app/style.css", "body { margin: 0 }\n");
    write_file(web + "/.secret.js", kOutside);
    write_file(web + "/package.json", kOutside);
    write_file(web + "/tests.mjs", kOutside);
    write_file(web + "/node_modules/lib.js", kOutside);
    write_file(web + "/big.js", std::string(4096, 'x'));
    write_file(dir + "/outside.js", kOutside);
    ASSERT_EQ(::symlink("../outside.js", (web + "/link.js").c_str()), 0);
    ASSERT_EQ(::symlink("app/main.js", (web + "/inside-link.js").c_str()), 0);
    ASSERT_EQ(::mkfifo((web + "/fifo.js").c_str(), 0600), 0);
    o.web_root = web;
    o.limits.max_static_file_bytes = 1024;
  }
  void TearDown() override {
    ServerTest::TearDown();
    if (!dir.empty()) std::system(("rm -rf '" + dir + "'").c_str());
  }
  std::string dir;
};

TEST_F(ServerStaticFiles, Root_IsTheIndexPage_WithAStrictPolicy) {
  auto r = call("GET", "/");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, kIndex);
  EXPECT_EQ(r.headers["content-type"], "text/html; charset=utf-8");
  const std::string csp = r.headers["content-security-policy"];
  EXPECT_EQ(csp, kWebContentSecurityPolicy);
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos);
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_NE(csp.find("connect-src 'self'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos);
  EXPECT_EQ(r.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(r.headers["cache-control"], "no-cache");
  EXPECT_FALSE(r.headers["etag"].empty());
  auto again = call("GET", "/index.html?v=2");
  EXPECT_EQ(again.status, 200u);
  EXPECT_EQ(again.body, kIndex);
}

TEST_F(ServerStaticFiles, Modules_AndStyles_HaveTheirTypes) {
  auto js = call("GET", "/app/main.js");
  ASSERT_EQ(js.status, 200u);
  EXPECT_EQ(js.headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(js.body, "export const answer = 42;\n");
  EXPECT_FALSE(js.headers["content-security-policy"].empty());
  auto css = call("GET", "/app/style.css");
  ASSERT_EQ(css.status, 200u);
  EXPECT_EQ(css.headers["content-type"], "text/css; charset=utf-8");
  auto linked = call("GET", "/inside-link.js");
  EXPECT_EQ(linked.status, 200u) << "a link that stays inside the web root is fine";
}

TEST_F(ServerStaticFiles, ETag_Revalidates_AndHeadHasNoBody) {
  auto first = call("GET", "/app/main.js");
  const std::string etag = first.headers["etag"];
  ASSERT_FALSE(etag.empty());
  auto same = call("GET", "/app/main.js", "", "", {{"If-None-Match", etag}});
  EXPECT_EQ(same.status, 304u);
  EXPECT_TRUE(same.body.empty());
  EXPECT_EQ(same.headers["etag"], etag);
  auto weak = call("GET", "/app/main.js", "", "", {{"If-None-Match", "\"x\", W/" + etag}});
  EXPECT_EQ(weak.status, 304u);
  auto other = call("GET", "/app/main.js", "", "", {{"If-None-Match", "\"other\""}});
  EXPECT_EQ(other.status, 200u);
  write_file(dir + "/web/app/main.js", "export const answer = 43;\n");
  auto changed = call("GET", "/app/main.js", "", "", {{"If-None-Match", etag}});
  EXPECT_EQ(changed.status, 200u) << "a changed file has a new ETag";
  EXPECT_NE(changed.headers["etag"], etag);
  auto head = call("HEAD", "/");
  EXPECT_EQ(head.status, 200u);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.headers["content-length"], std::to_string(std::string(kIndex).size()));
  EXPECT_EQ(call("GET", "/healthz").status, 200u) << "the connection code still works after HEAD";
}

TEST_F(ServerStaticFiles, TraversalAttempts_AreRefused) {
  const char* attempts[] = {
      "/../outside.js",
      "/app/../../outside.js",
      "/app/../index.html",
      "/./index.html",
      "/%2e%2e/outside.js",
      "/%2E%2E%2Foutside.js",
      "/app/%2e%2e/%2e%2e/outside.js",
      "/..%2foutside.js",
      "/..%5coutside.js",
      "/.%2e/outside.js",
      "/%2e./outside.js",
      "//etc/passwd",
      "/%2fetc%2fpasswd",
      "/../../../../../../etc/passwd",
      "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
      "/index.html%00.js",
      "/link.js",
      "/app/",
      "/%zz",
      "http://127.0.0.1/../outside.js",
  };
  for (const char* target : attempts) {
    auto r = call("GET", target);
    EXPECT_EQ(r.status, 404u) << target;
    EXPECT_EQ(r.body.find(kOutside), std::string::npos) << target;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << target;
  }
}

TEST_F(ServerStaticFiles, OnlyPageFiles_AreServed) {
  for (const char* target :
       {"/.secret.js", "/package.json", "/tests.mjs", "/node_modules/lib.js", "/big.js",
        "/folder.js", "/fifo.js", "/app", "/missing.js", "/app/missing.css"}) {
    auto r = call("GET", target);
    EXPECT_EQ(r.status, 404u) << target;
    EXPECT_EQ(r.code(), "not_found") << target;
    EXPECT_EQ(r.body.find(kOutside), std::string::npos) << target;
  }
  auto post = call("POST", "/", "{}");
  EXPECT_EQ(post.status, 405u);
  EXPECT_EQ(post.headers["allow"], "GET, HEAD");
}

TEST_F(ServerStaticFiles, ApiRoutes_AnswerAsBefore) {
  auto health = call("GET", "/healthz");
  EXPECT_EQ(health.status, 200u);
  EXPECT_EQ(health.j()["ok"], true);
  EXPECT_TRUE(health.headers["content-security-policy"].empty());
  EXPECT_EQ(call("GET", "/v1/conversations").status, 401u);
  auto list = call("GET", "/v1/conversations", "", ana);
  EXPECT_EQ(list.status, 200u);
  EXPECT_EQ(list.headers["content-type"], "application/json");
  auto unknown = call("GET", "/v1/index.html");
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(unknown.j()["error"]["message"], "no such route");
  EXPECT_EQ(call("GET", "/webhooks/app/main.js").status, 404u);
  EXPECT_EQ(call("HEAD", "/v1/badge", "", ana).status, 405u);
  EXPECT_EQ(call("GET", "/").status, 200u);
  auto m = call("GET", "/metrics");
  EXPECT_NE(m.body.find("route=\"static\""), std::string::npos) << "the page has its label";
}

TEST(ServerStaticPaths, RelativePath_AndContentType) {
  EXPECT_EQ(web_relative_path("/"), "index.html");
  EXPECT_EQ(web_relative_path("/app/main.js"), "app/main.js");
  EXPECT_EQ(web_relative_path("/app/my%20file.js"), "app/my file.js");
  EXPECT_FALSE(web_relative_path(""));
  EXPECT_FALSE(web_relative_path("app.js"));
  EXPECT_FALSE(web_relative_path("/a//b.js"));
  EXPECT_FALSE(web_relative_path("/a/"));
  EXPECT_FALSE(web_relative_path("/%2e%2e/x.js"));
  EXPECT_FALSE(web_relative_path("/.git/config"));
  EXPECT_FALSE(web_relative_path("/a\\..\\b.js"));
  EXPECT_FALSE(web_relative_path("/node_modules/x.js"));
  EXPECT_EQ(web_content_type("a/b.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(web_content_type("index.html"), "text/html; charset=utf-8");
  EXPECT_FALSE(web_content_type("package.json"));
  EXPECT_FALSE(web_content_type("x.mjs"));
  EXPECT_FALSE(web_content_type("Makefile"));
  EXPECT_FALSE(web_content_type("dir.js/README"));
  EXPECT_TRUE(etag_matches("*", "\"a\""));
  EXPECT_TRUE(etag_matches(" \"b\" , \"a\"", "\"a\""));
  EXPECT_FALSE(etag_matches("", "\"a\""));
  EXPECT_FALSE(etag_matches("\"ab\"", "\"a\""));
  EXPECT_TRUE(is_api_path("/v1/badge"));
  EXPECT_TRUE(is_api_path("/healthz"));
  EXPECT_FALSE(is_api_path("/v1x.js"));
  EXPECT_FALSE(is_api_path("/"));
}

TEST_F(ServerTest, WithoutAWebRoot_RootIsAnUnknownRoute) {
  auto r = call("GET", "/");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.j()["error"]["message"], "no such route");
}

}  // namespace
}  // namespace msgcenter::server::testing
