// The HTTP side of `lynx ship`: one POST to ClickHouse's HTTP interface, through libcurl (Debian's
// libcurl4-openssl-dev; a build without it has a stub that says so). One connection is kept alive
// between requests without a body. CLI process only: never used by the logging backend.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.hpp"

namespace lynx::tools {

class HttpClient {
 public:
  // `base_url`: http://host:port/ (user:password@ may be in it; the path is kept).
  explicit HttpClient(std::string base_url);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // POSTs `body` to base_url?query=<sql>&<params> (params: "name=value&..." already escaped).
  // ok only for a 200 answer; *answer gets the response body either way. A refused or broken
  // connection or a timeout is Code::unavailable (worth retrying); an HTTP error the server
  // gave (bad SQL, unknown table) is Code::invalid_argument with the server's message. A
  // request with a body goes on a new connection, and is never sent twice by libcurl itself
  // (which resends a request whose reused connection broke before any answer).
  Status post(std::string_view sql, std::string_view params, std::string_view body,
              std::string* answer);

  // Compress request bodies with gzip (level 1; Content-Encoding: gzip, which ClickHouse 18.16
  // and later decompress). Off by default.
  void set_gzip(bool on) { gzip_ = on; }

  // Total bytes of request bodies sent so far, as sent (compressed or not) (the bench's bytes per
  // record).
  std::uint64_t bytes_sent() const { return bytes_sent_; }

  // The SQL `s`, URL-escaped.
  static std::string escape(std::string_view s);

 private:
  std::string base_url_;
  void* curl_ = nullptr;  // CURL*
  std::uint64_t bytes_sent_ = 0;
  bool gzip_ = false;
  std::string compressed_;  // reused between requests
};

}  // namespace lynx::tools
