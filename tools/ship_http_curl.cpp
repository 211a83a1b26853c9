#include <curl/curl.h>

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
