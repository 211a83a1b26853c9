#include <curl/curl.h>
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <mutex>

#include "tools/ship_http.hpp"

namespace lynx::tools {

namespace {

std::size_t collect(char* data, std::size_t size, std::size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

// `in` gzip-compressed into *out (level 1: the network, not the CPU, is what it saves).
bool gzip(std::string_view in, std::string* out) {
  z_stream z{};
  if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
  out->resize(deflateBound(&z, static_cast<uLong>(in.size())) + 32);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out->data());
  z.avail_out = static_cast<uInt>(out->size());
  const int rc = deflate(&z, Z_FINISH);
  out->resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END;
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

HttpClient::HttpClient(std::string base_url) : base_url_(std::move(base_url)) {
  global_init();
  curl_ = curl_easy_init();
}

HttpClient::~HttpClient() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

std::string HttpClient::escape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

Status HttpClient::post(std::string_view sql, std::string_view params, std::string_view body,
                        std::string* answer) {
  answer->clear();
  CURL* curl = static_cast<CURL*>(curl_);
  if (curl == nullptr) return Status::error(Status::Code::io_error, "libcurl failed to start");
  std::string url = base_url_;
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += "query=" + escape(sql);
  if (!params.empty()) url += "&" + std::string(params);
  curl_slist* headers = nullptr;
  if (gzip_ && !body.empty()) {
    if (!gzip(body, &compressed_))
      return Status::error(Status::Code::io_error, "zlib could not compress the batch");
    body = compressed_;
    headers = curl_slist_append(headers, "Content-Encoding: gzip");
  }
  // A request with a body (an INSERT) never goes on a reused connection: when a reused
  // connection breaks before any answer, libcurl sends the request again by itself, and the
  // server may have applied the first one (it applied it and the connection broke before the
  // answer): the caller must decide, after asking the server (tools/ship_dedup.hpp).
  curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, body.empty() ? 0L : 1L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, answer);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 120000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  const CURLcode rc = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    return Status::error(Status::Code::unavailable,
                         base_url_ + ": " + std::string(curl_easy_strerror(rc)));
  }
  bytes_sent_ += body.size();
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  if (code == 200) return Status();
  std::string message = *answer;
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.pop_back();
  // Worth retrying: a 5xx without a ClickHouse error code (a proxy, a server starting), and the
  // error codes of a busy or partly unreachable server: 202 too many simultaneous queries,
  // 209 socket timeout, 210 network error, 241 memory limit, 252 too many parts, 279 all
  // connection tries failed (a shard of a Distributed table is down). Others (bad SQL, unknown
  // table, a row the table refuses) would fail again.
  int ch_code = -1;
  if (const std::size_t at = message.find("Code: "); at != std::string::npos)
    ch_code = std::atoi(message.c_str() + at + 6);
  const bool retry = (code >= 500 && ch_code < 0) || ch_code == 202 || ch_code == 209 ||
                     ch_code == 210 || ch_code == 241 || ch_code == 252 || ch_code == 279;
  return Status::error(retry ? Status::Code::unavailable : Status::Code::invalid_argument,
                       "ClickHouse answered HTTP " + std::to_string(code) + ": " + message);
}

}  // namespace lynx::tools
